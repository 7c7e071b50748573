// Real webhook payloads (fixtures/github, from @octokit/webhooks-examples) re-pointed at the
// fake repository and PR of a test, and signed delivery to a running server.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import type { FakePull, FakeRepo, FakeUser } from "./fake-github.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/github/", import.meta.url));

export function loadFixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(`${FIXTURES}${name}.json`, "utf8")) as Record<string, any>;
}

function pointAtRepo(payload: Record<string, any>, repo: FakeRepo, installationId: number): void {
  payload.repository = {
    ...payload.repository,
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    default_branch: repo.defaultBranch,
    owner: { ...payload.repository.owner, login: repo.owner },
  };
  payload.installation = { ...payload.installation, id: installationId };
}

/** `pull_request.<action>` for the fake PR's current state. */
export function pullRequestPayload(
  action: "opened" | "reopened" | "synchronize" | "ready_for_review" | "closed",
  repo: FakeRepo,
  pull: FakePull,
  installationId = 1,
): Record<string, any> {
  const payload = loadFixture(
    action === "closed" && pull.merged ? "pull_request.closed.merged" : `pull_request.${action}`,
  );
  pointAtRepo(payload, repo, installationId);
  payload.number = pull.number;
  const pr = payload.pull_request;
  Object.assign(pr, {
    number: pull.number,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    state: pull.state,
    user: { ...pr.user, ...pull.user },
  });
  pr.head = { ...pr.head, sha: pull.headSha, ref: pull.headRef };
  pr.base = { ...pr.base, sha: pull.baseSha, ref: pull.baseRef };
  if (action === "synchronize") payload.after = pull.headSha;
  return payload;
}

/** `issue_comment.created` on the fake PR. */
export function issueCommentPayload(
  repo: FakeRepo,
  pullNumber: number,
  comment: { id: number; body: string; user: FakeUser },
  installationId = 1,
): Record<string, any> {
  const payload = loadFixture("issue_comment.created");
  pointAtRepo(payload, repo, installationId);
  payload.issue.number = pullNumber;
  payload.comment = {
    ...payload.comment,
    id: comment.id,
    body: comment.body,
    user: { ...payload.comment.user, ...comment.user },
  };
  return payload;
}

export function sign(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export async function deliver(
  port: number,
  event: string,
  payload: unknown,
  opts: { secret: string; deliveryId?: string; signature?: string | null; rawBody?: string },
): Promise<{ status: number; body: string; deliveryId: string }> {
  const body = opts.rawBody ?? JSON.stringify(payload);
  const deliveryId = opts.deliveryId ?? randomUUID();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": deliveryId,
  };
  const signature = opts.signature === undefined ? sign(body, opts.secret) : opts.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  // A fresh connection per delivery: a pooled keep-alive socket may belong to a server of an
  // earlier test that listened on the same port.
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/api/github/webhooks", method: "POST", headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  return { ...res, deliveryId };
}
