// Commit ids and the words for a change request, defined once: webhook schemas, git plumbing, the
// log and every rendered text use these.

/** A full commit id: SHA-1 (40 hex) or SHA-256 (64 hex), lowercase as git and both platforms write it. */
export const COMMIT_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export function isCommitSha(text: string): boolean {
  return COMMIT_SHA.test(text);
}

/** The 7-character form people read (`5ae66b2`); anything but hex digits is dropped first. */
export function shortSha(sha: string): string {
  return sha.replace(/[^0-9a-fA-F]/g, "").slice(0, 7);
}

/** "pull request"/"PR" or "merge request"/"MR", for user-facing text. */
export interface ChangeRequestTerms {
  changeRequest: string;
  short: string;
}

export const PULL_REQUEST_TERMS: ChangeRequestTerms = { changeRequest: "pull request", short: "PR" };
export const MERGE_REQUEST_TERMS: ChangeRequestTerms = { changeRequest: "merge request", short: "MR" };
