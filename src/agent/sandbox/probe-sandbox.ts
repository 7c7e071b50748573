// Can this machine start the agent sandbox? Asked before the first agent starts (and by `warden
// doctor`), so a missing bubblewrap or a container without user namespaces is reported as one
// sentence saying what to install or set, instead of every agent failing in its own way.
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";

export type SandboxProbe = { ok: true; bwrap: string; socat: string } | { ok: false; problem: string; fix: string };

const INSTALL =
  "install bubblewrap and socat (Debian/Ubuntu: `apt-get install bubblewrap socat`; Fedora: `dnf install bubblewrap socat`; Alpine: `apk add bubblewrap socat`)";
const OFF = "or set `sandbox: off` in the server config to run agents unsandboxed";

/** The first executable `name` on `path`. */
export async function findOnPath(name: string, path = process.env.PATH ?? ""): Promise<string | undefined> {
  if (name.includes("/")) return (await executable(name)) ? name : undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

function run(file: string, args: string[]): Promise<{ ok: boolean; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: 10_000, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } },
      (err, _stdout, stderr) =>
        resolve({ ok: !err, stderr: String(stderr).trim() || (err ? String(err.message) : "") }),
    );
  });
}

/** Looks for bwrap and socat on `path` and starts one empty sandbox with the namespaces agents get. */
export async function probeSandbox(path = process.env.PATH ?? ""): Promise<SandboxProbe> {
  if (process.platform !== "linux") {
    return {
      ok: false,
      problem: `the agent sandbox needs Linux (this is ${process.platform})`,
      fix: `run Warden on Linux, ${OFF}`,
    };
  }
  const bwrap = await findOnPath("bwrap", path);
  const socat = await findOnPath("socat", path);
  const missing = [bwrap ? undefined : "bubblewrap (`bwrap`)", socat ? undefined : "socat"].filter(Boolean);
  if (!bwrap || !socat) {
    return { ok: false, problem: `${missing.join(" and ")} not found on PATH`, fix: `${INSTALL}, ${OFF}` };
  }
  const trial = await run(bwrap, [
    "--unshare-all",
    "--die-with-parent",
    "--cap-drop",
    "ALL",
    "--ro-bind",
    "/",
    "/",
    "--proc",
    "/proc",
    "--",
    "true",
  ]);
  if (!trial.ok) {
    return {
      ok: false,
      problem: `bubblewrap cannot create the sandbox's namespaces (${trial.stderr.split("\n")[0]})`,
      fix:
        "allow unprivileged user namespaces (`sysctl -w kernel.unprivileged_userns_clone=1`; on Ubuntu 23.10+ `sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` or an AppArmor profile for bwrap); " +
        `in a container, run it with a seccomp and AppArmor profile that allow \`unshare\`/\`clone\` of namespaces and \`mount\` (see the README's sandbox section), ${OFF}`,
    };
  }
  return { ok: true, bwrap, socat };
}

/** One probe per PATH for the life of the process: the answer does not change while it runs. */
const cache = new Map<string, Promise<SandboxProbe>>();
export function probeSandboxOnce(path = process.env.PATH ?? ""): Promise<SandboxProbe> {
  let probe = cache.get(path);
  if (!probe) {
    probe = probeSandbox(path);
    cache.set(path, probe);
  }
  return probe;
}
