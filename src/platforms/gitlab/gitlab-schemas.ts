// zod shapes of the GitLab REST answers the adapter reads: only the fields it uses, validated at
// the edge so the rest of the adapter works with plain, trusted values.
import { z } from "zod";
import { PlatformError } from "../../core/errors.js";
import { COMMIT_SHA } from "../../core/model/commit.js";

const id = z.number().int().positive();
const sha = z.string().regex(COMMIT_SHA, "expected a commit SHA");

export const userSchema = z.object({
  id,
  username: z.string().min(1),
  bot: z.boolean().optional(),
});
export type GitLabUser = z.infer<typeof userSchema>;

export const projectSchema = z.object({
  id,
  default_branch: z.string().min(1).nullish(),
  http_url_to_repo: z.string().min(1),
  web_url: z.string().min(1),
});
export type GitLabProject = z.infer<typeof projectSchema>;

export const diffRefsSchema = z.object({ base_sha: sha, start_sha: sha, head_sha: sha });
export type DiffRefs = z.infer<typeof diffRefsSchema>;

export const mergeRequestSchema = z.object({
  iid: id,
  title: z.string(),
  description: z.string().nullish(),
  author: userSchema,
  sha: sha.nullish(),
  diff_refs: diffRefsSchema.nullish(),
  source_branch: z.string().min(1),
  target_branch: z.string().min(1),
  source_project_id: id,
  target_project_id: id,
  draft: z.boolean().optional(),
  work_in_progress: z.boolean().optional(),
  state: z.string(),
  web_url: z.string().min(1),
  /** A string: the number of changed files, "1000+" past GitLab's cap, null while the diff is being computed. */
  changes_count: z.string().nullish(),
});
export type GitLabMergeRequest = z.infer<typeof mergeRequestSchema>;

/** An item of `GET /projects/:id/repository/commits/:sha/merge_requests`. */
export const commitMergeRequestSchema = z.object({
  iid: id,
  sha: sha.nullish(),
  source_branch: z.string().min(1),
  source_project_id: id,
  target_project_id: id,
});

export const noteSchema = z.object({
  id,
  body: z.string().nullish(),
  author: z.object({ id }),
  system: z.boolean().optional(),
});
export type GitLabNote = z.infer<typeof noteSchema>;

export const discussionSchema = z.object({
  id: z.string().min(1),
  notes: z.array(noteSchema).nullish(),
});
export type GitLabDiscussion = z.infer<typeof discussionSchema>;

export const draftNoteSchema = z.object({ id });

export const diffFileSchema = z.object({
  old_path: z.string(),
  new_path: z.string(),
  diff: z.string().nullish(),
  deleted_file: z.boolean().optional(),
});
export type GitLabDiffFile = z.infer<typeof diffFileSchema>;

export const memberSchema = z.object({
  access_level: z.number().int(),
  // Members awaiting a seat or an invitation have no access yet.
  state: z.string().optional(),
});

export const branchSchema = z.object({ commit: z.object({ id: sha }) });

/** Parses an API answer; a shape GitLab should never send is a 502 from the core's point of view. */
export function parseAnswer<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join(".") || what;
  throw new PlatformError(`GitLab answered an unexpected ${what}: ${field}: ${issue?.message ?? "invalid"}`, 502);
}

/**
 * `GET /projects/:id/merge_requests/:iid/notes/:note_id`, read back before a command note acts:
 * what the webhook claimed is taken from here, not from the hook.
 */
export const readBackNoteSchema = z.object({
  id,
  body: z.string(),
  author: z.object({ id, username: z.string().min(1) }),
  system: z.boolean(),
  noteable_type: z.string(),
  noteable_iid: id.nullish(),
  project_id: id.nullish(),
});

/** `GET /projects/:id/merge_requests/:iid`, read back before a close or merge cancels runs. */
export const readBackMergeRequestSchema = z.object({ iid: id, project_id: id, state: z.string() });

/**
 * An MR's `changes_count` in the model's words: "42" is exact, "1000+" a lower bound (GitLab stops
 * counting at its diff limits). Nothing when GitLab has not computed it yet or says something else.
 */
export function changedFileCount(raw: string | null | undefined): {
  changedFileCount?: { value: number; atLeast: boolean };
} {
  const m = /^(\d{1,9})(\+?)$/.exec(raw?.trim() ?? "");
  return m ? { changedFileCount: { value: Number(m[1]), atLeast: m[2] === "+" } } : {};
}
