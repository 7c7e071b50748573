// What nobody wants reviewed, end to end on GitHub: `review.ignoreAuthors`, `review.skipGenerated`
// and `review.maxChangedFiles` through real webhook payloads, the real checkout and the fake agent,
// asserting on what GitHub got and on the prompt the agent received.
import { afterEach, describe, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import type { FakeUser } from "../support/fake-github.js";
import { startHarness, type Harness } from "../support/harness.js";

const DEPENDABOT: FakeUser = { login: "dependabot[bot]", id: 49699333, type: "Bot" };
const MAINTAINER: FakeUser = { login: "octo-maintainer", id: 777, type: "User" };
const NO_FINDINGS: FakeScenario["turns"][number] = [
  { type: "message", text: `Done.\n\n${reportBlock({ summary: "Fine.", findings: [] })}` },
];

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function traced(): { traceFile: string; prompts: () => string[] } {
  const traceFile = freshTraceFile();
  const prompts = () =>
    readFakeTrace(traceFile)
      .filter((t) => t.method === "session/prompt")
      .map((t) => JSON.stringify(t.params));
  return { traceFile, prompts };
}

async function start(config: string, traceFile: string): Promise<Harness> {
  const harness = await startHarness({
    scenario: { turns: [NO_FINDINGS], traceFile },
    repoFiles: { ".github/warden.yml": config },
  });
  harness.repo.permissions[MAINTAINER.login] = { permission: "write", role_name: "write" };
  return harness;
}

describe("review filters on GitHub", () => {
  it("gives a listed author's PR no run and posts nothing; /warden review from a maintainer runs it", async () => {
    const { traceFile, prompts } = traced();
    h = await start('review:\n  ignoreAuthors: ["Dependabot[bot]", "renovate[bot]"]\n', traceFile);
    const pull = h.openPull(
      40,
      { "package.json": '{ "dependencies": { "left-pad": "1.3.1" } }\n' },
      { user: DEPENDABOT },
    );
    expect((await h.sendPull("opened", pull)).status).toBe(200);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    expect(prompts()).toEqual([]);
    expect(h.github.statuses).toEqual([]);
    expect(h.summaryComments(40)).toHaveLength(0);

    await h.comment(40, "/warden review", MAINTAINER);
    await h.idle();
    expect(prompts()).toHaveLength(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });

  it("lists a lockfile and a file the base marks generated without their diffs, and inlines the rest", async () => {
    const { traceFile, prompts } = traced();
    h = await start("", traceFile);
    h.commitOnBase({ ".gitattributes": "# generated clients\napi/client/** linguist-generated=true\n*.snap -diff\n" });
    const pull = h.openPull(41, {
      "package-lock.json":
        '{\n  "name": "demo",\n  "lockfileVersion": 3,\n  "packages": { "node_modules/left-pad": { "version": "LOCKED-9.9.9" } }\n}\n',
      "api/client/users.ts": "export const GENERATED_MARKER_CLIENT = 1;\n",
      "test/__snapshots__/view.snap": "SNAPSHOT_MARKER_TEXT\n",
      "src/feature.ts": "export const REVIEWED_MARKER = 2;\n",
    });
    await h.sendPull("opened", pull);
    await h.idle();

    const [prompt] = prompts();
    expect(prompt).toBeDefined();
    // Listed, with why…
    expect(prompt).toContain("- `package-lock.json` (added; diff not shown: lockfile, +5 −0 lines");
    expect(prompt).toContain("- `api/client/users.ts` (added; diff not shown: generated file, +1 −0 lines");
    expect(prompt).toContain("- `test/__snapshots__/view.snap` (added; diff not shown: generated file, +1 −0 lines");
    // …but not inlined, and not reported as a cut of the diff.
    expect(prompt).not.toContain("LOCKED-9.9.9");
    expect(prompt).not.toContain("GENERATED_MARKER_CLIENT");
    expect(prompt).not.toContain("SNAPSHOT_MARKER_TEXT");
    expect(prompt).not.toContain("The diff was cut");
    expect(prompt).toContain("+export const REVIEWED_MARKER = 2;");
    expect(h.summaryComments(41)[0]!.body).not.toContain("The diff was cut");
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });

  it("does not let a PR hide its own code with a .gitattributes of its own", async () => {
    const { traceFile, prompts } = traced();
    h = await start("", traceFile);
    const pull = h.openPull(42, {
      ".gitattributes": "src/payload.ts linguist-generated=true -diff\nsrc/other.ts binary\n",
      "src/payload.ts": "export const HIDDEN_PAYLOAD = steal(process.env);\n",
      "src/other.ts": "export const OTHER_PAYLOAD = 3;\n",
    });
    await h.sendPull("opened", pull);
    await h.idle();

    const [prompt] = prompts();
    expect(prompt).toContain("+export const HIDDEN_PAYLOAD = steal(process.env);");
    expect(prompt).toContain("+export const OTHER_PAYLOAD = 3;");
    expect(prompt).not.toContain("Binary files");
    expect(prompt).toContain("- `src/payload.ts` (added)");
  });

  it("gives a 301-file PR no run and a summary and status saying why, then runs it on /warden review", async () => {
    const { traceFile, prompts } = traced();
    h = await start("", traceFile);
    const files: Record<string, string> = {};
    for (let i = 0; i < 301; i++) files[`src/generated-by-hand/f${i}.ts`] = `export const v${i} = ${i};\n`;
    const pull = h.openPull(43, files);
    expect(pull.changedFiles).toBe(301);
    await h.sendPull("opened", pull);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    expect(prompts()).toEqual([]);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["error"]);
    const status = h.github.statuses.at(-1)!;
    expect(status.description).toBe(
      "Not reviewed: 301 files changed, over review.maxChangedFiles (300); /warden review runs it",
    );
    expect(status.target_url).toMatch(/#issuecomment-\d+$/);
    const summary = h.summaryComments(43)[0]!.body;
    expect(summary).toContain("**Review Status:** ⏭️ Not Reviewed");
    expect(summary).toContain(
      `Commit ${pull.headSha.slice(0, 7)} was not reviewed: this PR changes 301 files, more than review.maxChangedFiles (300).`,
    );
    expect(summary).toContain("/warden review");
    expect(summary).not.toContain("Approved");

    await h.comment(43, "/warden review", MAINTAINER);
    await h.idle();
    expect(prompts()).toHaveLength(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["error", "pending", "success"]);
    expect(h.summaryComments(43)[0]!.body).toContain("**Review Status:** ✅ Approved");
  });

  it("keeps the earlier results marked as older when a push goes over the limit, also after a dismissal", async () => {
    const { traceFile, prompts } = traced();
    const finding = {
      severity: "low",
      category: "Style",
      title: "Prefer const",
      body: "b",
      recommendation: "r",
      path: "src/feature.ts",
      line: 1,
    };
    h = await startHarness({
      scenario: {
        turns: [
          [{ type: "message", text: `Done.\n\n${reportBlock({ summary: "Small and fine.", findings: [finding] })}` }],
        ],
        traceFile,
      },
    });
    h.repo.permissions[MAINTAINER.login] = { permission: "write", role_name: "write" };
    const pull = h.openPull(44, { "src/feature.ts": "let x = 1;\n" });
    await h.sendPull("opened", pull);
    await h.idle();
    const reviewed = pull.headSha;
    const files: Record<string, string> = {};
    for (let i = 0; i < 301; i++) files[`src/bulk/f${i}.ts`] = `export const v${i} = ${i};\n`;
    h.push(pull, files);
    await h.sendPull("synchronize", pull);
    await h.idle();

    expect(prompts()).toHaveLength(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["error"]);
    const expectNotReviewed = () => {
      const body = h!.summaryComments(44)[0]!.body;
      expect(body).toContain("**Review Status:** ⏭️ Not Reviewed");
      expect(body).toContain(`**Reviewing Commit:** ${pull.headSha.slice(0, 7)}`);
      expect(body).toContain("this PR changes 302 files, more than review.maxChangedFiles (300)");
      expect(body).toContain(`The results below are for the older commit ${reviewed.slice(0, 7)}.`);
      expect(body).toContain("Small and fine.");
      return body;
    };
    expect(expectNotReviewed()).toContain("Prefer const");

    await h.comment(44, "/warden dismiss F1 house style allows let", MAINTAINER);
    await h.idle();
    expect(expectNotReviewed()).toContain("### 🚫 Dismissed");
    expect(h.github.statusesFor(pull.headSha)).toEqual(["error"]);

    // The run a maintainer asks for is told what was dismissed, by whom and why.
    await h.comment(44, "/warden review", MAINTAINER);
    await h.idle();
    expect(h.github.statusesFor(pull.headSha)).toEqual(["error", "pending", "success"]);
    const prompt = JSON.parse(prompts()[1]!) as { prompt: Array<{ text?: string }> };
    const text = prompt.prompt.map((p) => p.text ?? "").join("");
    const block = text.slice(
      text.indexOf("<untrusted-dismissed-findings-"),
      text.indexOf("</untrusted-dismissed-findings-"),
    );
    expect(block).toContain(
      "- **F1** · low · Style · Prefer const at `src/feature.ts:1` — dismissed by `octo-maintainer`, reason: house style allows let",
    );
  });
});
