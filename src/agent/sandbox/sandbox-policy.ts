// What the runner needs to know to sandbox agents: the operator's choice (server config `sandbox`)
// and what must never be visible inside, whatever folder it sits in.
import type { Dial } from "./egress-proxy.js";
import type { SandboxProbe } from "./probe-sandbox.js";

export type SandboxMode = "required" | "off";

export interface SandboxPolicy {
  mode: SandboxMode;
  /**
   * Paths hidden inside the sandbox even where a bound folder contains them, and never bound
   * themselves: Warden's data dir, its own directory, PRIVATE_KEY_PATH, the server config file,
   * the home directory of the user it runs as. (An operator's `readPaths` entry inside Warden's
   * directory or HOME is still bound: naming it is the operator's explicit choice.)
   */
  protectedPaths: string[];
  /** Never bound, even when listed: the data dir, key and config files. */
  forbiddenPaths: string[];
  /** Defaults to bubblewrap and socat on PATH. */
  probe?: () => Promise<SandboxProbe>;
  /** Opens the proxy's upstream connections (tests route names to local fakes). */
  dial?: Dial;
  /**
   * Folders the agent may also write. For embedding and tests (the test suite collects its fake
   * agent's trace there); deliberately not a server config key.
   */
  extraWritePaths?: readonly string[];
}
