// The scripted side of the end-to-end permission relay tests: the agent asks to run the test
// suite, ends with a report, and its trace says what it was answered.
import { readFakeTrace, reportBlock, type FakePermissionOption, type FakeStep } from "../fake-agent/fake-agent-spec.js";

export const ALLOW_REJECT: FakePermissionOption[] = [
  { optionId: "allow", name: "Allow", kind: "allow_once" },
  { optionId: "reject", name: "Reject", kind: "reject_once" },
];
export const ALLOW_ALWAYS_REJECT: FakePermissionOption[] = [
  { optionId: "allow", name: "Allow", kind: "allow_once" },
  { optionId: "always", name: "Always allow", kind: "allow_always" },
  { optionId: "reject", name: "Reject", kind: "reject_once" },
];

/** The agent asks to run the test suite (`call-tests`) with `rawInput`, offering `options`. */
export function runTestsRequest(rawInput: Record<string, unknown>, options = ALLOW_REJECT): FakeStep {
  return {
    type: "permission",
    toolCall: { toolCallId: "call-tests", title: "Run the test suite", kind: "execute", rawInput },
    options,
  };
}

/** The report, starting on a new line: the agent's `permission …: selected …` chunk before it ends without one. */
export function reportAfterPermission(summary: string): FakeStep {
  return { type: "message", text: `\n\n${reportBlock({ summary, findings: [] })}` };
}

/** What the agent was answered to its permission requests, in order. */
export function permissionOutcomes(traceFile: string): unknown[] {
  return readFakeTrace(traceFile)
    .filter((t) => t.method === "permission_outcome")
    .map((t) => t.params);
}
