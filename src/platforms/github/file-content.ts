// `repos.getContent` with the raw media type answers the file's bytes; depending on the
// Content-Type GitHub (or a proxy in front of GitHub Enterprise) sends, Octokit hands them over as
// a string or an ArrayBuffer. A server that ignores the media type answers the JSON form instead.

const decoder = new TextDecoder("utf-8");

/** The file's text, or null when the path is not a regular file (a directory, a submodule). */
export function fileText(data: unknown): string | null {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return decoder.decode(data);
  if (data instanceof Uint8Array) return decoder.decode(data);
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const { type, content, encoding } = data as { type?: unknown; content?: unknown; encoding?: unknown };
  if (type !== "file" || typeof content !== "string") return null;
  return encoding === "base64" ? Buffer.from(content, "base64").toString("utf8") : content;
}
