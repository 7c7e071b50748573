// `warden review`: reviews the commits of a local branch with an ACP agent, without any
// platform. Progress on stderr, the summary (or --json) on stdout; exit 0 when nothing at or
// above review.failOn is open, 1 when something is, 2 when the review could not be done.
import { resolve } from "node:path";
import { describeFailure } from "../core/change-request/error-outcome.js";
import { EXIT, parseOptions, terminalLogger, writeOut, type CliIo } from "./cli-io.js";
import { reviewLocalChange } from "./local-review.js";
import { reviewJson, summaryMarkdown } from "./review-output.js";
import { terminalAsker } from "./terminal-asker.js";
import { createProgress } from "./terminal-progress.js";
import { REVIEW_USAGE } from "./usage.js";

export async function runReviewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseReviewArgs(argv);
  if (values.help) {
    await writeOut(io.stdout, REVIEW_USAGE);
    return EXIT.ok;
  }
  const verbose = values.verbose === true;
  const progress = createProgress(io.stderr, { verbose });
  const interactive = io.stdin.isTTY === true && io.stderr.isTTY === true;
  const controller = new AbortController();
  // The agent runs in its own process group, so Ctrl-C reaches only Warden, which stops it (and
  // removes the checkout); pressing it again must not leave the agent running behind.
  const onSigint = () => {
    progress.notice(controller.signal.aborted ? "still stopping the agent…" : "interrupted: stopping the agent");
    controller.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSigint);
  try {
    const result = await reviewLocalChange({
      repoDir: resolve(io.cwd, values.cwd ?? "."),
      configDir: io.cwd,
      ...(values.base !== undefined ? { base: values.base } : {}),
      ...(values.head !== undefined ? { head: values.head } : {}),
      ...(values.agent !== undefined ? { agent: values.agent } : {}),
      ...(values.mode !== undefined ? { mode: values.mode } : {}),
      env: io.env,
      progress,
      ...(interactive ? { asker: terminalAsker(io, progress) } : {}),
      log: terminalLogger(io.stderr, verbose),
      signal: controller.signal,
    });
    progress.stop();
    if (result.kind === "nothing") {
      io.stderr.write(`warden: ${result.message}\n`);
      if (values.json)
        await writeOut(io.stdout, `${JSON.stringify({ status: "nothing", message: result.message }, null, 2)}\n`);
      return EXIT.ok;
    }
    const { change } = result;
    await writeOut(io.stdout, values.json ? reviewJson(change) : summaryMarkdown(change, new Date()));
    io.stderr.write(`warden: ${change.verdict.description} (failOn: ${change.config.review.failOn})\n`);
    return change.verdict.state === "failure" ? EXIT.findings : EXIT.ok;
  } catch (err) {
    progress.stop();
    const message = controller.signal.aborted ? "The review was interrupted." : describeFailure(err);
    io.stderr.write(`warden: ${message}\n`);
    if (verbose && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    if (values.json) await writeOut(io.stdout, `${JSON.stringify({ status: "error", error: message }, null, 2)}\n`);
    return EXIT.error;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

function parseReviewArgs(argv: string[]) {
  return parseOptions(argv, {
    base: { type: "string" },
    head: { type: "string" },
    agent: { type: "string" },
    mode: { type: "string" },
    json: { type: "boolean" },
    cwd: { type: "string" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
}
