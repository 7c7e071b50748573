// What a comment command needs from the outside world, and what it answers. Commands run inline in
// the webhook handler (see handle-comment.ts), so everything here is a few fast calls.
import type { ChangeRequestRef } from "../model/change-request.js";
import type { CommentCreated } from "../model/events.js";
import type { Clock } from "../ports/clock.js";
import type { JobQueue } from "../ports/job-queue.js";
import type { Logger } from "../ports/logger.js";
import type { PlatformProvider } from "../ports/platform-provider.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { SignalBus } from "../ports/signal-bus.js";
import type {
  ChangeRequestStateStore,
  DeliveryStore,
  FindingStore,
  PermissionRequestStore,
  RunStore,
} from "../ports/store.js";
import type { RunUsageStore } from "../ports/usage-store.js";
import type { ServerPolicy } from "../change-request/review-deps.js";

export interface CommandDeps {
  /** Every role but the database's own upkeep (ping, close): the commands together touch them all. */
  store: DeliveryStore & RunStore & ChangeRequestStateStore & FindingStore & PermissionRequestStore & RunUsageStore;
  queue: JobQueue;
  bus: SignalBus;
  platforms: PlatformProvider;
  server: Pick<ServerPolicy, "apply">;
  clock: Clock;
  log: Logger;
}

export interface CommandContext {
  deps: CommandDeps;
  event: CommentCreated;
  ref: ChangeRequestRef;
  platform: ScmPlatform;
  log: Logger;
}

/** 👍 (with an optional note) when the command did what it says, 😕 and why when it did not. */
export type CommandResult = { done: true; reply?: string } | { done: false; reply: string };

export const refuse = (reply: string): CommandResult => ({ done: false, reply });
/** How a command words a config problem it could not act on. */
export const configInvalid = (problem: string): string => `the repository config is invalid: ${problem}`;
export const done = (reply?: string): CommandResult => (reply === undefined ? { done: true } : { done: true, reply });
