// The state of the fake GitLab (test/support/fake-gitlab.ts): projects, merge requests, notes,
// discussions, draft notes, statuses, members; and the JSON GitLab's REST API answers for them.
import { randomBytes } from "node:crypto";

export interface FakeGitLabUser {
  id: number;
  username: string;
  bot?: boolean;
}

export interface FakeDiffFile {
  old_path: string;
  new_path: string;
  diff: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
}

export interface FakeMergeRequest {
  iid: number;
  title: string;
  description: string;
  author: FakeGitLabUser;
  /** Head commit. */
  sha: string;
  /** diff_refs: merge base, target tip when the diff was made, head. Null: diff not computed yet. */
  diffRefs: { base_sha: string; start_sha: string; head_sha: string } | null;
  sourceBranch: string;
  targetBranch: string;
  sourceProjectId: number;
  draft: boolean;
  state: "opened" | "closed" | "merged";
  diffs: FakeDiffFile[];
  /** `changes_count` as GitLab sends it (a string, "1000+" past its cap, null while the diff is computed); default: the diff's file count. */
  changesCount?: string | null;
}

export interface FakeProject {
  id: number;
  pathWithNamespace: string;
  defaultBranch: string;
  httpUrlToRepo: string;
  /** Files on the default branch. */
  files: Record<string, string>;
  mergeRequests: Map<number, FakeMergeRequest>;
  /** Effective access level by user id (members/all). */
  members: Record<number, number>;
}

export interface FakePosition {
  base_sha?: string;
  start_sha?: string;
  head_sha?: string;
  position_type?: string;
  old_path?: string;
  new_path?: string;
  old_line?: number | null;
  new_line?: number | null;
}

export interface FakeNote {
  id: number;
  projectId: number;
  iid: number;
  body: string;
  author: FakeGitLabUser;
  system: boolean;
  type: "DiffNote" | "DiscussionNote" | null;
  discussionId: string;
  position?: FakePosition;
  createdAt: string;
  updatedAt: string;
}

export interface FakeDiscussion {
  id: string;
  projectId: number;
  iid: number;
  individual: boolean;
  resolvable: boolean;
  resolved: boolean;
}

export interface FakeDraft {
  id: number;
  projectId: number;
  iid: number;
  authorId: number;
  note: string;
  position?: FakePosition;
  /** A reply draft: the discussion it goes into, and whether publishing it resolves that discussion. */
  discussionId?: string;
  resolveDiscussion?: boolean;
}

export interface FakeStatus {
  id: number;
  sha: string;
  name: string;
  ref?: string;
  state: string;
  description: string;
  target_url?: string;
}

/** A user error as GitLab reports it. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === "object" ? JSON.stringify(body) : String(body));
  }
}

export const GITLAB_BOT: FakeGitLabUser = { id: 7000, username: "warden-bot" };

export class FakeGitLabState {
  readonly projects = new Map<number, FakeProject>();
  readonly notes: FakeNote[] = [];
  readonly discussions = new Map<string, FakeDiscussion>();
  readonly drafts: FakeDraft[] = [];
  /** Every status accepted, oldest first. */
  readonly statuses: FakeStatus[] = [];
  readonly awards: Array<{ noteId: number; name: string; userId: number }> = [];
  readonly groups = new Map<string, Record<number, number>>();
  /** Calls that notify the MR's participants (new notes, a bulk publish). */
  notifications = 0;
  bulkPublishes = 0;
  /** Server capabilities, to test the adapter's fallbacks. */
  draftNotesSupported = true;
  bulkPublishSupported = true;
  bot: FakeGitLabUser = GITLAB_BOT;
  protected nextId = 5000;

  id(): number {
    return this.nextId++;
  }

  addProject(
    p: Omit<FakeProject, "mergeRequests" | "members" | "files"> & Partial<Pick<FakeProject, "files" | "members">>,
  ): FakeProject {
    const project: FakeProject = { files: {}, members: {}, ...p, mergeRequests: new Map() };
    this.projects.set(project.id, project);
    return project;
  }

  project(id: string): FakeProject {
    const project = this.projects.get(Number(id));
    if (!project) throw new FakeHttpError(404, { message: "404 Project Not Found" });
    return project;
  }

  projectByPath(path: string): FakeProject {
    const project = [...this.projects.values()].find((p) => p.pathWithNamespace.toLowerCase() === path.toLowerCase());
    if (!project) throw new FakeHttpError(404, { message: "404 Project Not Found" });
    return project;
  }

  mergeRequest(project: FakeProject, iid: string): FakeMergeRequest {
    const mr = project.mergeRequests.get(Number(iid));
    if (!mr) throw new FakeHttpError(404, { message: "404 Not found" });
    return mr;
  }

  /** A note written as if by a human in GitLab's UI; starts a discussion of its own. */
  addHumanNote(project: FakeProject, iid: number, body: string, author: FakeGitLabUser): FakeNote {
    return this.createNote(project.id, iid, body, author, { individual: true });
  }

  createNote(
    projectId: number,
    iid: number,
    body: string,
    author: FakeGitLabUser,
    opts: { individual: boolean; position?: FakePosition; discussionId?: string },
  ): FakeNote {
    const now = new Date(Date.now() + this.notes.length).toISOString();
    let discussionId = opts.discussionId;
    let type: FakeNote["type"] = opts.position ? "DiffNote" : null;
    if (discussionId) {
      const discussion = this.discussions.get(discussionId)!;
      discussion.individual = false;
      const first = this.notes.find((n) => n.discussionId === discussionId);
      type = first?.type === "DiffNote" ? "DiffNote" : "DiscussionNote";
    } else {
      discussionId = randomBytes(20).toString("hex");
      this.discussions.set(discussionId, {
        id: discussionId,
        projectId,
        iid,
        individual: opts.individual,
        resolvable: !opts.individual,
        resolved: false,
      });
    }
    const note: FakeNote = {
      id: this.id(),
      projectId,
      iid,
      body,
      author,
      system: false,
      type,
      discussionId,
      createdAt: now,
      updatedAt: now,
    };
    if (opts.position) note.position = opts.position;
    this.notes.push(note);
    return note;
  }

  notesOf(projectId: number, iid: number): FakeNote[] {
    return this.notes.filter((n) => n.projectId === projectId && n.iid === iid);
  }

  noteJson(n: FakeNote) {
    const discussion = this.discussions.get(n.discussionId);
    return {
      id: n.id,
      type: n.type,
      body: n.body,
      author: { id: n.author.id, username: n.author.username, name: n.author.username, state: "active" },
      created_at: n.createdAt,
      updated_at: n.updatedAt,
      system: n.system,
      noteable_id: n.projectId * 1000 + n.iid,
      noteable_type: "MergeRequest",
      project_id: n.projectId,
      noteable_iid: n.iid,
      resolvable: discussion?.resolvable ?? false,
      resolved: discussion?.resolved ?? false,
      ...(n.position ? { position: n.position } : {}),
    };
  }

  discussionJson(d: FakeDiscussion) {
    return {
      id: d.id,
      individual_note: d.individual,
      notes: this.notes.filter((n) => n.discussionId === d.id).map((n) => this.noteJson(n)),
    };
  }

  /** Statuses posted for a sha, oldest first (their GitLab states). */
  statusesFor(sha: string): string[] {
    return this.statuses.filter((s) => s.sha === sha).map((s) => s.state);
  }

  /** Discussions started by the bot on diff lines (inline findings). */
  findingDiscussions(projectId: number, iid: number): FakeDiscussion[] {
    return [...this.discussions.values()].filter((d) => {
      const first = this.notes.find((n) => n.discussionId === d.id);
      return (
        d.projectId === projectId && d.iid === iid && first?.type === "DiffNote" && first.author.id === this.bot.id
      );
    });
  }
}
