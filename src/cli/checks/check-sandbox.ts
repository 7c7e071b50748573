// `warden doctor`'s sandbox line, before any agent starts: with `sandbox: required` either it can
// start here or it says exactly what to install or set; `off` is a warning every time.
import { probeSandboxOnce, type SandboxProbe } from "../../agent/sandbox/probe-sandbox.js";
import type { SandboxMode } from "../../agent/sandbox/sandbox-policy.js";
import { fail, ok, warn, type CheckResult } from "./check-result.js";

export async function checkSandbox(
  mode: SandboxMode,
  probe: () => Promise<SandboxProbe> = probeSandboxOnce,
): Promise<CheckResult> {
  if (mode === "off") {
    return warn(
      "sandbox",
      "off: agents run WITHOUT an OS sandbox, as Warden's own user, next to its secrets and data",
      "set `sandbox: required` in warden.server.yml",
    );
  }
  const result = await probe();
  if (!result.ok) return fail("sandbox", `required, but it cannot start: ${result.problem}`, result.fix);
  return ok(
    "sandbox",
    `required: every agent starts in bubblewrap (${result.bwrap}) with its own network proxy (socat ${result.socat})`,
  );
}
