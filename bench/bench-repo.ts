// The checkout bench's repository: generated once, deterministically (a seeded generator fed to
// `git fast-import`, which writes the pack directly instead of one process per commit), and kept
// in the temp dir between runs. Contents are random base64 text, so the pack cannot shrink below
// the bound by compression: 10,000 files, 3,000 commits, about 175 MB packed.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const VERSION = "v2";
export const FILES = 10_000;
export const COMMITS = 3_000;
const FILES_PER_COMMIT = 4;
/** History churns a few hot files (changelogs, lockfiles, bundles), as in real repositories, so
 * the pack is mostly history while a checkout writes a realistic ~45 MB. */
const HOT_FILES = 300;

export interface BenchRepo {
  /** Bare repository with `main`. */
  dir: string;
  files: number;
  commits: number;
  packedBytes: number;
}

/** xorshift32: fast, seeded, and the same bytes on every machine. */
function generator(seed: number): (bytes: number) => string {
  let state = seed >>> 0 || 1;
  return (bytes) => {
    const raw = Buffer.allocUnsafe(Math.ceil(((bytes * 3) / 4 + 4) / 4) * 4);
    for (let i = 0; i < raw.length; i += 4) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      raw.writeUInt32LE(state, i);
    }
    const text = raw.toString("base64").slice(0, bytes - 1);
    return `${text.replace(/(.{76})/g, "$1\n")}\n`;
  };
}

const pathOf = (i: number) => `src/d${Math.floor(i / 100) % 100}/s${Math.floor(i / 10) % 10}/file-${i}.txt`;

export async function benchRepo(log: (line: string) => void): Promise<BenchRepo> {
  const home = join(tmpdir(), `warden-bench-checkout-${VERSION}`);
  const dir = join(home, "generated.git");
  if (!existsSync(join(dir, "warden-complete"))) {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    const building = join(home, "building.git");
    log(`generating the bench repository in ${dir} (once; kept between runs)`);
    execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", building]);
    await fastImport(building, stream());
    execFileSync("git", ["--git-dir", building, "pack-refs", "--all"]);
    execFileSync("touch", [join(building, "warden-complete")]);
    renameSync(building, dir);
  }
  const packDir = join(dir, "objects", "pack");
  const packedBytes = readdirSync(packDir)
    .filter((f) => f.endsWith(".pack"))
    .reduce((sum, f) => sum + statSync(join(packDir, f)).size, 0);
  return { dir, files: FILES, commits: COMMITS, packedBytes };
}

function* stream(): Generator<string> {
  const random = generator(0x5eed_c0de);
  let time = 1_700_000_000;
  const commit = (n: number, changes: string[]) => {
    time += 600;
    const message = `commit ${n}\n`;
    const parent = n > 1 ? `from :${n - 1}\n` : "";
    return `commit refs/heads/main\nmark :${n}\ncommitter Bench <bench@example.com> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}${parent}${changes.join("")}\n`;
  };
  const change = (i: number, bytes: number) => {
    const content = random(bytes);
    return `M 100644 inline ${pathOf(i)}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
  };
  // First commit: every file, 1–7 KB each (a fixed spread, not random: sizes need no seed).
  const first: string[] = [];
  for (let i = 0; i < FILES; i++) first.push(change(i, 1_000 + ((i * 7_919) % 6_000)));
  yield commit(1, first);
  // Then small commits, each rewriting a few of the hot files with 8–20 KB.
  for (let n = 2; n <= COMMITS; n++) {
    const changes: string[] = [];
    for (let k = 0; k < FILES_PER_COMMIT; k++)
      changes.push(change(((n * 7 + k * 131) % HOT_FILES) * 31, 8_000 + ((n * 31 + k * 17) % 12_000)));
    yield commit(n, changes);
  }
}

/** Feeds `git fast-import` with backpressure. */
export async function fastImport(gitDir: string, chunks: Iterable<string>): Promise<string> {
  const child = spawn("git", ["--git-dir", gitDir, "fast-import", "--quiet", "--done"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  for (const chunk of chunks) {
    if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once("drain", resolve));
  }
  child.stdin.end("done\n");
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import failed: ${stderr.trim()}`);
  return stdout;
}
