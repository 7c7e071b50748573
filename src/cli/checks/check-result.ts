// One line of `warden doctor`: ✓ it works, ✗ it does not (and how to fix it), – not checked.
export interface CheckResult {
  status: "ok" | "fail" | "skip" | "warn";
  title: string;
  detail: string;
  /** What to do, for a failure. */
  fix?: string;
}

export const ok = (title: string, detail: string): CheckResult => ({ status: "ok", title, detail });
export const skip = (title: string, detail: string): CheckResult => ({ status: "skip", title, detail });
/** Works, but the operator should know (and it does not fail the doctor). */
export const warn = (title: string, detail: string, fix?: string): CheckResult => ({
  status: "warn",
  title,
  detail,
  ...(fix ? { fix } : {}),
});
export const fail = (title: string, detail: string, fix?: string): CheckResult => ({
  status: "fail",
  title,
  detail,
  ...(fix ? { fix } : {}),
});

const MARK = { ok: "✓", fail: "✗", skip: "–", warn: "!" } as const;

export function formatCheck(check: CheckResult): string {
  const line = `${MARK[check.status]} ${check.title}: ${check.detail}`;
  return check.fix ? `${line}\n    fix: ${check.fix}` : line;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** GET with a deadline; network failures come back as an Error whose message names the cause. */
export async function getJson(url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { "user-agent": "warden-doctor", ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new Error(networkReason(err));
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): keep the text.
  }
  return { status: response.status, body };
}

function networkReason(err: unknown): string {
  if (err instanceof Error && err.name === "TimeoutError") return "no answer within the time limit";
  const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code)
    return `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : ""}`;
  return err instanceof Error ? err.message : String(err);
}

/** The `message` of an API error body, if it has one. */
export function apiMessage(body: unknown): string {
  if (typeof body === "object" && body !== null && "message" in body)
    return String((body as { message: unknown }).message);
  return typeof body === "string" ? body.slice(0, 200) : "";
}
