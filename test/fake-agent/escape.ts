// The escapes a hostile agent would try from inside its sandbox, run by the fake agent's `escape`
// step; each reports what it actually saw, so tests assert on the agent's view, not on argv.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { EscapeProbe, EscapeResult } from "./scenario.js";

const TIMEOUT_MS = 5_000;

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String((err as Error).message ?? err);
}

function read(path: string): EscapeResult["saw"] {
  return statSync(path).isDirectory()
    ? `dir:${readdirSync(path).join(",")}`
    : `file:${readFileSync(path, "utf8").slice(0, 200)}`;
}

function procEnviron(needles: string[]): { found: string[]; readable: number } {
  const found = new Set<string>();
  let readable = 0;
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/environ`, "utf8");
    } catch {
      continue;
    }
    readable++;
    for (const needle of needles) if (text.includes(needle)) found.add(needle);
  }
  return { found: [...found], readable };
}

function direct(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: TIMEOUT_MS });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("ETIMEDOUT");
    });
    socket.once("error", (err) => resolve(errorCode(err)));
  });
}

/** A direct connection that sends "ping\n"; the first line back, or why there was none. */
function exchange(host: string, port: number): Promise<{ ok: boolean; saw: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: TIMEOUT_MS });
    let buffered = "";
    const finish = (value: { ok: boolean; saw: string }) => {
      socket.destroy();
      resolve(value);
    };
    socket.once("connect", () => socket.write("ping\n"));
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const line = buffered.indexOf("\n");
      if (line >= 0) finish({ ok: true, saw: buffered.slice(0, line) });
    });
    socket.once("timeout", () => finish({ ok: false, saw: "ETIMEDOUT" }));
    socket.once("error", (err) => finish({ ok: false, saw: errorCode(err) }));
    socket.once("end", () => finish({ ok: false, saw: "closed" }));
  });
}

/** CONNECT host:port through the proxy; on 200 sends "ping\n" and returns the first line back. */
function viaProxy(host: string, port: number): Promise<{ ok: boolean; saw: string }> {
  const proxy = process.env.HTTPS_PROXY;
  if (!proxy) return Promise.resolve({ ok: false, saw: "no HTTPS_PROXY" });
  const url = new URL(proxy);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), timeout: 60_000 });
    let buffered = "";
    let tunnelled = false;
    const finish = (value: { ok: boolean; saw: string }) => {
      socket.destroy();
      resolve(value);
    };
    socket.once("connect", () => socket.write(`CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`));
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      if (!tunnelled) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const status = buffered.split("\r\n")[0] ?? "";
        if (!/^HTTP\/1\.[01] 200/.test(status)) return finish({ ok: false, saw: status });
        tunnelled = true;
        buffered = buffered.slice(end + 4);
        socket.write("ping\n");
      }
      const line = buffered.indexOf("\n");
      if (line >= 0) finish({ ok: true, saw: buffered.slice(0, line) });
    });
    socket.once("timeout", () => finish({ ok: false, saw: "ETIMEDOUT" }));
    socket.once("error", (err) => finish({ ok: false, saw: errorCode(err) }));
    socket.once("end", () => finish({ ok: false, saw: `closed: ${buffered.split("\r\n")[0] ?? ""}` }));
  });
}

export async function runEscape(probe: EscapeProbe): Promise<EscapeResult> {
  try {
    switch (probe.kind) {
      case "read":
        return { probe, ok: true, saw: read(probe.path) };
      case "proc_environ": {
        const { found, readable } = procEnviron(probe.needles);
        return { probe, ok: found.length > 0, saw: `readable:${readable} found:${found.join(",")}` };
      }
      case "write":
        writeFileSync(probe.path, "written by the agent\n");
        return { probe, ok: true, saw: "written" };
      case "connect": {
        const saw = await direct(probe.host, probe.port);
        return { probe, ok: saw === "connected", saw };
      }
      case "exchange":
        return { probe, ...(await exchange(probe.host, probe.port)) };
      case "proxy":
        return { probe, ...(await viaProxy(probe.host, probe.port)) };
      case "borrowed_objects": {
        const dir = readFileSync(".git/objects/info/alternates", "utf8").split("\n")[0]!.trim();
        if (probe.action === "read") return { probe, ok: true, saw: `${dir} ${read(dir)}` };
        writeFileSync(join(dir, "planted-by-agent"), "x");
        return { probe, ok: true, saw: "written" };
      }
    }
  } catch (err) {
    return { probe, ok: false, saw: errorCode(err) };
  }
}
