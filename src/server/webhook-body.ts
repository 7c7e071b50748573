// Webhook bodies are read with a cap on both routes: GitHub's own payload cap (25 MB; GitLab's
// is the same), checked on Content-Length before anything is read and counted while streaming
// (chunked bodies have no length). Over the cap the route answers 413 and keeps nothing, so an
// unsigned 200 MB POST costs no memory. Hand-written: body-parser's `limit` would add Express'
// stack for one counter, and Probot's middleware has no limit at all.
import type { IncomingMessage, ServerResponse } from "node:http";

/** GitHub's webhook payload cap (and GitLab's): 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** How long a refused upload may keep sending (discarded) before its connection is cut. */
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
    const stop = () => req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    const done = (result: Buffer | null) => {
      stop();
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
      stop();
      reject(err);
    };
    // A client that goes away mid-body: no `end` will come.
    const onClose = () => onError(new Error("the request was closed before its body ended"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * 413, and nothing more is kept. The client may still be sending, and Node closes the connection
 * as soon as a response to an unfinished request ends; closing under a sender resets it, which
 * can make the client lose the answer. So the whole answer is written at once (its length
 * declared, so the client has all of it), the rest of the upload is discarded as it comes (a
 * lingering close, as nginx does), and the response is ended, closing the connection, when the
 * upload ends or after a short grace period, whichever is first.
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, max: number): true {
  const body = Buffer.from(
    JSON.stringify({ error: `payload larger than ${max} bytes (GitHub's and GitLab's webhook limit)` }),
  );
  res.writeHead(413, {
    "content-type": "application/json",
    "content-length": String(body.length),
    connection: "close",
  });
  res.write(body);
  const close = () => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  req
    .on("data", () => undefined)
    .once("end", close)
    .once("close", close)
    .resume();
  return true;
}
