// The one way out of an agent's sandbox: an HTTP proxy (CONNECT for TLS, absolute-form requests for
// plain HTTP) on a Unix socket that only this run's sandbox can reach. One proxy per run, so a host
// no rule decides is asked about on exactly the PR/MR whose agent wants it, and the answer holds for
// the rest of that run only. Hand-written (a few dozen lines over node:net) because the library
// proxies we looked at share one allow list and one ask callback across every sandboxed process.
import { lookup } from "node:dns/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { Logger } from "../../core/ports/logger.js";
import { decideHost, isLocalDestination, type HostEntry } from "./host-rules.js";

const MAX_HEAD_BYTES = 64 * 1024;
const CONNECT_TIMEOUT_MS = 15_000;

export type Dial = (host: string, port: number) => Promise<Socket>;

export interface EgressProxyOptions {
  socketPath: string;
  entries: readonly HostEntry[];
  /** Asked once per host:port no rule decides; true lets it through for the rest of the run. */
  ask(host: string, port: number): Promise<boolean>;
  log: Logger;
  /** Opens the upstream connection; the default resolves the name and refuses local addresses. */
  dial?: Dial;
}

export interface EgressProxy {
  close(): Promise<void>;
}

export async function startEgressProxy(opts: EgressProxyOptions): Promise<EgressProxy> {
  const decisions = new Map<string, Promise<boolean>>();
  const sockets = new Set<Socket>();
  const allowed = (host: string, port: number): Promise<boolean> => {
    const decision = decideHost(opts.entries, host, port);
    if (decision !== "ask") return Promise.resolve(decision === "allow");
    const key = `${host.toLowerCase()}:${port}`;
    let pending = decisions.get(key);
    if (!pending) {
      pending = opts.ask(host, port).catch((err: unknown) => {
        opts.log.warn({ host: key, err: String(err) }, "network permission ask failed; refusing");
        return false;
      });
      decisions.set(key, pending);
    }
    return pending;
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    void handle(client, allowed, opts.dial ?? guardedDial(opts.entries), opts.log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.socketPath, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Connects to a resolved address, never to a local one the entries did not name (DNS rebinding). */
function guardedDial(entries: readonly HostEntry[]): Dial {
  return async (host, port) => {
    const explicitLocal = isLocalDestination(host) && decideHost(entries, host, port) === "allow";
    const addresses = await lookup(host.replace(/^\[|\]$/g, ""), { all: true });
    const target = addresses[0];
    if (!target) throw new Error(`${host} does not resolve`);
    if (!explicitLocal && addresses.some((a) => isLocalDestination(a.address))) {
      throw new Error(`${host} resolves to a local address`);
    }
    return openSocket(target.address, port);
  };
}

function openSocket(address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, timeout: CONNECT_TIMEOUT_MS });
    socket.once("connect", () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once("timeout", () => socket.destroy(new Error("connect timed out")));
    socket.once("error", reject);
  });
}

interface RequestHead {
  method: string;
  host: string;
  port: number;
  /** What to send upstream before the rest of the stream (CONNECT: nothing). */
  upstreamHead?: Buffer;
}

async function handle(
  client: Socket,
  allowed: (h: string, p: number) => Promise<boolean>,
  dial: Dial,
  log: Logger,
): Promise<void> {
  const read = await readHead(client);
  if (!read) return refuse(client, 400, "bad proxy request");
  const { head, rest } = read;
  const target = parseHead(head);
  if (!target) return refuse(client, 400, "bad proxy request");
  const where = `${target.host}:${target.port}`;
  if (!(await allowed(target.host, target.port))) {
    log.info({ host: where }, "sandbox refused a connection");
    return refuse(client, 403, `Warden's sandbox does not allow ${where}`);
  }
  let upstream: Socket;
  try {
    upstream = await dial(target.host, target.port);
  } catch (err) {
    log.info({ host: where, err: String(err) }, "sandbox could not connect");
    return refuse(client, 502, `cannot connect to ${where}`);
  }
  if (client.destroyed) return void upstream.destroy();
  upstream.on("error", () => client.destroy());
  client.on("close", () => upstream.destroy());
  upstream.on("close", () => client.destroy());
  if (target.upstreamHead) upstream.write(target.upstreamHead);
  else client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  if (rest.length > 0) upstream.write(rest);
  client.pipe(upstream);
  upstream.pipe(client);
}

function refuse(client: Socket, status: number, text: string): void {
  const reason = status === 403 ? "Forbidden" : status === 502 ? "Bad Gateway" : "Bad Request";
  client.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(text) + 1}\r\nconnection: close\r\n\r\n${text}\n`,
  );
}

function readHead(client: Socket): Promise<{ head: string; rest: Buffer } | undefined> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const done = (value: { head: string; rest: Buffer } | undefined) => {
      client.off("data", onData);
      client.off("end", onEnd);
      client.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end >= 0)
        return done({ head: buffered.subarray(0, end + 4).toString("latin1"), rest: buffered.subarray(end + 4) });
      if (buffered.length > MAX_HEAD_BYTES) done(undefined);
    };
    const onEnd = () => done(undefined);
    client.on("data", onData);
    client.on("end", onEnd);
  });
}

function parseHead(head: string): RequestHead | undefined {
  const [requestLine = "", ...headers] = head.split("\r\n");
  const parts = requestLine.split(" ");
  if (parts.length !== 3) return undefined;
  const [method, target, version] = parts as [string, string, string];
  if (method === "CONNECT") {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(target);
    if (!m) return undefined;
    const port = Number(m[2]);
    return port >= 1 && port <= 65535 ? { method, host: m[1]!.replace(/^\[|\]$/g, ""), port } : undefined;
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" || url.username || url.password) return undefined;
  const port = url.port ? Number(url.port) : 80;
  const kept = headers.filter((h) => h !== "" && !/^proxy-/i.test(h));
  const upstreamHead = Buffer.from(
    [`${method} ${url.pathname}${url.search} ${version}`, ...kept, "", ""].join("\r\n"),
    "latin1",
  );
  return { method, host: url.hostname.replace(/^\[|\]$/g, ""), port, upstreamHead };
}
