// Keeps one run in the modes the server allows (`allowedModes`). The agent may change mode by
// itself, or after a maintainer approved leaving plan mode with an option such as "auto-accept
// edits". A mode the server does not allow is left at once for the run's mode; when that fails,
// or keeps happening, the run ends.
import type { ClientContext } from "@agentclientprotocol/sdk";
import type { AgentError } from "../core/errors.js";
import type { AgentSpec } from "../core/model/agent.js";
import type { AgentProgress } from "../core/ports/agent-runner.js";
import type { Logger } from "../core/ports/logger.js";
import { agentModeAllowed } from "./allowed-modes.js";
import { applyModeStep, modeRefused, type OpenSessionDeps, type OpenedSession } from "./open-session.js";
import { presetFor } from "./presets.js";

export interface ModeGuardDeps {
  spec: AgentSpec;
  /** Server config `allowedModes`. */
  allowedModes: readonly string[];
  /** Sends one request; failures come back as AgentErrors. */
  call: OpenSessionDeps["call"];
  progress(update: AgentProgress): void;
  /** The run is ending or has ended: nothing is left to guard. */
  ended(): boolean;
  /** Ends the run with this cause. */
  end(err: AgentError): void;
  log: Logger;
}

export interface ModeGuard {
  /** The agent reported the mode it is in (before the session is open, it is checked once it is). */
  onModeReported(modeId: string): Promise<void>;
  /** The session is open: a mode announced while it was set up counts too. */
  onSessionOpened(opened: OpenedSession, ctx: ClientContext): Promise<void>;
}

export function createModeGuard(deps: ModeGuardDeps): ModeGuard {
  const { spec, allowedModes, log } = deps;
  let session: { opened: OpenedSession; ctx: ClientContext } | undefined;
  /** The last mode the agent reported, and how many times Warden had to put it back. */
  let reportedMode: string | undefined;
  let restores = 0;

  const onModeReported = async (modeId: string): Promise<void> => {
    reportedMode = modeId;
    if (!session || deps.ended()) return;
    const { opened, ctx } = session;
    if (agentModeAllowed(modeId, allowedModes, presetFor(spec))) return;
    const { restore, target } = opened.modes;
    log.warn({ modeId, target }, "agent entered a mode the server does not allow");
    if (!restore || restores >= 3) {
      const why = !restore ? "Warden cannot switch it back" : "it kept leaving the allowed mode";
      return deps.end(
        modeRefused(spec, {
          startMode: opened.modes.startMode,
          refused: `it switched to ${modeId}, which is not in this server's allowedModes, and ${why}`,
        }),
      );
    }
    restores++;
    deps.progress({
      type: "notice",
      message: `agent "${spec.name}" switched to mode ${modeId}, which this server does not allow; switching back to ${target}`,
    });
    try {
      await applyModeStep({ ctx, call: deps.call }, opened.sessionId, restore);
      if (reportedMode === modeId) reportedMode = target;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      deps.end(
        modeRefused(spec, {
          startMode: opened.modes.startMode,
          refused: `it switched to ${modeId}, which is not in this server's allowedModes, and switching back to ${target} failed: ${reason}`,
        }),
      );
    }
  };

  return {
    onModeReported,
    async onSessionOpened(opened, ctx) {
      session = { opened, ctx };
      if (reportedMode !== undefined) await onModeReported(reportedMode);
    },
  };
}
