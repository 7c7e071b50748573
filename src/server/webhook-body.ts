// Webhook bodies are read with a cap on both routes: GitHub's own payload cap (25 MB; GitLab's
// is the same), checked on Content-Length before anything is read and counted while streaming
// (chunked bodies have no length). Over the cap the route answers 413 and stops reading, so an
// unsigned 200 MB POST costs no memory. Hand-written: body-parser's `limit` would add Express'
// stack for one counter, and Probot's middleware has no limit at all.
import type { IncomingMessage, ServerResponse } from "node:http";

/** GitHub's webhook payload cap (and GitLab's): 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** How long a refused upload may keep sending before its connection is cut. */
const LINGER_MS = 2_000;

/** True when the declared Content-Length already exceeds `max`. */
export function declaredTooLarge(req: IncomingMessage, max: number): boolean {
  const length = req.headers["content-length"];
  return length !== undefined && Number(length) > max;
}

/**
 * The whole body, or null as soon as it exceeds `max` bytes (declared or counted). On null the
 * request is paused with the rest unread; answer with `refuseTooLarge`.
 */
export function readCappedBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  if (declaredTooLarge(req, max)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Buffer | null) => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      chunks.length = 0;
      req.pause();
      done(null);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onError = (err: Error) => {
      req.off("data", onData).off("end", onEnd);
      reject(err);
    };
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/**
 * 413 with `Connection: close`, and nothing more is read. Destroying the socket at once could
 * make the client miss the answer (a reset while it still sends), so the connection is cut after
 * a short grace period instead.
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, max: number): true {
  const body = JSON.stringify({ error: `payload larger than ${max} bytes (GitHub's and GitLab's webhook limit)` });
  res.writeHead(413, { "content-type": "application/json", connection: "close" }).end(body);
  res.once("finish", () => {
    // Node drains an unread request after the answer (to reuse the connection); this one is not reused.
    req.pause();
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  });
  return true;
}
