// `/warden dismiss F3 [reason]` (write access): the finding moves to Dismissed with who and why,
// is never raised again on this PR (the tracker matches dismissed fingerprints), and the summary
// and status follow.
import type { Command } from "./parse-command.js";
import { loadRepoConfig } from "../change-request/load-repo-config.js";
import { authorizeWriter } from "../permissions/authorize-approver.js";
import { inlineCode } from "../render/escape.js";
import { configInvalid, done, refuse, type CommandContext, type CommandResult } from "./command-context.js";
import { refreshSummary } from "./refresh-summary.js";

type Dismiss = Extract<Command, { name: "dismiss" }>;

export async function dismissFinding(ctx: CommandContext, command: Dismiss): Promise<CommandResult> {
  const { deps, event, platform, ref, log } = ctx;
  const id = inlineCode(command.findingId);
  const authorization = await authorizeWriter(platform, event.author, log);
  if (!authorization.ok) return refuse(`${id} was not dismissed: ${authorization.reason}`);
  const finding = (await deps.store.listFindings(ref)).find((f) => f.id === command.findingId);
  if (!finding) return refuse(`There is no finding ${id} on this ${platform.terms.changeRequest}.`);
  if (finding.state !== "open") return refuse(`${id} is already ${finding.state}. Nothing changed.`);
  const loaded = await loadRepoConfig(platform, deps.server);
  if (!loaded.ok) return refuse(`${id} was not dismissed: ${configInvalid(loaded.problem)}.`);

  await deps.store.saveFindings(ref, [
    {
      ...finding,
      state: "dismissed",
      dismissedBy: event.author.login,
      ...(command.reason ? { dismissReason: command.reason } : {}),
    },
  ]);
  log.info({ finding: command.findingId, user: event.author.login }, "finding dismissed");
  try {
    await refreshSummary({ platform, store: deps.store, clock: deps.clock, log, ref, review: loaded.config.review });
  } catch (err) {
    // The dismissal is stored; the next run's summary shows it even if this refresh failed.
    log.warn({ err }, "could not refresh the summary after a dismissal");
  }
  return done();
}
