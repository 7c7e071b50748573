// The command list (SPEC §4), worded for the platform: "pull request" on GitHub, "merge request"
// on GitLab.
import type { ChangeRequestTerms } from "../model/commit.js";

export function helpText(terms: ChangeRequestTerms): string {
  return [
    "**Warden commands.** Write one at the start of a line in a new comment (not in a quote or a code block).",
    "",
    "| command | who | what it does |",
    "| --- | --- | --- |",
    `| \`/warden review\` | write access | reviews the current head of this ${terms.changeRequest} again |`,
    "| `/approve <request-id> [always]` or `/warden approve <request-id> [always]` | approvers | allows the agent's request once, or with `always` allows this kind of call for the rest of the run |",
    "| `/deny <request-id> [reason]` or `/warden deny <request-id> [reason]` | approvers | rejects the agent's request |",
    `| \`/warden dismiss <finding-id> [reason]\` | write access | moves a finding to Dismissed; it is not raised again on this ${terms.changeRequest} |`,
    "| `/warden help` | anyone | shows this list |",
    "",
    "Request ids look like `p-3kx9q2` (`p-` and 6 lowercase letters or digits); finding ids look like `F3`.",
  ].join("\n");
}
