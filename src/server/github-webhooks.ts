// The Probot application function: GitHub webhooks → domain events → intake. Probot has already
// verified the signature; the answer goes back as soon as the event is durably accepted.
import type { Probot } from "probot";
import type { Metrics } from "../core/ports/metrics.js";
import { handleEvent, type IntakeDeps } from "../core/intake/intake.js";
import { MalformedPayloadError, toDomainEvent } from "../platforms/github/events.js";

export const GITHUB_EVENTS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.ready_for_review",
  "pull_request.synchronize",
  "pull_request.closed",
  "issue_comment.created",
  "pull_request_review_comment.created",
] as const;

/** An error the webhook middleware answers with HTTP 400 instead of 500. */
class BadWebhookError extends Error {
  override readonly name = "BadWebhookError";
  readonly status = 400;
}

export function registerGitHubWebhooks(probot: Probot, deps: IntakeDeps & { metrics: Metrics }): void {
  probot.onAny(async (context) => {
    const name = "action" in context.payload && typeof context.payload.action === "string"
      ? `${context.name}.${context.payload.action}`
      : context.name;
    let event;
    try {
      event = toDomainEvent(context.name, context.id, context.payload);
    } catch (err) {
      if (err instanceof MalformedPayloadError) {
        deps.metrics.webhook("github", name, "malformed");
        deps.log.warn({ deliveryId: context.id, event: name, problem: err.message }, "malformed webhook payload");
        throw new BadWebhookError(err.message);
      }
      throw err;
    }
    if (!event) {
      deps.metrics.webhook("github", name, "ignored");
      return;
    }
    const outcome = await handleEvent(deps, event);
    deps.metrics.webhook("github", name, outcome);
  });
}
