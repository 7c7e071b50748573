// Which hosts an agent's network proxy lets through without asking: its preset provider's hosts and
// the server config's `agents.<name>.network` entries. Loopback and link-local destinations (the
// database, Warden's own port, a cloud metadata service) are refused unless an entry names that
// exact host:port: a local model server is opted in one port at a time.
import { isIP } from "node:net";

export type HostDecision = "allow" | "deny" | "ask";

export interface HostEntry {
  /** Lower-case host; a leading `*.` matches any subdomain (not the bare domain). */
  host: string;
  /** Undefined: the web ports 443 and 80. */
  port?: number;
}

const DEFAULT_PORTS = new Set([443, 80]);

/** `api.example.com`, `*.example.com:8443`, `127.0.0.1:11434`, `[::1]:8080`. */
export function parseHostEntry(text: string): HostEntry {
  const trimmed = text.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(trimmed);
  const plain = /^((?:\*\.)?[a-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(trimmed);
  const match = bracketed ?? plain;
  if (!match || (!bracketed && trimmed.split(":").length > 2)) {
    throw new Error(`${JSON.stringify(text)} is not a host, *.domain or host:port`);
  }
  const host = match[1]!.replace(/\.$/, "");
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`${JSON.stringify(text)}: port out of range`);
  return port === undefined ? { host } : { host, port };
}

/** A host as the rules compare it: lower case, no IPv6 brackets, no trailing dot. */
function normalHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

/** Loopback, unspecified and link-local addresses (and `localhost` names). */
export function isLocalDestination(host: string): boolean {
  const h = normalHost(host);
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const mapped = h.startsWith("::ffff:") ? h.slice(7) : h;
  if (isIP(mapped) === 4) {
    const [a, b] = mapped.split(".").map(Number) as [number, number];
    return a === 127 || a === 0 || (a === 169 && b === 254);
  }
  if (isIP(h) === 6) return h === "::1" || h === "::" || /^fe[89ab]/.test(h);
  return false;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

/** allow: an entry covers it; deny: a local destination no entry names exactly; ask: the rest. */
export function decideHost(entries: readonly HostEntry[], host: string, port: number): HostDecision {
  const h = normalHost(host);
  if (isLocalDestination(h)) {
    return entries.some((e) => e.port === port && e.host.replace(/^\[|\]$/g, "") === h) ? "allow" : "deny";
  }
  const covered = entries.some(
    (e) => hostMatches(e.host, h) && (e.port === undefined ? DEFAULT_PORTS.has(port) : e.port === port),
  );
  return covered ? "allow" : "ask";
}
