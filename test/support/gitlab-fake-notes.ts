// The fake GitLab's merge request notes, discussions, draft notes and award emoji, with GitLab's
// rules where the adapter depends on them: a diff position must match the MR's diff_refs and a
// line of its diff (added: new_line only; context: old_line and new_line), a bulk publish turns
// the caller's drafts into discussions, or replies that resolve theirs, with one notification.
import {
  FakeHttpError,
  type FakeDiffFile,
  type FakeDraft,
  type FakeGitLabState,
  type FakeMergeRequest,
  type FakePosition,
  type FakeProject,
} from "./gitlab-fake-state.js";

export type Answer = [number, unknown?, Record<string, string>?];

export interface NotesRequest {
  method: string;
  /** Path after `/merge_requests/:iid`. */
  rest: string;
  body: Record<string, unknown>;
  url: URL;
  project: FakeProject;
  mr: FakeMergeRequest;
}

/** One page of `list` with GitLab's pagination headers. */
export function paged(list: unknown[], url: URL): Answer {
  const perPage = Number(url.searchParams.get("per_page") ?? 20);
  const page = Number(url.searchParams.get("page") ?? 1);
  const totalPages = Math.max(1, Math.ceil(list.length / perPage));
  const headers = {
    "x-page": String(page),
    "x-per-page": String(perPage),
    "x-total": String(list.length),
    "x-total-pages": String(totalPages),
    "x-next-page": page < totalPages ? String(page + 1) : "",
    "x-prev-page": page > 1 ? String(page - 1) : "",
  };
  return [200, list.slice((page - 1) * perPage, page * perPage), headers];
}

const LINE_CODE_ERROR = { message: { line_code: ["can't be blank", "must be a valid line code"] } };

function fileLines(file: FakeDiffFile): { added: Set<number>; context: Map<number, number> } {
  const added = new Set<number>();
  const context = new Map<number, number>();
  let oldLine = 0;
  let newLine = 0;
  for (const line of file.diff.split("\n")) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
    } else if (line.startsWith("+")) added.add(newLine++);
    else if (line.startsWith("-")) oldLine++;
    else if (line.startsWith(" ")) context.set(newLine++, oldLine++);
  }
  return { added, context };
}

function lineNumber(value: unknown): number | null {
  return value === undefined || value === null || value === "" ? null : Number(value);
}

/** The position, normalised, or a 400 like GitLab's when it cannot be placed. */
export function checkPosition(mr: FakeMergeRequest, raw: unknown): FakePosition {
  const p = (raw ?? {}) as Record<string, unknown>;
  const refs = mr.diffRefs;
  if (!refs || p.base_sha !== refs.base_sha || p.start_sha !== refs.start_sha || p.head_sha !== refs.head_sha) {
    throw new FakeHttpError(400, LINE_CODE_ERROR);
  }
  const file = mr.diffs.find((f) => f.new_path === p.new_path && f.old_path === p.old_path && !f.deleted_file);
  const newLine = lineNumber(p.new_line);
  const oldLine = lineNumber(p.old_line);
  if (!file || newLine === null) throw new FakeHttpError(400, LINE_CODE_ERROR);
  const lines = fileLines(file);
  const ok =
    (lines.added.has(newLine) && oldLine === null) || (oldLine !== null && lines.context.get(newLine) === oldLine);
  if (!ok) throw new FakeHttpError(400, LINE_CODE_ERROR);
  return {
    base_sha: refs.base_sha,
    start_sha: refs.start_sha,
    head_sha: refs.head_sha,
    position_type: "text",
    old_path: file.old_path,
    new_path: file.new_path,
    old_line: oldLine,
    new_line: newLine,
  };
}

function publish(state: FakeGitLabState, req: NotesRequest, draftIds: number[]): void {
  for (const id of draftIds) {
    const index = state.drafts.findIndex((d) => d.id === id);
    const [draft] = state.drafts.splice(index, 1);
    const { note, position, discussionId, resolveDiscussion } = draft!;
    state.createNote(req.project.id, req.mr.iid, note, state.bot, {
      individual: !position && !discussionId,
      ...(position ? { position } : {}),
      ...(discussionId ? { discussionId } : {}),
    });
    if (discussionId && resolveDiscussion) state.discussions.get(discussionId)!.resolved = true;
  }
}

/** A draft's reply target as GitLab checks it on creation (DraftNotes::CreateService). */
function replyTarget(state: FakeGitLabState, req: NotesRequest): Pick<FakeDraft, "discussionId" | "resolveDiscussion"> {
  const id = req.body.in_reply_to_discussion_id;
  if (id === undefined || id === null || id === "") return {};
  const discussion = state.discussions.get(String(id));
  if (!discussion || discussion.projectId !== req.project.id || discussion.iid !== req.mr.iid) {
    throw new FakeHttpError(400, { message: { base: ["Thread to reply to cannot be found"] } });
  }
  const resolve = req.body.resolve_discussion === true || req.body.resolve_discussion === "true";
  if (resolve && !discussion.resolvable)
    throw new FakeHttpError(400, { message: { base: ["User is not allowed to resolve thread"] } });
  return { discussionId: discussion.id, resolveDiscussion: resolve };
}

export function routeNotes(state: FakeGitLabState, req: NotesRequest): Answer | undefined {
  const { method, rest, body, url, project, mr } = req;
  const notes = () => state.notesOf(project.id, mr.iid);
  let m: RegExpMatchArray | null;

  if (method === "GET" && rest === "/notes") {
    const sorted = [...notes()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
    if (url.searchParams.get("sort") !== "asc") sorted.reverse();
    return paged(
      sorted.map((n) => state.noteJson(n)),
      url,
    );
  }
  if (method === "POST" && rest === "/notes") {
    state.notifications++;
    return [
      201,
      state.noteJson(state.createNote(project.id, mr.iid, String(body.body), state.bot, { individual: true })),
    ];
  }
  if ((m = rest.match(/^\/notes\/(\d+)$/))) {
    const note = notes().find((n) => n.id === Number(m![1]));
    if (!note) return [404, { message: "404 Not found" }];
    if (method === "GET") return [200, state.noteJson(note)];
    if (method === "PUT") {
      if (note.author.id !== state.bot.id) return [403, { message: "403 Forbidden" }];
      note.body = String(body.body);
      note.updatedAt = new Date().toISOString();
      return [200, state.noteJson(note)];
    }
  }
  if (method === "POST" && (m = rest.match(/^\/notes\/(\d+)\/award_emoji$/))) {
    const noteId = Number(m[1]);
    if (!notes().some((n) => n.id === noteId)) return [404, { message: "404 Not found" }];
    const name = String(body.name);
    if (state.awards.some((a) => a.noteId === noteId && a.name === name && a.userId === state.bot.id)) {
      return [404, { message: "404 Award Emoji Name has already been taken Not Found" }];
    }
    state.awards.push({ noteId, name, userId: state.bot.id });
    return [201, { id: state.id(), name, user: { id: state.bot.id } }];
  }

  const discussions = () =>
    [...state.discussions.values()].filter((d) => d.projectId === project.id && d.iid === mr.iid);
  if (method === "GET" && rest === "/discussions")
    return paged(
      discussions().map((d) => state.discussionJson(d)),
      url,
    );
  if (method === "POST" && rest === "/discussions") {
    const position = body.position ? checkPosition(mr, body.position) : undefined;
    state.notifications++;
    const note = state.createNote(project.id, mr.iid, String(body.body), state.bot, {
      individual: false,
      ...(position ? { position } : {}),
    });
    return [201, state.discussionJson(state.discussions.get(note.discussionId)!)];
  }
  if ((m = rest.match(/^\/discussions\/([0-9a-f]+)(\/notes)?$/))) {
    const discussion = discussions().find((d) => d.id === m![1]);
    if (!discussion) return [404, { message: "404 Not found" }];
    if (method === "POST" && m[2]) {
      state.notifications++;
      return [
        201,
        state.noteJson(
          state.createNote(project.id, mr.iid, String(body.body), state.bot, {
            individual: false,
            discussionId: discussion.id,
          }),
        ),
      ];
    }
    if (method === "PUT" && !m[2]) {
      if (!discussion.resolvable) return [400, { message: "400 Bad request - discussion is not resolvable" }];
      discussion.resolved = url.searchParams.get("resolved") === "true" || body.resolved === true;
      return [200, state.discussionJson(discussion)];
    }
  }

  if (rest.startsWith("/draft_notes") && !state.draftNotesSupported) return [404, { error: "404 Not Found" }];
  const drafts = () =>
    state.drafts.filter((d) => d.projectId === project.id && d.iid === mr.iid && d.authorId === state.bot.id);
  const draftJson = (d: FakeDraft) => ({
    id: d.id,
    author_id: d.authorId,
    merge_request_id: mr.iid,
    note: d.note,
    position: d.position ?? null,
    discussion_id: d.discussionId ?? null,
    resolve_discussion: d.resolveDiscussion ?? false,
  });
  if (method === "GET" && rest === "/draft_notes") return paged(drafts().map(draftJson), url);
  if (method === "POST" && rest === "/draft_notes") {
    const position = body.position ? checkPosition(mr, body.position) : undefined;
    const draft: FakeDraft = {
      id: state.id(),
      projectId: project.id,
      iid: mr.iid,
      authorId: state.bot.id,
      note: String(body.note),
      ...(position ? { position } : {}),
      ...replyTarget(state, req),
    };
    state.drafts.push(draft);
    return [201, draftJson(draft)];
  }
  if (method === "POST" && rest === "/draft_notes/bulk_publish") {
    if (!state.bulkPublishSupported) return [404, { error: "404 Not Found" }];
    const ids = drafts().map((d) => d.id);
    publish(state, req, ids);
    if (ids.length > 0) {
      state.notifications++;
      state.bulkPublishes++;
    }
    return [204];
  }
  if ((m = rest.match(/^\/draft_notes\/(\d+)(\/publish)?$/))) {
    const draft = drafts().find((d) => d.id === Number(m![1]));
    if (!draft) return [404, { message: "404 Not found" }];
    if (method === "PUT" && m[2]) {
      publish(state, req, [draft.id]);
      state.notifications++;
      return [204];
    }
    if (method === "DELETE" && !m[2]) {
      state.drafts.splice(state.drafts.indexOf(draft), 1);
      return [204];
    }
  }
  return undefined;
}
