// Which of a run's new inline findings carry their suggestion (issue 14). The lines replaced are
// read at the head commit from the workspace's git objects, once per file, and only for findings
// whose range is on the new side of the diff.
import type { Finding, InlineSuggestion, ReportedFinding } from "../model/finding.js";
import type { Logger } from "../ports/logger.js";
import type { Workspace } from "../ports/workspace.js";
import { fingerprint } from "./fingerprint.js";
import { decideSuggestion, onNewSide } from "./suggestion.js";
import { shortSha } from "../model/commit.js";

/** Larger files are not read: a suggestion there is not posted. */
const SUGGESTION_FILE_MAX_BYTES = 1024 * 1024;

export interface Attached {
  suggestion?: InlineSuggestion;
  /** One line for the finding's body when the suggestion was dropped for a reason the author should know. */
  note?: string;
}

export async function attachSuggestions(input: {
  /** New findings about to be posted inline. */
  findings: Finding[];
  /** The report's findings, which carry the suggestions (the tracker keeps none). */
  reported: ReportedFinding[];
  /** New-side diff lines per file (publish-findings' CommentableLines). */
  commentable: ReadonlyMap<string, { has(line: number): boolean }>;
  headSha: string;
  /** Without it nothing can be checked against the head, so no suggestion is posted. */
  workspace?: Pick<Workspace, "readFileAt"> | undefined;
  log: Logger;
}): Promise<Map<string, Attached>> {
  const out = new Map<string, Attached>();
  const { workspace, headSha } = input;
  if (!workspace) return out;
  // The tracker made each new finding from the FIRST reported finding of its fingerprint.
  const byPrint = new Map<string, ReportedFinding>();
  for (const r of input.reported) {
    const print = fingerprint(r);
    if (!byPrint.has(print)) byPrint.set(print, r);
  }
  const files = new Map<string, Promise<Uint8Array | null>>();
  for (const f of input.findings) {
    const r = byPrint.get(f.fingerprint);
    if (r?.suggestion === undefined || f.path === undefined || f.line === undefined) continue;
    const endLine = f.endLine ?? f.line;
    const lines = input.commentable.get(f.path);
    let file: Uint8Array | null = null;
    if (onNewSide(f.line, endLine, lines)) {
      const path = f.path;
      if (!files.has(path))
        files.set(
          path,
          workspace.readFileAt(headSha, path, SUGGESTION_FILE_MAX_BYTES).catch(() => null),
        );
      file = await files.get(path)!;
    }
    const proposed = {
      suggestion: r.suggestion,
      ...(r.original !== undefined ? { original: r.original } : {}),
      ...(r.deletes ? { deletes: true } : {}),
    };
    const decision = decideSuggestion({ line: f.line, endLine, proposed, commentable: lines, file });
    if (decision.kind === "post") {
      out.set(f.id, { suggestion: decision.suggestion });
      continue;
    }
    input.log.info({ finding: f.id, reason: decision.reason }, "suggestion not posted");
    if (decision.reason === "original-mismatch") {
      out.set(f.id, {
        note: `💡 A suggested change was not posted: these lines at ${shortSha(headSha)} are not the lines it was written for.`,
      });
    }
  }
  return out;
}
