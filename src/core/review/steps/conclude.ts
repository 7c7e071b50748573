// The run's last word: the final summary, then the status the summary explains, then the run's
// record. The summary goes first so that the status links to what it says.
import type { Published } from "./publish.js";
import { finish, setStatus, writeSummary, type RunScope } from "./run-scope.js";

export async function conclude(scope: RunScope, published: Published, notes: string[]): Promise<void> {
  await writeSummary(scope, { notInline: published.notInline, notes });
  await setStatus(scope, published.verdict.state, published.verdict.description);
  await finish(scope, "succeeded", { conclusion: published.verdict.state });
}
