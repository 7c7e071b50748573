// The change request the diff/prompt benchmarks and tests review: a GitHub-shaped PR #1 of a local
// git remote (test/support/git-remote.ts), head and base as committed there.
import type { ChangeRequest } from "../../src/core/model/change-request.js";

export function localChangeRequest(opts: {
  cloneUrl: string;
  headSha: string;
  baseSha: string;
  title: string;
  body: string;
}): ChangeRequest {
  return {
    ref: { repo: { platform: "github", id: "1", fullName: "a/b" }, number: 1 },
    title: opts.title,
    body: opts.body,
    author: { login: "dev", id: "1", isBot: false },
    headSha: opts.headSha,
    baseSha: opts.baseSha,
    headRef: "feature",
    baseRef: "main",
    draft: false,
    state: "open",
    url: "https://example.com/pr/1",
    cloneUrl: opts.cloneUrl,
  };
}
