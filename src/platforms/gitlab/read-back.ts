// A GitLab webhook is only as trustworthy as its secret, and one secret may be known to every
// maintainer of every project it serves. So before a hook's claim has an effect that matters,
// GitLab's API is asked: a command note is read back (`GET .../notes/:note_id`) and its author,
// body, system flag and merge request are taken from that answer; a close or merge cancels runs
// only when the merge request really is closed or merged. Both are asked by the project's PATH,
// the one its secret was chosen by, and the answer's project id must be the hook's: a hook cannot
// name one project's path and another project's id.
import type { ChangeRequestClosed, CommentCreated, DomainEvent } from "../../core/model/events.js";
import { isBotUsername } from "./events.js";
import type { GitLabClient } from "./gitlab-client.js";
import { nullIfNotFound } from "../platform-errors.js";
import { parseAnswer, readBackMergeRequestSchema, readBackNoteSchema } from "./gitlab-schemas.js";

export type SpoofReason =
  | "note_not_found"
  | "system_note"
  | "other_project"
  | "other_merge_request"
  | "other_author"
  | "other_body"
  | "merge_request_not_found"
  | "merge_request_open";

export type ReadBack<E extends DomainEvent = DomainEvent> =
  | { trusted: true; event: E }
  | { trusted: false; reason: SpoofReason; detail: string };

const refuse = (reason: SpoofReason, detail: string): ReadBack<never> => ({ trusted: false, reason, detail });

export interface GitLabReadBack {
  note(event: CommentCreated): Promise<ReadBack<CommentCreated>>;
  mergeRequestClosed(event: ChangeRequestClosed): Promise<ReadBack<ChangeRequestClosed>>;
}

export function createGitLabReadBack(client: GitLabClient): GitLabReadBack {
  return {
    async note(event) {
      const noteId = Number(event.commentId);
      const raw = await nullIfNotFound(
        client.call("MergeRequestNotes.show", (api) =>
          api.MergeRequestNotes.show(event.repo.fullName, event.number, noteId),
        ),
      );
      if (raw === null)
        return refuse("note_not_found", `no note ${noteId} on !${event.number} of ${event.repo.fullName}`);
      const note = parseAnswer(readBackNoteSchema, "note", raw);
      if (note.project_id == null || String(note.project_id) !== event.repo.id) {
        return refuse(
          "other_project",
          `note ${noteId} belongs to project ${note.project_id ?? "?"}, the hook said ${event.repo.id}`,
        );
      }
      if (note.noteable_type !== "MergeRequest" || (note.noteable_iid != null && note.noteable_iid !== event.number)) {
        return refuse(
          "other_merge_request",
          `note ${noteId} is on ${note.noteable_type} ${note.noteable_iid ?? "?"}, the hook said !${event.number}`,
        );
      }
      if (note.system) return refuse("system_note", `note ${noteId} is a system note`);
      if (String(note.author.id) !== event.author.id) {
        return refuse("other_author", `note ${noteId} is by user ${note.author.id}, the hook said ${event.author.id}`);
      }
      if (note.body !== event.body) return refuse("other_body", `note ${noteId} does not say what the hook said`);
      const author = {
        login: note.author.username,
        id: String(note.author.id),
        isBot: event.author.isBot || isBotUsername(note.author.username),
      };
      return { trusted: true, event: { ...event, body: note.body, author } };
    },

    async mergeRequestClosed(event) {
      const raw = await nullIfNotFound(
        client.call("MergeRequests.show", (api) => api.MergeRequests.show(event.repo.fullName, event.number)),
      );
      if (raw === null)
        return refuse("merge_request_not_found", `no merge request !${event.number} in ${event.repo.fullName}`);
      const mr = parseAnswer(readBackMergeRequestSchema, "merge request", raw);
      if (String(mr.project_id) !== event.repo.id || mr.iid !== event.number) {
        return refuse(
          "other_project",
          `!${mr.iid} of project ${mr.project_id} answered for !${event.number} of project ${event.repo.id}`,
        );
      }
      if (mr.state !== "closed" && mr.state !== "merged") {
        return refuse(
          "merge_request_open",
          `!${event.number} is ${mr.state}, the hook said it was ${event.merged ? "merged" : "closed"}`,
        );
      }
      return { trusted: true, event: { ...event, merged: mr.state === "merged" } };
    },
  };
}
