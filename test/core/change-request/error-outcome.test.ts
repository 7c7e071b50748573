// The one error map: what each edge shows for each kind of error, and how a review run that threw
// ends depending on what happened to it meanwhile.
import { describe, expect, it } from "vitest";
import { outcomeOf, runEndingOf } from "../../../src/core/change-request/error-outcome.js";
import { AgentError, ConfigError, MalformedPayloadError, PlatformError } from "../../../src/core/errors.js";

describe("outcomeOf", () => {
  it.each([
    [
      new ConfigError(".github/warden.yml: review.failOn: invalid"),
      "config",
      "Configuration problem: .github/warden.yml: review.failOn: invalid",
      500,
      "warn",
    ],
    [
      new MalformedPayloadError("pull_request", "number", "required"),
      "malformed_payload",
      "Malformed webhook payload: malformed pull_request payload: number: required",
      400,
      "warn",
    ],
    [
      new PlatformError("GitHub getPull failed", 404),
      "platform",
      "The platform API failed (HTTP 404): GitHub getPull failed",
      500,
      "error",
    ],
    [
      new AgentError("crashed", "exited with code 7\nstack…"),
      "agent",
      "The agent stopped unexpectedly: exited with code 7",
      500,
      "error",
    ],
    [new Error("disk full"), "internal", "Internal error: disk full", 500, "error"],
    ["a thrown string", "internal", "Internal error: a thrown string", 500, "error"],
  ] as const)("%s → %s", (err, kind, summaryLine, httpStatus, logLevel) => {
    const outcome = outcomeOf(err);
    expect(outcome).toMatchObject({ kind, summaryLine, httpStatus, logLevel, commitState: "error" });
    expect(outcome.statusDescription).toBe(`Review failed: ${summaryLine}`);
    expect(outcome.commandReply).toBe(
      "Warden could not run this command because of an internal error; the server log has the details.",
    );
  });

  it("keeps a config problem whole, in the loader's words", () => {
    const message = ".github/warden.yml: invalid YAML: bad indentation\n  at line 3";
    expect(outcomeOf(new ConfigError(message)).problem).toBe(message);
  });

  it("lets the runner's self-describing sentence stand, fix included", () => {
    const err = new AgentError(
      "not_signed_in",
      'agent "default" (claude-agent-acp) is not signed in: no credentials. Set ANTHROPIC_API_KEY',
    );
    expect(outcomeOf(err).summaryLine).toBe(
      'Agent "default" (claude-agent-acp) is not signed in: no credentials. Set ANTHROPIC_API_KEY',
    );
  });

  it("cuts the status description to 140 characters", () => {
    expect(outcomeOf(new Error("x".repeat(500))).statusDescription.length).toBeLessThanOrEqual(140);
  });
});

describe("runEndingOf", () => {
  const err = new AgentError("cancelled", "the run was cancelled");

  it("posts nothing for a run another replica took over", () => {
    expect(runEndingOf(err, { status: "interrupted", aborted: true, short: "PR" })).toEqual({
      kind: "taken_over",
      logLevel: "warn",
    });
  });

  it("ends a superseded run's status but leaves the summary to the newer run", () => {
    expect(runEndingOf(err, { status: "superseded", aborted: true, short: "PR" })).toMatchObject({
      kind: "stopped",
      why: "Review cancelled: superseded by a newer commit",
      markInterrupted: false,
      writeSummary: false,
    });
  });

  it("says which kind of change request was closed", () => {
    expect(runEndingOf(err, { status: "cancelled", aborted: true, short: "MR" })).toMatchObject({
      kind: "stopped",
      why: "Review cancelled: the MR was closed",
      writeSummary: true,
    });
  });

  it("marks a run the server stopped as interrupted", () => {
    expect(runEndingOf(err, { status: "running", aborted: true, short: "PR" })).toMatchObject({
      kind: "stopped",
      why: "Review interrupted: the server shut down",
      markInterrupted: true,
      writeSummary: true,
    });
  });

  it("fails a run still running, worded by outcomeOf and logged as an error", () => {
    const ending = runEndingOf(new ConfigError("bad"), { status: "running", aborted: false, short: "PR" });
    expect(ending).toEqual({ kind: "failed", outcome: outcomeOf(new ConfigError("bad")), logLevel: "error" });
  });
});
