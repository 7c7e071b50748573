// POST /api/gitlab/webhooks: GitLab webhooks → domain events → the same intake as GitHub.
// X-Gitlab-Token is checked in constant time: first against every secret the server knows
// (nothing is read for a token that matches none), then, once the body names the project,
// against that project's own secret (`gitlab.webhookSecrets`, else GITLAB_WEBHOOK_SECRET). A
// command note or a close/merge is then read back from GitLab's API before it has any effect
// (platforms/gitlab/read-back.ts). The answer goes back as soon as the event is durably accepted.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { allSecrets, secretForProject, type GitLabWebhookSecrets } from "../config/gitlab-webhook-secrets.js";
import { parseCommand } from "../core/commands/parse-command.js";
import { outcomeOf } from "../core/change-request/error-outcome.js";
import type { DomainEvent } from "../core/model/events.js";
import type { Metrics } from "../core/ports/metrics.js";
import { handleEvent } from "../core/intake/intake.js";
import { eventName, toDomainEvent } from "../platforms/gitlab/events.js";
import type { GitLabReadBack, ReadBack } from "../platforms/gitlab/read-back.js";
import type { RouteHandler } from "./http-routes.js";
import type { AppMetrics } from "./metrics.js";
import { declaredTooLarge, MAX_WEBHOOK_BYTES, readCappedBody, refuseTooLarge } from "./webhook-body.js";

export const GITLAB_WEBHOOK_PATH = "/api/gitlab/webhooks";
const MAX_DELIVERY_ID = 200;

export type GitLabWebhookDeps = Parameters<typeof handleEvent>[0] & {
  metrics: Metrics & Pick<AppMetrics, "webhookSpoofed">;
  secrets: GitLabWebhookSecrets;
  /** Asks GitLab whether a command note or a close/merge is what the hook says. */
  readBack: GitLabReadBack;
  /** The bot user's id: its own notes are bot comments even when GitLab does not say so. */
  botUserId?: () => Promise<string>;
  maxBodyBytes?: number;
};

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): true {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  return true;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant time in the secret's content and length: both sides are hashed first. */
export function tokenMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== "string" || secret === "") return false;
  return timingSafeEqual(digest(given), digest(secret));
}

/** Whether `given` is any of `secrets`; every one is compared, so the time says nothing about which. */
function matchesAny(given: string | string[] | undefined, secrets: readonly string[]): boolean {
  let any = false;
  for (const secret of secrets) any = tokenMatches(given, secret) || any;
  return any;
}

/** The project path the body names (`project.path_with_namespace`), when it names one. */
function projectPathOf(payload: unknown): string | undefined {
  const path = (payload as { project?: { path_with_namespace?: unknown } } | null)?.project?.path_with_namespace;
  return typeof path === "string" ? path : undefined;
}

/** A command note or a close/merge needs GitLab's word before it acts; other events do not. */
function needsReadBack(event: DomainEvent): boolean {
  if (event.kind === "change_request.closed") return true;
  return event.kind === "comment.created" && !event.author.isBot && parseCommand(event.body).type !== "ignore";
}

function readBack(deps: GitLabWebhookDeps, event: DomainEvent): Promise<ReadBack> {
  if (event.kind === "comment.created") return deps.readBack.note(event);
  if (event.kind === "change_request.closed") return deps.readBack.mergeRequestClosed(event);
  return Promise.resolve({ trusted: true, event });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

async function markOwnNotes(deps: GitLabWebhookDeps, event: DomainEvent): Promise<DomainEvent> {
  if (event.kind !== "comment.created" || event.author.isBot || !deps.botUserId) return event;
  try {
    const botId = await deps.botUserId();
    return botId === event.author.id ? { ...event, author: { ...event.author, isBot: true } } : event;
  } catch (err) {
    // The command handler checks authorship again; a lookup failure must not drop the event.
    deps.log.warn({ err, deliveryId: event.deliveryId }, "could not tell whether a note is the bot's own");
    return event;
  }
}

export function gitlabWebhookRoute(deps: GitLabWebhookDeps): RouteHandler {
  const maxBytes = deps.maxBodyBytes ?? MAX_WEBHOOK_BYTES;
  const known = allSecrets(deps.secrets);
  return async (req, res) => {
    if ((req.url ?? "/").split("?")[0] !== GITLAB_WEBHOOK_PATH) return false;
    if (req.method !== "POST") return reply(res, 405, { error: "use POST" }, { allow: "POST" });
    // Unread request bodies must not keep the connection: refusals close it.
    const refuse = (status: number, error: string) => reply(res, status, { error }, { connection: "close" });
    if (declaredTooLarge(req, maxBytes)) return refuseTooLarge(req, res, maxBytes);
    const token = req.headers["x-gitlab-token"];
    if (!matchesAny(token, known)) {
      deps.metrics.webhook("gitlab", "unknown", "unauthorized");
      deps.log.warn({ remote: req.socket.remoteAddress }, "GitLab webhook refused: wrong or missing X-Gitlab-Token");
      return refuse(401, "invalid X-Gitlab-Token");
    }
    const eventHeader = header(req, "x-gitlab-event");
    if (!eventHeader) return refuse(400, "missing X-Gitlab-Event header");
    const body = await readCappedBody(req, maxBytes);
    if (body === null) return refuseTooLarge(req, res, maxBytes);
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      deps.metrics.webhook("gitlab", eventName(eventHeader, null), "malformed");
      return reply(res, 400, { error: "body is not JSON" });
    }
    const name = eventName(eventHeader, payload);
    // The token must be the secret of the project the body names, not just any project's.
    const projectPath = projectPathOf(payload);
    const expected = secretForProject(deps.secrets, projectPath);
    if (expected === undefined || !tokenMatches(token, expected)) {
      deps.metrics.webhook("gitlab", name, "unauthorized");
      deps.log.warn(
        { remote: req.socket.remoteAddress, project: projectPath?.slice(0, 200) },
        "GitLab webhook refused: X-Gitlab-Token is not the secret of the project it names",
      );
      return reply(res, 401, { error: "invalid X-Gitlab-Token" });
    }
    // Idempotency-Key is the same across GitLab's retries of one event; servers that do not send
    // it still name the event with X-Gitlab-Event-UUID.
    let deliveryId = header(req, "idempotency-key") ?? header(req, "x-gitlab-event-uuid");
    if (deliveryId !== undefined && deliveryId.length > MAX_DELIVERY_ID)
      return reply(res, 400, { error: "delivery id too long" });
    if (deliveryId === undefined) {
      deliveryId = `unkeyed-${randomUUID()}`;
      deps.log.warn(
        { event: name },
        "GitLab webhook without Idempotency-Key or X-Gitlab-Event-UUID: redeliveries cannot be recognised",
      );
    }

    let event: DomainEvent | null;
    try {
      event = toDomainEvent(eventHeader, deliveryId, payload);
    } catch (err) {
      const outcome = outcomeOf(err);
      if (outcome.kind !== "malformed_payload") throw err;
      deps.metrics.webhook("gitlab", name, "malformed");
      deps.log[outcome.logLevel]({ deliveryId, event: name, problem: outcome.problem }, "malformed webhook payload");
      return reply(res, outcome.httpStatus, { error: outcome.problem });
    }
    if (!event) {
      deps.metrics.webhook("gitlab", name, "ignored");
      return reply(res, 200, { status: "ignored" });
    }
    try {
      let accepted = await markOwnNotes(deps, event);
      if (needsReadBack(accepted)) {
        const checked = await readBack(deps, accepted);
        if (!checked.trusted) {
          deps.metrics.webhook("gitlab", name, "spoofed");
          deps.metrics.webhookSpoofed("gitlab", checked.reason);
          deps.log.warn(
            { deliveryId, event: name, reason: checked.reason, detail: checked.detail },
            "GitLab webhook ignored: GitLab's API contradicts it",
          );
          return reply(res, 200, { status: "ignored" });
        }
        accepted = checked.event;
      }
      const outcome = await handleEvent(deps, accepted);
      deps.metrics.webhook("gitlab", name, outcome);
      return reply(res, 200, { status: outcome });
    } catch (err) {
      const outcome = outcomeOf(err);
      deps.metrics.webhook("gitlab", name, "error");
      deps.log[outcome.logLevel]({ err, deliveryId, event: name }, "could not accept a GitLab webhook");
      // 5xx: GitLab retries the delivery with the same Idempotency-Key.
      return reply(res, outcome.httpStatus, { error: "internal error" });
    }
  };
}
