// Replies in the threads of resolved findings and resolves them in a constant number of calls.
// REST takes one call per reply and cannot resolve a review thread at all, so this goes through
// GraphQL: one query (per 100 threads of the PR) maps each finding's first review comment to its
// thread's node id, then one mutation document (per 50 findings) replies in and resolves them all.
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { InlineThreadRef, ThreadResolution } from "../../core/model/finding.js";
import type { Logger } from "../../core/ports/logger.js";
import type { ReviewPublishResult } from "../../core/ports/scm-platform.js";
import { parseCommentId } from "./comment-ids.js";
import { callGitHub } from "./github-errors.js";

type Resolutions = Pick<ReviewPublishResult, "resolved" | "unresolved" | "gone">;

export interface ThreadTarget {
  octokit: ProbotOctokit;
  owner: string;
  repo: string;
  log: Logger;
}

/** Aliased fields per mutation document: two per finding, well inside GitHub's query limits. */
export const RESOLUTIONS_PER_MUTATION = 50;

export const THREADS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`;

const threadsPage = z.object({
  repository: z.object({
    pullRequest: z.object({
      reviewThreads: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z.array(
          z
            .object({
              id: z.string(),
              isResolved: z.boolean(),
              comments: z.object({ nodes: z.array(z.object({ databaseId: z.number().nullish() }).nullable()) }),
            })
            .nullable(),
        ),
      }),
    }),
  }),
});

interface Thread {
  id: string;
  isResolved: boolean;
}

interface Ready {
  findingId: string;
  body: string;
  thread: Thread;
}

/** The review comment that opened the thread: replies must target it (GitHub refuses replies to replies). */
function rootCommentId(thread: InlineThreadRef): number | null {
  // The thread id is the root's plain number (inline-review.ts); without one, the comment is the root.
  const parsed = parseCommentId(thread.threadId ?? thread.commentId);
  if (!parsed) return null;
  return (thread.threadId === undefined) === (parsed.kind === "review") ? parsed.id : null;
}

/** Threads by the database id of their first comment, until every wanted root is found. */
async function findThreads(t: ThreadTarget, number: number, wanted: Set<number>): Promise<Map<number, Thread>> {
  const found = new Map<number, Thread>();
  let cursor: string | null = null;
  do {
    const raw = await callGitHub("graphql reviewThreads", () =>
      t.octokit.graphql(THREADS_QUERY, { owner: t.owner, name: t.repo, number, cursor }),
    );
    const page = threadsPage.parse(raw).repository.pullRequest.reviewThreads;
    for (const node of page.nodes) {
      const root = node?.comments.nodes[0]?.databaseId;
      if (node && typeof root === "number" && wanted.has(root))
        found.set(root, { id: node.id, isResolved: node.isResolved });
    }
    cursor = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
  } while (cursor !== null && found.size < wanted.size);
  return found;
}

function mutationDocument(items: Ready[]): { query: string; variables: Record<string, string> } {
  const params: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, string> = {};
  items.forEach(({ thread, body }, i) => {
    params.push(`$t${i}: ID!`, `$b${i}: String!`);
    variables[`t${i}`] = thread.id;
    variables[`b${i}`] = body;
    fields.push(
      `reply${i}: addPullRequestReviewThreadReply(input: {pullRequestReviewThreadId: $t${i}, body: $b${i}}) { comment { id } }`,
    );
    // A thread someone already resolved keeps its state; the reply alone is owed.
    if (!thread.isResolved)
      fields.push(`resolve${i}: resolveReviewThread(input: {threadId: $t${i}}) { thread { id } }`);
  });
  return { query: `mutation(${params.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, variables };
}

/** GraphQL answers field errors with HTTP 200 and partial data; Octokit throws them with that data. */
function partialData(error: unknown): Record<string, unknown> | null {
  if (!(error instanceof Error) || error.name !== "GraphqlResponseError") return null;
  const data = (error as { data?: unknown }).data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
}

async function replyAndResolve(t: ThreadTarget, items: Ready[], out: Resolutions) {
  const { query, variables } = mutationDocument(items);
  let data: Record<string, unknown>;
  try {
    data = await callGitHub("graphql resolve threads", () =>
      t.octokit.graphql<Record<string, unknown>>(query, variables),
    );
  } catch (error) {
    const partial = partialData(error);
    if (partial === null) {
      t.log.warn({ err: error, findings: items.map((i) => i.findingId) }, "GitHub refused the thread replies");
      out.unresolved.push(...items.map((i) => i.findingId));
      return;
    }
    t.log.warn({ errors: (error as { errors?: unknown }).errors }, "GitHub refused some thread replies or resolutions");
    data = partial;
  }
  items.forEach((item, i) => {
    if (data[`reply${i}`] == null) {
      out.unresolved.push(item.findingId);
      return;
    }
    out.resolved.push(item.findingId);
    if (!item.thread.isResolved && data[`resolve${i}`] == null) {
      t.log.warn({ finding: item.findingId }, "replied in the thread but could not mark it resolved");
    }
  });
}

/** Never throws: whatever could not be done is reported `unresolved`, for a later run. */
export async function resolveThreads(
  t: ThreadTarget,
  number: number,
  resolutions: ThreadResolution[],
): Promise<Resolutions> {
  const out: Resolutions = { resolved: [], unresolved: [], gone: [] };
  if (resolutions.length === 0) return out;
  const rooted = resolutions.map((r) => ({ ...r, root: rootCommentId(r.thread) }));
  let threads: Map<number, Thread>;
  try {
    threads = await findThreads(t, number, new Set(rooted.flatMap((r) => (r.root === null ? [] : [r.root]))));
  } catch (error) {
    t.log.warn({ err: error, pr: number }, "could not read the review threads of the pull request");
    return { ...out, unresolved: resolutions.map((r) => r.findingId) };
  }
  const ready: Ready[] = [];
  for (const r of rooted) {
    const thread = r.root === null ? undefined : threads.get(r.root);
    // Every thread of the PR was read: a missing one was deleted with its first comment.
    if (thread === undefined) out.gone.push(r.findingId);
    else ready.push({ findingId: r.findingId, body: r.body, thread });
  }
  for (let i = 0; i < ready.length; i += RESOLUTIONS_PER_MUTATION) {
    await replyAndResolve(t, ready.slice(i, i + RESOLUTIONS_PER_MUTATION), out);
  }
  return out;
}
