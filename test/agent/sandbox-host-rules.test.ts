// The sandbox proxy's rules: preset hosts and `network` entries let a host through, loopback and
// link-local only when an entry names that exact host:port, everything else is asked about.
import { describe, expect, it } from "vitest";
import { decideHost, parseHostEntry } from "../../src/agent/sandbox/host-rules.js";
import { hostEntries } from "../../src/agent/sandbox/sandboxed-command.js";
import { loadServerConfig } from "../../src/config/server-config.js";

const entries = ["api.anthropic.com", "*.example.com", "llm.internal:8443", "127.0.0.1:11434", "[::1]:8080"].map(
  parseHostEntry,
);

describe("sandbox host rules", () => {
  it("allows listed hosts on their ports (443 and 80 without one), subdomains for *.domain only", () => {
    expect(decideHost(entries, "api.anthropic.com", 443)).toBe("allow");
    expect(decideHost(entries, "API.Anthropic.com.", 80)).toBe("allow");
    expect(decideHost(entries, "api.anthropic.com", 22)).toBe("ask");
    expect(decideHost(entries, "a.b.example.com", 443)).toBe("allow");
    expect(decideHost(entries, "example.com", 443)).toBe("ask");
    expect(decideHost(entries, "evilexample.com", 443)).toBe("ask");
    expect(decideHost(entries, "llm.internal", 8443)).toBe("allow");
    expect(decideHost(entries, "llm.internal", 443)).toBe("ask");
  });

  it("refuses loopback, localhost and link-local unless that exact host:port is listed", () => {
    expect(decideHost(entries, "127.0.0.1", 11434)).toBe("allow");
    expect(decideHost(entries, "::1", 8080)).toBe("allow");
    for (const [host, port] of [
      ["127.0.0.1", 5432],
      ["127.0.0.2", 11434],
      ["localhost", 11434],
      ["app.localhost", 80],
      ["0.0.0.0", 11434],
      ["169.254.169.254", 80],
      ["::ffff:127.0.0.1", 5432],
      ["fe80::1", 80],
    ] as const) {
      expect(decideHost(entries, host, port), `${host}:${port}`).toBe("deny");
    }
  });

  it("gives every preset its provider's hosts and adds the entry's own", () => {
    expect(
      hostEntries({ name: "d", command: "claude-agent-acp", args: [], env: {}, preset: "claude" }).map((e) => e.host),
    ).toContain("api.anthropic.com");
    const codex = hostEntries({ name: "c", command: "codex-acp", args: [], env: {}, network: ["proxy.corp:3128"] });
    expect(decideHost(codex, "api.openai.com", 443)).toBe("allow");
    expect(decideHost(codex, "proxy.corp", 3128)).toBe("allow");
    expect(decideHost(codex, "api.anthropic.com", 443)).toBe("ask");
    expect(hostEntries({ name: "x", command: "my-agent", args: [], env: {} })).toEqual([]);
  });

  it("refuses a server config entry that is not a host, *.domain or host:port", () => {
    const load = (network: string[]) =>
      loadServerConfig("warden.server.yml", () =>
        JSON.stringify({ agents: { default: { preset: "claude", network } } }),
      );
    expect(load(["ok.example.com:443"]).agents.default!.network).toEqual(["ok.example.com:443"]);
    expect(() => load(["https://evil.example.com/"])).toThrow(
      /agents\.default\.network\.0: "https:\/\/evil\.example\.com\/" is not a host/,
    );
    expect(() => load(["*"])).toThrow(/is not a host/);
    expect(() => load(["a.example.com:99999"])).toThrow(/port out of range/);
  });
});
