// Waits for a pending request to be decided. The store is the only truth: a signal on the bus or
// a periodic re-check only says "look again", so a lost signal delays a decision by at most one
// period and never loses it. While waiting, this side ends the request itself when it expires,
// when its run is no longer running (superseded, closed) or when the run's signal aborts.
import type { PermissionRequestRecord } from "../model/permission.js";
import { endingFor, runEndedReason, settleRequest, type RequestLifecycleDeps } from "./request-lifecycle.js";
import { PERMISSION_CHANNEL } from "../model/permission.js";

export interface WaitDeps extends RequestLifecycleDeps {
  /** Longest time between two looks at the store. */
  recheckMs: number;
}

/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2_147_483_647;

export function waitForDecision(
  deps: WaitDeps,
  request: PermissionRequestRecord,
  signal: AbortSignal,
): Promise<PermissionRequestRecord> {
  const log = deps.log.child({ requestId: request.id });
  return new Promise((resolve) => {
    let done = false;
    let running = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe: (() => Promise<void>) | undefined;

    const finish = (record: PermissionRequestRecord) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      void unsubscribe?.().catch((err: unknown) => log.warn({ err }, "could not unsubscribe"));
      resolve(record);
    };

    /** The decided record, or undefined while it stays pending. */
    const look = async (): Promise<PermissionRequestRecord | undefined> => {
      const current = await deps.store.getPermissionRequest(request.id);
      if (!current) return { ...request, status: "cancelled" };
      if (current.status !== "pending") return current;
      const now = deps.clock.now();
      let reason = runEndedReason(await deps.store.getRun(request.runId));
      if (signal.aborted) reason ??= "the run ended before anyone answered";
      const expired = current.expiresAt !== undefined && current.expiresAt.getTime() <= now.getTime();
      if (reason === undefined && !expired) return undefined;
      // settleRequest reads the record back when this side decided it; when another side won, the
      // stored decision is the one that counts.
      const settled = await settleRequest(deps, current, endingFor(current, now, reason ?? "nobody answered in time"));
      return settled ?? (await deps.store.getPermissionRequest(request.id)) ?? undefined;
    };

    const schedule = () => {
      if (done) return;
      clearTimeout(timer);
      const expiresIn = request.expiresAt ? request.expiresAt.getTime() - deps.clock.now().getTime() : Infinity;
      const wait = Math.min(deps.recheckMs, Math.max(0, expiresIn) + 1, MAX_TIMER_MS);
      timer = setTimeout(() => void check(), wait);
      timer.unref();
    };

    const check = async (): Promise<void> => {
      if (done) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const decided = await look();
          if (decided) return finish(decided);
        } while (again && !done);
      } catch (err) {
        log.warn({ err }, "could not read the permission request; trying again");
        // The agent's side already answered `cancelled` on abort; stop waiting on a broken store.
        if (signal.aborted) return finish({ ...request, status: "cancelled" });
      } finally {
        running = false;
      }
      schedule();
    };

    const onAbort = () => void check();
    signal.addEventListener("abort", onAbort, { once: true });
    deps.bus
      .subscribe(PERMISSION_CHANNEL, (key) => {
        if (key === request.id) void check();
      })
      .then(
        (off) => {
          if (done) void off().catch((err: unknown) => log.warn({ err }, "could not unsubscribe"));
          else unsubscribe = off;
        },
        (err: unknown) => log.warn({ err }, "could not subscribe to decisions; relying on the periodic re-check"),
      )
      // Look once subscribed (or not): a decision stored before the subscription is seen now.
      .finally(() => void check());
  });
}
