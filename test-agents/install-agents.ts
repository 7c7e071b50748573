// Installs the real agents into WARDEN_AGENTS_DIR (default ~/.cache/warden-agents) unless they are
// there already; they are 100–450 MB each, so this happens once per machine, not per run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { AGENT_PACKAGES, agentsDir } from "./real-agents.js";

export default function setup(): void {
  const dir = agentsDir();
  const missing = AGENT_PACKAGES.filter((p) => !existsSync(join(dir, "node_modules", ".bin", p.bin)));
  if (missing.length === 0) return;
  mkdirSync(dir, { recursive: true });
  const npm = join(dirname(process.execPath), "npm");
  console.log(`installing ${missing.map((p) => p.name).join(", ")} into ${dir}`);
  execFileSync(
    existsSync(npm) ? npm : "npm",
    ["install", "--prefix", dir, "--no-audit", "--no-fund", ...missing.map((p) => p.name)],
    {
      stdio: "inherit",
      timeout: 15 * 60_000,
    },
  );
}
