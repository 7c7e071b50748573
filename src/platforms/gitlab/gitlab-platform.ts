// ScmPlatform over gitbeaker, bound to one GitLab project. Created per event or job; what it
// caches (the project, the refs of heads it has seen) lives only as long as that job.
import { REPO_CONFIG_PATHS } from "../../config/repo-config.js";
import { PlatformError } from "../../core/errors.js";
import type { ChangeRequest, PlatformComment, RepoRef } from "../../core/model/change-request.js";
import type { Logger } from "../../core/ports/logger.js";
import type { ScmPlatform } from "../../core/ports/scm-platform.js";
import type { CheckoutSource } from "../../core/ports/workspace.js";
import { postCommitStatus, statusRef } from "./commit-status.js";
import { isBotUsername } from "./events.js";
import type { GitLabClient } from "./gitlab-client.js";
import { hasStatus, nullIfNotFound } from "../platform-errors.js";
import { isGroupMember, projectPermission } from "./gitlab-members.js";
import {
  branchSchema,
  changedFileCount,
  mergeRequestSchema,
  noteSchema,
  parseAnswer,
  projectSchema,
  type GitLabMergeRequest,
  type GitLabNote,
  type GitLabProject,
  type GitLabUser,
} from "./gitlab-schemas.js";
import { publishGitLabReview } from "./publish-review.js";
import { createSecretScrubber, type SecretScrubber } from "../secret-scrubber.js";
import { scrubWrites } from "../scrub-writes.js";
import { MERGE_REQUEST_TERMS } from "../../core/model/commit.js";
import { firstLineIs } from "../../core/render/markers.js";

export interface GitLabPlatformDeps {
  client: GitLabClient;
  repo: RepoRef;
  /** The bot user the token belongs to (`GET /user`), cached by the provider. */
  botUser(): Promise<GitLabUser>;
  log: Logger;
  /** Every text written to the MR goes through it (default: credential formats only). */
  secrets?: SecretScrubber;
}

export const REPO_CONFIG_PATH = REPO_CONFIG_PATHS.gitlab;
const AWARD_NAMES = { "+1": "thumbsup", confused: "confused" } as const;

function noteId(commentId: string): number | null {
  return /^[1-9][0-9]*$/.test(commentId) && Number.isSafeInteger(Number(commentId)) ? Number(commentId) : null;
}

function requireNoteId(commentId: string): number {
  const id = noteId(commentId);
  if (id === null) throw new PlatformError(`not a GitLab note id: "${commentId}"`, 404);
  return id;
}

function changeRequestState(state: string): ChangeRequest["state"] {
  if (state === "opened") return "open";
  return state === "merged" ? "merged" : "closed";
}

export function createGitLabPlatform(deps: GitLabPlatformDeps): ScmPlatform {
  const { client, repo, log } = deps;
  const projectId = repo.id;
  let project: Promise<GitLabProject> | undefined;
  // Head SHA → the ref its commit statuses belong to (commit-status.ts says why it matters).
  const statusRefs = new Map<string, string>();

  function loadProject(): Promise<GitLabProject> {
    project ??= client
      .call("Projects.show", (api) => api.Projects.show(projectId))
      .then((raw) => parseAnswer(projectSchema, "project", raw))
      .catch((error: unknown) => {
        project = undefined;
        throw error;
      });
    return project;
  }

  const botId = async () => (await deps.botUser()).id;

  // Links use the project's web URL (GitLab's external URL) once known; GITLAB_URL may be an
  // internal address.
  const webUrl = async () => {
    const known = project ? await project.catch(() => null) : null;
    return known?.web_url ?? `${client.baseUrl}/${repo.fullName}`;
  };

  /** `ours`: a note this adapter just wrote, known to be the bot's without asking. */
  const toComment = async (iid: number, note: GitLabNote, ours = false): Promise<PlatformComment> => ({
    id: String(note.id),
    body: note.body ?? "",
    authorIsSelf: ours || (note.system !== true && note.author.id === (await botId())),
    url: `${await webUrl()}/-/merge_requests/${iid}#note_${note.id}`,
  });

  async function baseShaOf(mr: GitLabMergeRequest): Promise<string> {
    if (mr.diff_refs) return mr.diff_refs.start_sha;
    // GitLab computes an MR's diff asynchronously; right after it opens the target branch tip stands in.
    const raw = await client.call("Branches.show", (api) => api.Branches.show(projectId, mr.target_branch));
    return parseAnswer(branchSchema, "branch", raw).commit.id;
  }

  async function createNote(iid: number, body: string): Promise<PlatformComment> {
    const raw = await client.call("MergeRequestNotes.create", (api) =>
      api.MergeRequestNotes.create(projectId, iid, body),
    );
    return toComment(iid, parseAnswer(noteSchema, "note", raw), true);
  }

  const platform: ScmPlatform = {
    platform: "gitlab",
    repo,
    terms: MERGE_REQUEST_TERMS,
    maxCommentChars: 1_000_000,

    commentUrl(changeRequest, commentId) {
      return `${changeRequest.url}#note_${commentId}`;
    },

    async getChangeRequest(number): Promise<ChangeRequest> {
      const [raw, target] = await Promise.all([
        client.call("MergeRequests.show", (api) => api.MergeRequests.show(projectId, number)),
        loadProject(),
      ]);
      const mr = parseAnswer(mergeRequestSchema, "merge request", raw);
      const headSha = mr.sha ?? mr.diff_refs?.head_sha;
      if (!headSha) throw new PlatformError(`GitLab merge request !${number} has no head commit`, 409);
      statusRefs.set(headSha, statusRef(mr));
      return {
        ref: { repo, number },
        title: mr.title,
        body: mr.description ?? "",
        author: {
          login: mr.author.username,
          id: String(mr.author.id),
          isBot: mr.author.bot === true || isBotUsername(mr.author.username),
        },
        headSha,
        baseSha: await baseShaOf(mr),
        headRef: mr.source_branch,
        baseRef: mr.target_branch,
        draft: mr.draft ?? mr.work_in_progress ?? false,
        state: changeRequestState(mr.state),
        url: mr.web_url,
        cloneUrl: target.http_url_to_repo,
        ...changedFileCount(mr.changes_count),
      };
    },

    async readRepoConfig() {
      const { default_branch: branch } = await loadProject();
      if (!branch) return null; // an empty repository
      const raw = await nullIfNotFound(
        client.call("RepositoryFiles.showRaw", (api) =>
          api.RepositoryFiles.showRaw(projectId, REPO_CONFIG_PATH, branch),
        ),
      );
      if (raw === null || typeof raw === "string") return raw;
      if (raw instanceof Blob) return raw.text();
      throw new PlatformError(`GitLab answered ${REPO_CONFIG_PATH} with something that is not text`, 502);
    },

    async checkoutSource(changeRequest): Promise<CheckoutSource> {
      return {
        url: changeRequest.cloneUrl,
        // Fork MRs too: GitLab keeps every MR head under this ref in the target project.
        headRef: `refs/merge-requests/${changeRequest.ref.number}/head`,
        headSha: changeRequest.headSha,
        baseRef: changeRequest.baseRef,
        baseSha: changeRequest.baseSha,
        auth: { username: "oauth2", password: client.token },
      };
    },

    async getComment(number, commentId) {
      const id = noteId(commentId);
      if (id === null) return null;
      const raw = await nullIfNotFound(
        client.call("MergeRequestNotes.show", (api) => api.MergeRequestNotes.show(projectId, number, id)),
      );
      return raw === null ? null : toComment(number, parseAnswer(noteSchema, "note", raw));
    },

    async findOwnComment(number, marker) {
      const wanted = marker.trim();
      const self = await botId();
      const pages = client.pages("MergeRequestNotes.all", (api, page) =>
        api.MergeRequestNotes.all(projectId, number, { ...page, sort: "asc", orderBy: "created_at" }),
      );
      for await (const page of pages) {
        for (const raw of page) {
          const note = parseAnswer(noteSchema, "note", raw);
          if (note.system !== true && note.author.id === self && firstLineIs(note.body ?? "", wanted)) {
            return toComment(number, note);
          }
        }
      }
      return null;
    },

    createComment: createNote,

    async updateComment(number, commentId, body) {
      const id = requireNoteId(commentId);
      await client.call("MergeRequestNotes.edit", (api) => api.MergeRequestNotes.edit(projectId, number, id, { body }));
    },

    async setCommitStatus(sha, status) {
      const ref = await postCommitStatus({ client, projectId, log }, sha, status, statusRefs.get(sha));
      if (ref !== undefined) statusRefs.set(sha, ref);
    },

    publishReview(number, headSha, publication) {
      return publishGitLabReview({ client, projectId, botUserId: botId, log }, number, headSha, publication);
    },

    async react(number, commentId, reaction) {
      const id = requireNoteId(commentId);
      try {
        await client.call("MergeRequestNoteAwardEmojis.award", (api) =>
          api.MergeRequestNoteAwardEmojis.award(projectId, number, id, AWARD_NAMES[reaction]),
        );
      } catch (error) {
        // Awarding the same emoji twice is refused ("has already been taken"): it is there.
        if (hasStatus(error, 404, 409) && /already been taken/i.test((error as Error).message)) return;
        throw error;
      }
    },

    getPermission: (user) => projectPermission(client, projectId, user),

    isTeamMember: (team, user) => isGroupMember(client, team, user),

    async replyToComment(number, comment, body) {
      if (comment.threadId) {
        const discussionId = comment.threadId;
        const replied = await nullIfNotFound(
          client.call("MergeRequestDiscussions.addNote", (api) =>
            api.MergeRequestDiscussions.addNote(projectId, number, discussionId, body),
          ),
        );
        if (replied !== null) return;
        log.warn({ discussionId }, "discussion of the command is gone; answering in a new note");
      }
      await createNote(number, body);
    },
  };
  // The edge every text written to the MR passes: no writer can go around it.
  const secrets = deps.secrets ?? createSecretScrubber();
  return scrubWrites(platform, (text) => secrets.scrub(text));
}
