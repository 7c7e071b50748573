// Agent output (stderr tails, stray stdout) and git's error output end up in logs and in the
// summary comment, so anything that looks like a credential is masked before it leaves the runner.

const MASK = "[redacted]";

const TOKEN_PATTERNS: RegExp[] = [
  // PEM blocks (private keys, certificates with keys)
  /-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g,
  // Well-known token prefixes: GitHub, GitLab, Slack, OpenAI/Anthropic style, AWS access keys
  /\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16})/g,
  // JWTs
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  // credentials embedded in URLs
  /(?<=[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+(?=@)/gi,
];

/** `token=x`, `"api_key": "x"`, `password: x` …: keep the name, mask the value. */
const NAMED_SECRET =
  /\b(authorization|token|access[_-]?token|api[_-]?key|apikey|secret|client[_-]?secret|password|passwd|private[_-]?key)(["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?[^\s"',;]{4,}/gi;

/** `Bearer x`, `Basic x` wherever they appear. */
const AUTH_SCHEME = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** Long opaque strings mixing letters and digits (hex keys, base64 secrets). */
const OPAQUE = /[A-Za-z0-9_+=-]{32,}/g;
/** Commit ids look opaque too, but operators need them to make sense of git errors. */
const COMMIT_ID = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 6) out = out.split(secret).join(MASK);
  }
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, MASK);
  out = out.replace(
    NAMED_SECRET,
    (_m, name: string, sep: string, scheme?: string) => `${name}${sep}${scheme ?? ""}${MASK}`,
  );
  out = out.replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${MASK}`);
  return out.replace(OPAQUE, (m) =>
    /[0-9]/.test(m) && /[A-Za-z]/.test(m) && !COMMIT_ID.test(m) ? MASK : m,
  );
}
