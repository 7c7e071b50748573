// The one place that masks secrets, for three audiences:
// - `redactSecrets`: agent output (stderr tails, stray stdout) and git's error output, bound for
//   logs and failure messages. Aggressive: anything that looks like a credential goes.
// - `redactCredentialFormats`: platform API errors. Only unmistakable credential formats.
// - `maskKnownSecrets`: exact values Warden holds (keys, webhook secrets, tokens), also when the
//   renderer interleaved its escapes, for text posted to a PR/MR (platforms/secret-scrubber.ts).

import { isCommitSha } from "../core/model/commit.js";

const MASK = "[redacted]";

/** Formats that are credentials wherever they appear, whatever the text around them. */
const CREDENTIAL_FORMATS: RegExp[] = [
  // PEM blocks (private keys, certificates with keys)
  /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g,
  // GitHub (classic, fine-grained, installation, OAuth, refresh; legacy `v1.` installation
  // tokens), GitLab (personal, OAuth, deploy, runner, trigger, feed, …)
  /\b(gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,}|v1\.[0-9a-f]{40}\b|gl[a-z]{0,6}-[A-Za-z0-9_.-]{16,})/g,
  // credentials embedded in URLs
  /(?<=[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+(?=@)/gi,
];

/** Other vendors' formats (Slack, OpenAI/Anthropic style, AWS access keys) and JWTs. */
const TOKEN_PATTERNS: RegExp[] = [
  /\b(xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16})/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** `token=x`, `"api_key": "x"`, `password: x` …: keep the name, mask the value. */
const NAMED_SECRET =
  /\b(authorization|token|access[_-]?token|api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|private[_-]?key)(["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?[^\s"',;]{4,}/gi;

/** `Bearer x`, `Basic x` wherever they appear. */
const AUTH_SCHEME = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** Long opaque strings mixing letters and digits (hex keys, base64 secrets). */
const OPAQUE = /[A-Za-z0-9_+=-]{32,}/g;

/** Shorter known values are not masked: they would eat ordinary words (and are no real secret). */
const MIN_KNOWN_SECRET_LENGTH = 8;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 6) out = out.split(secret).join(MASK);
  }
  out = redactCredentialFormats(out);
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, MASK);
  out = out.replace(
    NAMED_SECRET,
    (_m, name: string, sep: string, scheme?: string) => `${name}${sep}${scheme ?? ""}${MASK}`,
  );
  out = out.replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${MASK}`);
  // Commit ids look opaque too, but operators need them to make sense of git errors.
  return out.replace(OPAQUE, (m) => (/[0-9]/.test(m) && /[A-Za-z]/.test(m) && !isCommitSha(m) ? MASK : m));
}

export function redactCredentialFormats(text: string): string {
  return CREDENTIAL_FORMATS.reduce((acc, pattern) => acc.replace(pattern, MASK), text);
}

// The markdown renderer (core/render/escape.ts) may put a ZERO WIDTH JOINER after a character or
// a backslash before punctuation; a secret so interleaved is still the secret to a reader.
const ZWJ = "\u200D";
const PUNCTUATION = /[!-/:-@[-`{-~]/;
const patternCache = new Map<string, RegExp>();

function tolerantPattern(secret: string): RegExp {
  let pattern = patternCache.get(secret);
  if (!pattern) {
    const parts = [...secret].map((ch) => {
      const literal = ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
      return PUNCTUATION.test(ch) ? `\\\\?${literal}` : literal;
    });
    pattern = new RegExp(parts.join(`${ZWJ}?`), "g");
    if (patternCache.size > 10_000) patternCache.clear();
    patternCache.set(secret, pattern);
  }
  return pattern;
}

/**
 * Every occurrence of each known value (at least MIN_KNOWN_SECRET_LENGTH characters), longest
 * first so that a value containing another is masked whole.
 */
export function maskKnownSecrets(text: string, secrets: Iterable<string>): string {
  const values = [...new Set(secrets)]
    .filter((s) => s.length >= MIN_KNOWN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of values) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
    // Only worth a regex when the text could hold an escaped copy.
    if (out.includes(ZWJ) || out.includes("\\")) out = out.replace(tolerantPattern(secret), MASK);
  }
  return out;
}
