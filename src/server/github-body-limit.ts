// Probot's webhook middleware reads the whole body before it checks the signature, with no
// limit. This subclass puts the 25 MB cap in front of it: the body is read capped (413 over it)
// and handed to the middleware as its raw bytes, which @octokit/webhooks takes instead of reading
// the stream (its `request.rawBody` path), so the signature is still checked over exactly them.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import { MAX_WEBHOOK_BYTES, readCappedBody, refuseTooLarge } from "./webhook-body.js";

type ProbotClass = typeof Probot;
type Middleware = Awaited<ReturnType<Probot["getNodeMiddleware"]>>;

function withoutTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, "") || "/";
}

export function limitWebhookBodies(Base: ProbotClass, webhookPath: string, max = MAX_WEBHOOK_BYTES): ProbotClass {
  const path = withoutTrailingSlashes(webhookPath);
  return class BodyLimitedProbot extends Base {
    override async getNodeMiddleware(options?: Parameters<Probot["getNodeMiddleware"]>[0]): Promise<Middleware> {
      const inner = await super.getNodeMiddleware(options);
      const limited = async (req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<boolean> => {
        let pathname: string | undefined;
        try {
          pathname = withoutTrailingSlashes(new URL(req.url ?? "/", "http://localhost").pathname);
        } catch {
          // The middleware answers unparseable URLs itself.
        }
        if (req.method === "POST" && pathname === path) {
          const body = await readCappedBody(req, max);
          if (body === null) return refuseTooLarge(req, res, max);
          Object.assign(req, { body: {}, rawBody: body });
        }
        return inner(req, res, next);
      };
      return limited as Middleware;
    }
  };
}
