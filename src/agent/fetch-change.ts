import type { CheckoutSource } from "../core/ports/workspace.js";
import { git, lastLines, LOCAL_TIMEOUT_MS, runGit } from "./git.js";
import type { GitRun } from "./git.js";
import { isCommitSha } from "../core/model/commit.js";

/** Where a checkout (fresh fetch or through the cache) leaves the change's head and base branch. */
export const HEAD_REF = "refs/warden/head";
export const BASE_REF = "refs/warden/base";
const SCHEMES = new Set(["https:", "http:", "file:", "ssh:", "git:"]);

/**
 * Fetches a change's head and base into `dir` (an empty repository) with enough history for
 * the merge base, and checks the head out detached. Credentials travel only in the fetch's own
 * environment as an `http.extraHeader`: never in argv (visible in `ps`), the URL, or any file.
 */
export async function fetchChange(dir: string, source: CheckoutSource, signal?: AbortSignal): Promise<string[]> {
  const warnings: string[] = [];
  await validate(dir, source);
  const { credentials, secrets } = fetchAuth(source);
  const local: GitRun = { cwd: dir, timeoutMs: LOCAL_TIMEOUT_MS, secrets, ...(signal ? { signal } : {}) };
  const remote: GitRun = { ...local, timeoutMs: FETCH_TIMEOUT_MS, env: fetchConfig(credentials) };
  const refspecs = [`+${source.headRef}:${HEAD_REF}`, `+refs/heads/${source.baseRef}:${BASE_REF}`];
  const where = `${source.headRef} and refs/heads/${source.baseRef} from ${displayUrl(source.url)}`;
  const fetch = fetcher(source.url, remote, refspecs, `fetching ${where}`);

  await git(["init", "--quiet"], local);
  await fetch([`--depth=${INITIAL_DEPTH}`]);
  if (!(await historyComplete(source, local)) && (await isShallow(local))) {
    await fetch(["--unshallow"]);
  }
  // The PR may have moved on since the event: fetch the exact head commit if it is missing.
  if (!(await hasCommit(source.headSha, local))) {
    const what = `fetching commit ${source.headSha} of ${source.headRef} from ${displayUrl(source.url)}`;
    await fetch([], [`+${source.headSha}:${HEAD_REF}-commit`], what);
  }
  // A missing base commit (base branch rewritten) only costs the merge-base diff, not the review.
  if (!(await hasCommit(source.baseSha, local))) {
    const what = `fetching base commit ${source.baseSha} of ${source.baseRef} from ${displayUrl(source.url)}`;
    await fetch([], [`+${source.baseSha}:${BASE_REF}-commit`], what).catch((err: Error) => warnings.push(err.message));
  }
  await git(
    ["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", source.headSha],
    local,
    `checking out ${source.headSha}`,
  );
  return warnings;
}

/** The first fetch's depth; deepened only when the base is not in reach. */
export const INITIAL_DEPTH = 50;
export const FETCH_TIMEOUT_MS = 10 * 60_000;

/**
 * `git fetch` of `url` as both checkouts run it (the run's workspace and the repository cache): no
 * tags, no submodules, no FETCH_HEAD, the refspecs given or the defaults.
 */
export function fetcher(url: string, remote: GitRun, defaultSpecs: string[], defaultWhat: string) {
  return (options: string[], specs = defaultSpecs, what = defaultWhat) =>
    git(
      [
        "fetch",
        "--quiet",
        "--no-tags",
        "--no-recurse-submodules",
        "--no-write-fetch-head",
        ...options,
        "--",
        url,
        ...specs,
      ],
      remote,
      what,
    );
}

/** The fetch's Basic credentials, and the strings git's messages must never show. */
export function fetchAuth(source: CheckoutSource): { credentials: string | undefined; secrets: string[] } {
  if (!source.auth) return { credentials: undefined, secrets: [] };
  const credentials = Buffer.from(`${source.auth.username}:${source.auth.password}`).toString("base64");
  return { credentials, secrets: [source.auth.password, credentials] };
}

/** Git config for the fetch alone, through the environment (GIT_CONFIG_COUNT/KEY/VALUE). */
export function fetchConfig(credentials: string | undefined): Record<string, string> {
  // An empty helper list: a credential helper configured on the server must neither be asked
  // nor store anything on behalf of this fetch.
  const config: Array<[string, string]> = [["credential.helper", ""]];
  if (credentials) config.push(["http.extraHeader", `Authorization: Basic ${credentials}`]);
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

export async function validate(dir: string, source: CheckoutSource): Promise<void> {
  for (const sha of [source.headSha, source.baseSha]) {
    if (!isCommitSha(sha)) throw new Error(`not a commit id: ${JSON.stringify(sha)}`);
  }
  let scheme: string;
  try {
    scheme = new URL(source.url).protocol;
  } catch {
    throw new Error(`not a clone URL: ${JSON.stringify(displayUrl(source.url))}`);
  }
  if (!SCHEMES.has(scheme)) throw new Error(`clone URL scheme ${scheme} is not allowed`);
  const refs = [source.headRef, `refs/heads/${source.baseRef}`];
  for (const ref of refs) {
    const check = await runGit(["check-ref-format", ref], { cwd: dir, timeoutMs: LOCAL_TIMEOUT_MS });
    if (check.code !== 0 || !ref.startsWith("refs/")) throw new Error(`not a valid ref: ${JSON.stringify(ref)}`);
  }
}

async function historyComplete(source: CheckoutSource, run: GitRun): Promise<boolean> {
  if (!(await hasCommit(source.headSha, run)) || !(await hasCommit(source.baseSha, run))) return false;
  const [withBaseRef, withBaseSha] = await Promise.all([
    runGit(["merge-base", BASE_REF, source.headSha], run),
    runGit(["merge-base", source.baseSha, source.headSha], run),
  ]);
  return withBaseRef.code === 0 && withBaseSha.code === 0;
}

async function hasCommit(sha: string, run: GitRun): Promise<boolean> {
  return (await runGit(["cat-file", "-e", `${sha}^{commit}`], run)).code === 0;
}

export async function isShallow(run: GitRun): Promise<boolean> {
  const result = await runGit(["rev-parse", "--is-shallow-repository"], run);
  if (result.code !== 0) throw new Error(`git rev-parse failed: ${lastLines(result.stderr)}`);
  return result.stdout.trim() === "true";
}

/** The URL as it may appear in messages: any user info removed. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//");
  }
}
