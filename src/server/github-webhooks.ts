// The Probot application function: GitHub webhooks → domain events → intake. Probot has already
// verified the signature; the answer goes back as soon as the event is durably accepted.
import type { Probot } from "probot";
import { outcomeOf } from "../core/change-request/error-outcome.js";
import type { Metrics } from "../core/ports/metrics.js";
import { handleEvent, type IntakeDeps } from "../core/intake/intake.js";
import { toDomainEvent } from "../platforms/github/events.js";

/**
 * What the webhook middleware answers: it reads `status` (the error map's HTTP status) and shows
 * `name: message` in the body.
 */
class WebhookAnswerError extends Error {
  constructor(
    message: string,
    readonly status: number,
    override readonly name: string,
  ) {
    super(message);
  }
}

export function registerGitHubWebhooks(probot: Probot, deps: IntakeDeps & { metrics: Metrics }): void {
  probot.onAny(async (context) => {
    const name =
      "action" in context.payload && typeof context.payload.action === "string"
        ? `${context.name}.${context.payload.action}`
        : context.name;
    let event: ReturnType<typeof toDomainEvent>;
    try {
      event = toDomainEvent(context.name, context.id, context.payload);
    } catch (err) {
      const outcome = outcomeOf(err);
      if (outcome.kind !== "malformed_payload") throw err;
      deps.metrics.webhook("github", name, "malformed");
      deps.log[outcome.logLevel](
        { deliveryId: context.id, event: name, problem: outcome.problem },
        "malformed webhook payload",
      );
      throw new WebhookAnswerError(outcome.problem, outcome.httpStatus, "BadWebhookError");
    }
    if (!event) {
      deps.metrics.webhook("github", name, "ignored");
      return;
    }
    let outcome: Awaited<ReturnType<typeof handleEvent>>;
    try {
      outcome = await handleEvent(deps, event);
    } catch (err) {
      const failure = outcomeOf(err);
      deps.log[failure.logLevel]({ err, deliveryId: context.id, event: name }, "could not accept a GitHub webhook");
      // Probot answers with the error's `status`: 5xx, and GitHub's redelivery can try again.
      throw new WebhookAnswerError(failure.problem, failure.httpStatus, err instanceof Error ? err.name : "Error");
    }
    deps.metrics.webhook("github", name, outcome);
  });
}
