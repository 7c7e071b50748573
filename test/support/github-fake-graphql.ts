// GitHub's GraphQL endpoint as the fake GitHub serves it: only the two operations Warden sends
// (the review-thread listing and one mutation document of aliased thread replies and
// resolutions), recognised by their own shape rather than by a GraphQL parser. A thread's node id
// is `PRRT_<id of its first review comment>`.
import type { FakeRepo, FakeReviewComment, FakeUser } from "./fake-github.js";

export interface GraphqlWorld {
  repos: Map<string, FakeRepo>;
  reviewComments: FakeReviewComment[];
  /** Ids of the first review comments of resolved threads. */
  resolvedThreads: Set<number>;
  bot: FakeUser;
  newId(): number;
}

interface GraphqlRequest {
  query?: unknown;
  variables?: Record<string, unknown>;
}

type Answer = [number, unknown];

const FIELD = /(\w+): (addPullRequestReviewThreadReply|resolveReviewThread)\(input: \{([^}]*)\}\)/g;

const threadId = (root: number) => `PRRT_${root}`;

function rootOf(world: GraphqlWorld, id: unknown): FakeReviewComment | undefined {
  const m = /^PRRT_(\d+)$/.exec(String(id));
  return m ? world.reviewComments.find((c) => c.id === Number(m[1]) && c.in_reply_to_id === undefined) : undefined;
}

function reviewThreads(world: GraphqlWorld, query: string, vars: Record<string, unknown>): Answer {
  const repo = world.repos.get(`${String(vars.owner)}/${String(vars.name)}`);
  const pull = repo?.pulls.get(Number(vars.number));
  if (!repo || !pull) {
    return [
      200,
      { data: { repository: null }, errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }] },
    ];
  }
  const roots = world.reviewComments.filter((c) => c.pullNumber === pull.number && c.in_reply_to_id === undefined);
  const first = Number(/reviewThreads\(first: (\d+)/.exec(query)?.[1] ?? 100);
  const start = vars.cursor ? Number(vars.cursor) : 0;
  const page = roots.slice(start, start + first);
  const end = start + page.length;
  const nodes = page.map((c) => ({
    id: threadId(c.id),
    isResolved: world.resolvedThreads.has(c.id),
    comments: { nodes: [{ databaseId: c.id }] },
  }));
  const pageInfo = { hasNextPage: end < roots.length, endCursor: page.length > 0 ? String(end) : null };
  return [200, { data: { repository: { pullRequest: { reviewThreads: { pageInfo, nodes } } } } }];
}

function mutation(world: GraphqlWorld, query: string, vars: Record<string, unknown>): Answer {
  const data: Record<string, unknown> = {};
  const errors: unknown[] = [];
  for (const [, alias, field, args] of query.matchAll(FIELD)) {
    const input = Object.fromEntries([...args!.matchAll(/(\w+): \$(\w+)/g)].map(([, key, name]) => [key, vars[name!]]));
    const root = rootOf(world, field === "resolveReviewThread" ? input.threadId : input.pullRequestReviewThreadId);
    if (!root) {
      data[alias!] = null;
      errors.push({ type: "NOT_FOUND", path: [alias], message: "Could not resolve to a node with the global id" });
      continue;
    }
    if (field === "resolveReviewThread") {
      world.resolvedThreads.add(root.id);
      data[alias!] = { thread: { id: threadId(root.id) } };
      continue;
    }
    const reply: FakeReviewComment = {
      id: world.newId(),
      pullNumber: root.pullNumber,
      body: String(input.body),
      in_reply_to_id: root.id,
      user: world.bot,
    };
    world.reviewComments.push(reply);
    data[alias!] = { comment: { id: `PRRC_${reply.id}` } };
  }
  return [200, errors.length > 0 ? { data, errors } : { data }];
}

/** Undefined for an operation the fake does not know (the fake GitHub records it as unexpected). */
export function routeGraphql(world: GraphqlWorld, body: GraphqlRequest): Answer | undefined {
  const query = typeof body.query === "string" ? body.query : "";
  const vars = body.variables ?? {};
  if (/^\s*query\b/.test(query) && query.includes("reviewThreads")) return reviewThreads(world, query, vars);
  if (/^\s*mutation\b/.test(query) && /: (addPullRequestReviewThreadReply|resolveReviewThread)\(/.test(query)) {
    return mutation(world, query, vars);
  }
  return undefined;
}
