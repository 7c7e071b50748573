// Operational routes next to the webhooks: liveness, readiness and Prometheus metrics.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Store } from "../core/ports/store.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  return true;
}

export function operationalRoutes(deps: {
  store: Store;
  metrics: { render(): Promise<string>; contentType: string };
}): RouteHandler {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return json(res, 200, { status: "ok" });
    if (path === "/readyz") {
      try {
        await deps.store.ping();
        return json(res, 200, { status: "ready" });
      } catch (err) {
        return json(res, 503, { status: "unavailable", reason: err instanceof Error ? err.message : String(err) });
      }
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": deps.metrics.contentType }).end(await deps.metrics.render());
      return true;
    }
    return false;
  };
}
