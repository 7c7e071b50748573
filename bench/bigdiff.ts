// A pull request whose diff is ~30 MB (a 200,000-line generated file, a 3 MB minified one-liner and
// 1,500 ordinary modules), reviewed up to the agent's prompt by the same code the review uses:
// checkout over a real git fetch, diff selection, prompt build. The review runs in a child process
// of its own so that its peak RSS is its own; a timer probe there measures the longest event-loop
// stall. Runnable alone: `node --import tsx bench/bigdiff.ts`.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { GitRemote } from "../test/support/git-remote.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));

function moduleBody(i: number): string {
  return `${Array.from(
    { length: 150 },
    (_, l) => `export const item_${i}_${l} = compute(${l}, "module ${i}", [${l}, ${l + 1}]);`,
  ).join("\n")}\n`;
}

function lockfileBody(): string {
  return `${Array.from(
    { length: 200_000 },
    (_, l) => `    "node_modules/pkg-${l}": { "version": "1.0.${l % 97}", "integrity": "sha512-${l}" },`,
  ).join("\n")}\n`;
}

function minifiedBody(): string {
  return `${Array.from({ length: 150_000 }, (_, i) => `var a${i}=f(${i});`).join("")}\n`;
}

export interface BigDiffRepo {
  remote: GitRemote;
  base: string;
  head: string;
  diffBytes: number;
}

export function makeBigDiffRepo(): BigDiffRepo {
  const remote = new GitRemote();
  const base = remote.commit({ "README.md": "demo\n" }, "base");
  remote.setRef("refs/heads/main", base);
  const files: Record<string, string> = { "package-lock.json": lockfileBody(), "dist/bundle.min.js": minifiedBody() };
  for (let i = 0; i < 1_200; i++) files[`src/gen/module_${i}.ts`] = moduleBody(i);
  const head = remote.commit(files, "a very large change", base);
  remote.setRef("refs/pull/1/head", head);
  // Each added line is shown once with its "+", plus a few header lines per file.
  const diffBytes = Object.values(files).reduce(
    (sum, text) => sum + Buffer.byteLength(text) + text.split("\n").length,
    0,
  );
  return { remote, base, head, diffBytes };
}

export async function benchBigDiff(): Promise<Record<string, number>> {
  const repo = makeBigDiffRepo();
  try {
    const child = new URL("./bigdiff-review.ts", import.meta.url);
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          "--disable-warning=ExperimentalWarning",
          "--import",
          "tsx",
          fileURLToPath(child),
          repo.remote.url,
          repo.base,
          repo.head,
        ],
        { cwd: HERE, maxBuffer: 1024 * 1024, encoding: "utf8" },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const figures = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, number>;
    return { "bigdiff.diff_mb": repo.diffBytes / 1e6, ...figures };
  } finally {
    repo.remote.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [key, value] of Object.entries(await benchBigDiff())) console.log(key, value);
}
