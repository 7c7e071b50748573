// The sandbox's view of the host's files, as bwrap arguments: the system folders read-only, the
// agent's installation and readPaths read-only, its preset's login files read-write, Warden's own
// paths never bound and hidden where a bound folder would show them, and read-only shells around
// binds deep inside the writable /tmp and HOME. sandboxed-command.ts puts them in order.
import { lstat, readlink, realpath, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { AgentSpec } from "../../core/model/agent.js";
import type { Logger } from "../../core/ports/logger.js";
import { presetFor } from "../presets.js";
import { findOnPath } from "./probe-sandbox.js";
import type { SandboxPolicy } from "./sandbox-policy.js";
import { isInside } from "../../core/model/paths.js";

const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

/** System folders read-only; merged-/usr symlinks (/bin -> usr/bin) recreated as symlinks. */
export async function systemArgs(): Promise<string[]> {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const info = await lstat(dir).catch(() => undefined);
    if (!info) continue;
    if (info.isSymbolicLink()) args.push("--symlink", await readlink(dir), dir);
    else args.push("--ro-bind", dir, dir);
  }
  return args;
}

/**
 * A bound folder deep inside the private /tmp or HOME (both writable tmpfs) gets its parents
 * created there: `<data dir>/workspaces/` around the workspace, for one. Each such top folder gets
 * its own tmpfs, made read-only once everything inside is bound, so `../x` cannot be written.
 */
export function readOnlyShells(dests: string[], writableRoots: string[]): string[] {
  const shells = new Set<string>();
  for (const dest of dests.map((d) => resolve(d))) {
    for (const root of writableRoots.map((r) => resolve(r))) {
      if (dest === root || !isInside(dest, root)) continue;
      const top = join(root, relative(root, dest).split(sep)[0]!);
      if (top !== dest) shells.add(top);
    }
  }
  // A shell that is itself a bind target, or inside another shell, would hide or re-hide binds.
  return [...shells].filter((dir) => !dests.includes(dir));
}

export type Bind = ["--ro-bind" | "--bind", string];

const underSystem = (path: string) => path === "/" || SYSTEM_DIRS.some((dir) => isInside(path, dir));

/**
 * The agent's installation (where its command and `node` live, before and after symlinks), its
 * readPaths, its preset's login files under HOME: each folder that exists, once.
 */
export async function bindPlan(opts: {
  spec: AgentSpec;
  /** The agent's command as found on PATH (sandboxCommand looks it up). */
  command: string;
  home: string;
  policy: SandboxPolicy;
  path: string;
  log: Logger;
}): Promise<Bind[]> {
  const { spec, home, policy, log } = opts;
  const installs = new Set<string>();
  for (const found of [opts.command, await findOnPath("node", opts.path)]) {
    if (!found) continue;
    for (const file of [found, await realpath(found).catch(() => found)]) {
      // <prefix>/bin/cmd → <prefix>: the package and the interpreter next to it. Not HOME or
      // ~/.local, which hold other programs' data: there only the command itself.
      const prefix = dirname(dirname(file));
      if (prefix === home || prefix === join(home, ".local")) installs.add(file);
      else if (!underSystem(prefix)) installs.add(prefix);
    }
  }
  const binds: Bind[] = [];
  const add = async (flag: Bind[0], path: string) => {
    const full = resolve(path);
    if (policy.forbiddenPaths.some((p) => isInside(full, resolve(p)))) {
      log.warn({ path: full }, "sandbox: not binding a path of Warden's own");
      return;
    }
    if (!(await stat(full).catch(() => undefined))) return;
    if (!binds.some(([, p]) => p === full)) binds.push([flag, full]);
  };
  for (const dir of installs) await add("--ro-bind", dir);
  for (const path of spec.readPaths ?? []) await add("--ro-bind", path);
  for (const file of presetFor(spec)?.homeFiles ?? []) await add("--bind", join(home, file));
  return binds;
}

/** Hides each protected path that a bound folder would otherwise show. */
export async function maskArgs(bound: string[], protectedPaths: string[]): Promise<string[]> {
  const args: string[] = [];
  for (const raw of protectedPaths) {
    const path = resolve(raw);
    const visible = [...SYSTEM_DIRS, ...bound].some((dir) => path !== resolve(dir) && isInside(path, resolve(dir)));
    if (!visible) continue;
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) args.push("--tmpfs", path);
    else args.push("--ro-bind", "/dev/null", path);
  }
  return args;
}
