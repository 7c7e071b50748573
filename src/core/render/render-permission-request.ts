// The permission request comment (SPEC §5.3): marker on the FIRST line, what the agent wants, how
// to answer, who may answer and when it expires while pending; the outcome, who decided and when
// once decided (the same comment, edited). Deterministic: no clock access here.
import { offersAllowOnce, type PermissionRequestRecord, type PermissionRequestStatus } from "../model/permission.js";
import { inlineCode, inlineText } from "./escape.js";
import { formatUtc } from "./format.js";
import { permissionMarker } from "./markers.js";
import { askDetails, notifyLine } from "./render-permission-parts.js";
import type { ChangeRequestTerms } from "../model/commit.js";

export interface ApproverRules {
  minPermission: "write" | "maintain" | "admin";
  users: readonly string[];
  teams: readonly string[];
  allowAuthor: boolean;
}

export interface PermissionRequestView {
  request: Pick<
    PermissionRequestRecord,
    "id" | "ask" | "status" | "source" | "decidedBy" | "decidedAt" | "reason" | "expiresAt"
  >;
  terms: ChangeRequestTerms;
  /** Shown while pending. */
  approvers?: ApproverRules;
  /** `permissions.notify`, mentioned while pending. */
  notify?: readonly string[];
}

const OUTCOMES: Record<Exclude<PermissionRequestStatus, "pending">, string> = {
  allowed: "✅ Allowed once",
  allowed_always: "✅ Allowed for the rest of the run",
  denied: "❌ Denied",
  expired: "⌛ Expired",
  cancelled: "🚫 Cancelled",
};

function plainName(name: string): string {
  return name.trim().replace(/^@/, "");
}

function whoMayAnswer(rules: ApproverRules, terms: PermissionRequestView["terms"]): string {
  const who = [`anyone with at least **${rules.minPermission}** permission on this repository`];
  if (rules.users.length > 0)
    who.push(`the users ${rules.users.map((u) => inlineCode(plainName(u), { maxLength: 100 })).join(", ")}`);
  if (rules.teams.length > 0)
    who.push(`members of ${rules.teams.map((t) => inlineCode(plainName(t), { maxLength: 100 })).join(", ")}`);
  const author = rules.allowAuthor
    ? `The author of this ${terms.changeRequest} may answer too.`
    : `The author of this ${terms.changeRequest} may not answer.`;
  return `**Who may answer:** ${who.join("; ")}. ${author}`;
}

function howToAnswer(view: PermissionRequestView): string[] {
  const { id, ask } = view.request;
  const once = offersAllowOnce(ask);
  const always = ask.options.some((o) => o.kind === "allow_always");
  const lines = ["**How to answer:** write one of these at the start of a line in a new comment:", ""];
  if (once) lines.push(`- ${inlineCode(`/approve ${id}`)} allows it once`);
  if (always) lines.push(`- ${inlineCode(`/approve ${id} always`)} allows this kind of call for the rest of the run`);
  lines.push(`- ${inlineCode(`/deny ${id} [reason]`)} rejects it`);
  if (!once && always) {
    lines.push(
      "",
      `The agent offers no "allow once" option here: a plain ${inlineCode(`/approve ${id}`)} changes nothing.`,
    );
  }
  return [lines.join("\n")];
}

function decidedLine(request: PermissionRequestView["request"]): string {
  const when = request.decidedAt ? ` at ${formatUtc(request.decidedAt)}` : "";
  const why = request.reason?.trim() ? inlineText(request.reason, { maxLength: 500 }) : "";
  switch (request.status) {
    case "expired":
      return `**Expired**${when}: nobody answered in time, so the agent was told no.`;
    case "cancelled":
      return `**Cancelled**${when}${why ? `: ${why}` : ""}.`;
    default: {
      const by =
        request.source === "human" && request.decidedBy
          ? `**${inlineText(request.decidedBy, { maxLength: 100 })}**`
          : "the repository policy";
      const reason = request.status === "denied" && why ? ` Reason: ${why}` : "";
      return `**Decided by** ${by}${when}.${reason}`;
    }
  }
}

export function renderPermissionRequest(view: PermissionRequestView): string {
  const { request } = view;
  const id = inlineCode(request.id);
  const blocks: string[] = [permissionMarker(request.id)];
  if (request.status === "pending") {
    blocks.push(`### 🔐 The agent asks for permission: ${id}`);
  } else {
    blocks.push(`### 🔐 Permission request ${id}: ${OUTCOMES[request.status]}`, decidedLine(request));
  }
  blocks.push(...askDetails(request.ask));
  if (request.status === "pending") {
    if (request.reason?.trim()) {
      blocks.push(
        `**Why you are asked:** the repository policy did not decide it: ${inlineText(request.reason, { maxLength: 2000 })}.`,
      );
    }
    blocks.push(...howToAnswer(view));
    if (view.approvers) blocks.push(whoMayAnswer(view.approvers, view.terms));
    if (request.expiresAt) {
      blocks.push(`**Expires:** ${formatUtc(request.expiresAt)}; an unanswered request is rejected then.`);
    }
    const cc = notifyLine(view.notify ?? []);
    if (cc) blocks.push(cc);
  }
  return blocks.join("\n\n");
}
