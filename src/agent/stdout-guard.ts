import { Readable, Transform, Writable, pipeline } from "node:stream";
import { DEFAULT_MAX_MESSAGE_BYTES, ndJsonStream } from "@agentclientprotocol/sdk";
import type { Stream } from "@agentclientprotocol/sdk";

export interface StdoutGuardHandlers {
  /** Every JSON-RPC message, synchronously and in stream order, before the SDK reads it. */
  onMessage(message: Record<string, unknown>): void;
  /** A line that is not a JSON-RPC message, or a line longer than the SDK accepts. */
  onViolation(excerpt: string): void;
}

/**
 * Sits between the agent's stdout and the SDK's ndjson reader. The SDK answers a non-JSON line
 * with a parse error and carries on, which hides a misconfigured command (a CLI printing its
 * help, a wrapper script logging to stdout); here such a line ends the run as a protocol error.
 * It also lets the runner see `session/update` notifications in stream order: the SDK dispatches
 * notification handlers asynchronously, so a turn's last message chunks could otherwise be
 * handled after the prompt's response.
 */
function stdoutGuard(handlers: StdoutGuardHandlers): Transform {
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let failed = false;

  const check = (line: Buffer): boolean => {
    const text = line.toString("utf8").trim();
    if (!text) return true;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    if (!isJsonRpc(message)) {
      failed = true;
      handlers.onViolation(text.slice(0, 200));
      return false;
    }
    handlers.onMessage(message);
    return true;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (failed) return callback();
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        const line = Buffer.concat([...buffered, chunk.subarray(start, nl + 1)]);
        buffered = [];
        bufferedBytes = 0;
        start = nl + 1;
        if (!check(line)) return callback();
        this.push(line);
      }
      if (start < chunk.length) {
        buffered.push(chunk.subarray(start));
        bufferedBytes += chunk.length - start;
        if (bufferedBytes > DEFAULT_MAX_MESSAGE_BYTES) {
          failed = true;
          handlers.onViolation(`a message longer than ${DEFAULT_MAX_MESSAGE_BYTES} bytes`);
        }
      }
      callback();
    },
    flush(callback) {
      const rest = Buffer.concat(buffered);
      buffered = [];
      if (!failed && rest.length > 0 && check(rest)) this.push(rest);
      callback();
    },
  });
}

function isJsonRpc(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { jsonrpc?: unknown }).jsonrpc === "2.0"
  );
}

/** The SDK stream over the agent's stdin and its guarded stdout. */
export function guardedStream(proc: { stdin: Writable; stdout: Readable }, handlers: StdoutGuardHandlers): Stream {
  const guard = stdoutGuard(handlers);
  pipeline(proc.stdout, guard, () => undefined);
  return ndJsonStream(
    Writable.toWeb(proc.stdin) as WritableStream<Uint8Array>,
    Readable.toWeb(guard) as ReadableStream<Uint8Array>,
  );
}
