// POST /api/gitlab/webhooks: GitLab webhooks → domain events → the same intake as GitHub. The
// secret GitLab sends as X-Gitlab-Token is checked first, in constant time; nothing else happens
// for a request without it. The answer goes back as soon as the event is durably accepted.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DomainEvent } from "../core/model.js";
import type { Metrics } from "../core/ports.js";
import { handleEvent } from "../core/review/intake.js";
import { eventName, MalformedPayloadError, toDomainEvent } from "../platforms/gitlab/events.js";
import type { RouteHandler } from "./http-routes.js";

export const GITLAB_WEBHOOK_PATH = "/api/gitlab/webhooks";
/** GitLab's own limit for webhook payloads is 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
const MAX_DELIVERY_ID = 200;

export type GitLabWebhookDeps = Parameters<typeof handleEvent>[0] & {
  metrics: Metrics;
  /** `GITLAB_WEBHOOK_SECRET`. */
  secret: string;
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

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  if (Number(req.headers["content-length"] ?? 0) > max) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
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
  return async (req, res) => {
    if ((req.url ?? "/").split("?")[0] !== GITLAB_WEBHOOK_PATH) return false;
    if (req.method !== "POST") return reply(res, 405, { error: "use POST" }, { allow: "POST" });
    // Unread request bodies must not keep the connection: refusals close it.
    const refuse = (status: number, error: string) => reply(res, status, { error }, { connection: "close" });
    if (!tokenMatches(req.headers["x-gitlab-token"], deps.secret)) {
      deps.metrics.webhook("gitlab", "unknown", "unauthorized");
      deps.log.warn({ remote: req.socket.remoteAddress }, "GitLab webhook refused: wrong or missing X-Gitlab-Token");
      return refuse(401, "invalid X-Gitlab-Token");
    }
    const eventHeader = header(req, "x-gitlab-event");
    if (!eventHeader) return refuse(400, "missing X-Gitlab-Event header");
    const body = await readBody(req, maxBytes);
    if (body === null) return refuse(413, `payload larger than ${maxBytes} bytes`);
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      deps.metrics.webhook("gitlab", eventName(eventHeader, null), "malformed");
      return reply(res, 400, { error: "body is not JSON" });
    }
    const name = eventName(eventHeader, payload);
    // Idempotency-Key is the same across GitLab's retries of one event; servers that do not send
    // it still name the event with X-Gitlab-Event-UUID.
    let deliveryId = header(req, "idempotency-key") ?? header(req, "x-gitlab-event-uuid");
    if (deliveryId !== undefined && deliveryId.length > MAX_DELIVERY_ID) return reply(res, 400, { error: "delivery id too long" });
    if (deliveryId === undefined) {
      deliveryId = `unkeyed-${randomUUID()}`;
      deps.log.warn({ event: name }, "GitLab webhook without Idempotency-Key or X-Gitlab-Event-UUID: redeliveries cannot be recognised");
    }

    let event: DomainEvent | null;
    try {
      event = toDomainEvent(eventHeader, deliveryId, payload);
    } catch (err) {
      if (!(err instanceof MalformedPayloadError)) throw err;
      deps.metrics.webhook("gitlab", name, "malformed");
      deps.log.warn({ deliveryId, event: name, problem: err.message }, "malformed webhook payload");
      return reply(res, 400, { error: err.message });
    }
    if (!event) {
      deps.metrics.webhook("gitlab", name, "ignored");
      return reply(res, 200, { status: "ignored" });
    }
    try {
      const outcome = await handleEvent(deps, await markOwnNotes(deps, event));
      deps.metrics.webhook("gitlab", name, outcome);
      return reply(res, 200, { status: outcome });
    } catch (err) {
      deps.metrics.webhook("gitlab", name, "error");
      deps.log.error({ err, deliveryId, event: name }, "could not accept a GitLab webhook");
      // 5xx: GitLab retries the delivery with the same Idempotency-Key.
      return reply(res, 500, { error: "internal error" });
    }
  };
}
