// Which GitHub requests @octokit/plugin-retry may send again after a failure that may have been
// applied (5xx, or the connection lost before the answer). The plugin retries every method alike;
// a POST that creates a comment or review, or a GraphQL mutation, sent twice would post twice, so
// those get `request.retries: 0` (the plugin's per-request setting) and their error goes to the
// caller: the run ends honestly instead.

const tokenRoute = /^\/app\/installations\/[^/]+\/access_tokens$/;
// GitHub.com: `/graphql`; GitHub Enterprise Server: `/api/graphql` (an absolute URL by then).
const graphqlRoute = /^(?:\/api)?\/graphql$/;
// Commit statuses (the latest per context is the status), reactions (GitHub answers a repeat with
// the existing one) and installation tokens leave the same state when repeated.
const repeatablePosts = [/^\/repos\/[^/]+\/[^/]+\/statuses\/[^/]+$/, /\/reactions$/, tokenRoute];

/** A GraphQL document whose operation is a mutation (comments and `#` lines skipped). */
export function isMutation(query: unknown): boolean {
  return typeof query === "string" && /^(?:\s|#[^\n]*\n)*mutation\b/.test(query);
}

/** Whether sending the request again after a lost or failed answer leaves the same state. */
export function isRepeatable(options: { method: string; url: string; query?: unknown }): boolean {
  const { pathname } = new URL(options.url, "http://github.test");
  if (graphqlRoute.test(pathname)) return !isMutation(options.query);
  if (options.method !== "POST") return true;
  return repeatablePosts.some((route) => route.test(pathname));
}
