// The change and the findings the GitHub and GitLab suggestion tests both report. The multi-line
// suggestion's lines are each platform's own (with or without the final newline), so the shared
// piece stops at where it is.
import { reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";

/** src/feature.ts as the PR/MR head has it. */
export const FEATURE_TS = "let x = 1;\nlet y = x + 1;\nconsole.log(token);\nexport default y;\n";

export const SUGGESTION_BASE = { body: "Explained.", recommendation: "Fix it.", path: "src/feature.ts" };
/** Lines 2–3 of FEATURE_TS; the test adds `original` and `suggestion`. */
export const LOGGED_TOKEN_RANGE = {
  ...SUGGESTION_BASE,
  severity: "high",
  category: "Security",
  title: "Token written to the log",
  line: 2,
  endLine: 3,
};
export const PREFER_CONST = {
  ...SUGGESTION_BASE,
  severity: "low",
  category: "Style",
  title: "Prefer const",
  line: 1,
  original: "let x = 1;",
  suggestion: "const x = 1;",
};
/** Its `original` is not what line 4 says: the suggestion must be dropped. */
export const STALE_ORIGINAL = {
  ...SUGGESTION_BASE,
  severity: "low",
  category: "Style",
  title: "Export a const",
  line: 4,
  original: "export default x;",
  suggestion: "export default Object.freeze(y);",
};

/** 30 lines; the change edits lines 5 and 25, so 6–23 lie between two hunks. */
export const LONG_FILE = `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n")}\n`;
export const LONG_FILE_CHANGED = LONG_FILE.replace("line 5\n", "line five\n").replace(
  "line 25\n",
  "line twenty-five\n",
);
export const ACROSS_HUNKS = {
  ...SUGGESTION_BASE,
  severity: "low",
  category: "Style",
  title: "Spans two hunks",
  path: "src/long.ts",
  line: 6,
  endLine: 23,
  suggestion: "x",
};

/** A turn that reports `report`, after the steps `before`. */
export function reportTurn(report: object, before: FakeScenario["turns"][number] = []): FakeScenario["turns"][number] {
  return [...before, { type: "message", text: `Done.\n\n${reportBlock(report)}` }];
}
