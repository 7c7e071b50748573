// Who may answer a permission request (SPEC §5.4): a human who is not the PR author (unless
// `allowAuthor`), with at least `approvers.minPermission` on the repository, or listed in
// `approvers.users` AND able to read the repository (a login is only a name: a renamed or deleted
// account's login can be registered by someone else), or an active member of one of
// `approvers.teams`. Every lookup that fails refuses: nobody is ever approved because the platform
// could not be asked.
import type { RepoConfig } from "../../config/repo-config.js";
import type { Actor } from "../model/change-request.js";
import type { RepoPermission } from "../model/permission.js";
import type { Logger } from "../ports/logger.js";
import type { ScmPlatform } from "../ports/scm-platform.js";

/** Effective permissions in increasing order, to compare one with `approvers.minPermission`. */
const PERMISSION_RANK: Record<RepoPermission, number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

export type Authorization = { ok: true; via: string } | { ok: false; reason: string };

const LOOKUP_FAILED =
  "your permission could not be verified right now, so the answer was not counted. Please try again in a minute.";

function sameActor(a: Actor, b: Actor): boolean {
  return a.id === b.id || a.login.toLowerCase() === b.login.toLowerCase();
}

function plainName(name: string): string {
  return name.trim().replace(/^@/, "").toLowerCase();
}

/** Write access (or more) on the repository: who may run `/warden review` and `/warden dismiss`. */
export async function authorizeWriter(platform: ScmPlatform, user: Actor, log: Logger): Promise<Authorization> {
  if (user.isBot) return { ok: false, reason: "bots cannot run commands." };
  let permission: RepoPermission;
  try {
    permission = await platform.getPermission(user);
  } catch (err) {
    log.warn({ err, user: user.login }, "permission lookup failed; refusing the command");
    return { ok: false, reason: LOOKUP_FAILED };
  }
  if (PERMISSION_RANK[permission] >= PERMISSION_RANK.write) return { ok: true, via: `${permission} permission` };
  return { ok: false, reason: `this command needs write access to the repository (yours: ${permission}).` };
}

export async function authorizeApprover(input: {
  platform: ScmPlatform;
  rules: RepoConfig["permissions"];
  commenter: Actor;
  author: Actor;
  log: Logger;
  /** The commenter's permission, when the caller started the lookup early (in parallel). */
  permission?: Promise<RepoPermission>;
}): Promise<Authorization> {
  const { platform, rules, commenter, log } = input;
  const { short } = platform.terms;
  if (commenter.isBot) return { ok: false, reason: "bots cannot answer permission requests." };
  if (!rules.allowAuthor && sameActor(commenter, input.author)) {
    return {
      ok: false,
      reason: `the author of this ${short} cannot answer its agent's permission requests (\`permissions.allowAuthor\` is false).`,
    };
  }
  const login = commenter.login.toLowerCase();
  const listed = rules.approvers.users.some((u) => plainName(u) === login);

  let permission: RepoPermission;
  try {
    permission = await (input.permission ?? platform.getPermission(commenter));
  } catch (err) {
    log.warn({ err, user: commenter.login }, "permission lookup failed; refusing the answer");
    return { ok: false, reason: LOOKUP_FAILED };
  }
  if (listed) {
    if (PERMISSION_RANK[permission] >= PERMISSION_RANK.read) return { ok: true, via: "permissions.approvers.users" };
    return {
      ok: false,
      reason: `your login is listed in \`permissions.approvers.users\`, but you have no read access to this repository (yours: ${permission}); a listed login counts only for someone who can read the repository.`,
    };
  }
  const needed = rules.approvers.minPermission;
  if (PERMISSION_RANK[permission] >= PERMISSION_RANK[needed]) return { ok: true, via: `${permission} permission` };

  for (const team of rules.approvers.teams) {
    let member: boolean;
    try {
      member = await platform.isTeamMember(plainName(team), commenter);
    } catch (err) {
      log.warn({ err, user: commenter.login, team }, "team membership lookup failed; refusing the answer");
      return { ok: false, reason: LOOKUP_FAILED };
    }
    if (member) return { ok: true, via: `member of ${plainName(team)}` };
  }
  const others =
    rules.approvers.users.length + rules.approvers.teams.length > 0 ? ", or be listed in `permissions.approvers`" : "";
  return {
    ok: false,
    reason: `answering permission requests needs at least ${needed} permission on this repository${others} (yours: ${permission}).`,
  };
}
