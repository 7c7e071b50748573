// The last line of defence for text Warden posts to a PR/MR: whatever a writer (summary,
// findings, permission comments, replies, statuses) lets through, no secret Warden holds reaches
// the platform. One per server, shared by both platforms' adapters.
import { maskKnownSecrets, redactCredentialFormats } from "../agent/redact.js";

export interface SecretScrubber {
  /** A secret learnt at run time (e.g. a minted token); kept for the life of the process. */
  remember(secret: string): void;
  scrub(text: string): string;
}

/** Tokens minted at run time outlive their hour here only this far (oldest forgotten first). */
const MAX_REMEMBERED = 1_000;
/** Lines of a multi-line secret (a PEM key's base64 body) are secrets on their own from this length. */
const MIN_LINE = 16;

/**
 * `known` is asked on every scrub, so secrets added to the configuration at run time (an agent's
 * environment) count at once; it should be cheap.
 */
export function createSecretScrubber(known: () => Iterable<string> = () => []): SecretScrubber {
  const remembered = new Set<string>();
  return {
    remember(secret) {
      if (remembered.has(secret)) return;
      remembered.add(secret);
      if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.values().next().value as string);
    },
    scrub(text) {
      const values: string[] = [];
      for (const secret of [...known(), ...remembered]) values.push(...expand(secret));
      return redactCredentialFormats(maskKnownSecrets(text, values));
    },
  };
}

/** The secret itself and, when it spans lines, each long line (a key quoted piecemeal is still the key). */
function expand(secret: string): string[] {
  const trimmed = secret.trim();
  if (!trimmed.includes("\n")) return [trimmed];
  const lines = trimmed
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= MIN_LINE && !l.startsWith("-----"));
  return [trimmed, ...lines];
}
