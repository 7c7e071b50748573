// What a comment command needs from the outside world, and what it answers. Commands run inline in
// the webhook handler (see handle-comment.ts), so everything here is a few fast calls.
import type { ChangeRequestRef, CommentCreated } from "../model.js";
import type { Clock, JobQueue, Logger, PlatformProvider, ScmPlatform, SignalBus, Store } from "../ports.js";
import type { ServerPolicy } from "../review/review-deps.js";

export interface CommandDeps {
  store: Store;
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
