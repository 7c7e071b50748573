import type { RequestPermissionResponse } from "@agentclientprotocol/sdk";
import type { PermissionAsk, PermissionOutcome } from "../core/model/permission.js";
import type { Logger } from "../core/ports/logger.js";
import { toPermissionAsk } from "./permission-ask.js";
import type { RawToolCall } from "./permission-ask.js";
import { record } from "./raw-json.js";
import { resolvePaths } from "./resolve-paths.js";

const CANCELLED: RequestPermissionResponse = { outcome: { outcome: "cancelled" } };

export interface AskPermissionInput {
  params: unknown;
  /** The agent's workspace: relative paths are resolved against it, symlinks followed. */
  cwd: string;
  /** What earlier `tool_call` updates said about a call, by its id. */
  earlier(toolCallId: string): RawToolCall | undefined;
  /** True once the run is stopping or over: every request is answered `cancelled`. */
  ending(): boolean;
  /** Aborts when the agent withdraws the request or the connection closes. */
  requestSignal: AbortSignal;
  /** The run's pending decisions; the run aborts them all when it stops. */
  controllers: Set<AbortController>;
  decide(ask: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome>;
  log: Logger;
}

/**
 * Relays one `session/request_permission` to the decider. Whatever happens (decider throws,
 * run stops, agent withdraws the request, decider picks an option the agent did not offer) the
 * agent gets an answer, and a missing decision is always `cancelled`, never an allow.
 */
export async function askPermission(input: AskPermissionInput): Promise<RequestPermissionResponse> {
  const parsed = toPermissionAsk(
    input.params,
    input.earlier(String(record(record(input.params).toolCall).toolCallId ?? "")),
  );
  const ask: PermissionAsk =
    parsed.paths.length > 0 ? { ...parsed, resolvedPaths: await resolvePaths(parsed.paths, input.cwd) } : parsed;
  const log = input.log.child({ toolCallId: ask.toolCallId, kind: ask.kind });
  if (input.ending()) return CANCELLED;

  const controller = new AbortController();
  const withdraw = () => controller.abort(input.requestSignal.reason);
  input.requestSignal.addEventListener("abort", withdraw, { once: true });
  input.controllers.add(controller);
  try {
    const aborted = new Promise<PermissionOutcome>((resolve) => {
      controller.signal.addEventListener("abort", () => resolve({ outcome: "cancelled" }), { once: true });
    });
    const decision = Promise.resolve().then(() => input.decide(ask, controller.signal));
    const outcome = await Promise.race([decision, aborted]);
    // The policy's own reason for a rejection: ACP has no field for it, `_meta` carries it.
    const meta = outcome.reason ? { _meta: { "warden/reason": outcome.reason } } : {};
    if (outcome.outcome !== "selected") return { ...CANCELLED, ...meta };
    if (!ask.options.some((option) => option.optionId === outcome.optionId)) {
      log.warn(
        { optionId: outcome.optionId },
        "permission decision names an option the agent did not offer; answering cancelled",
      );
      return CANCELLED;
    }
    return { outcome: { outcome: "selected", optionId: outcome.optionId }, ...meta };
  } catch (err) {
    log.error(
      { err: err instanceof Error ? err.message : String(err) },
      "permission decision failed; answering cancelled",
    );
    return CANCELLED;
  } finally {
    input.requestSignal.removeEventListener("abort", withdraw);
    input.controllers.delete(controller);
  }
}
