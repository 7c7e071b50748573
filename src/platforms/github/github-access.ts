// Who may do what on a GitHub repository, for the approver rules (SPEC §5.4). Lookups that fail
// throw PlatformError so the core refuses (fails closed); only a definite "no" is an answer.
import type { ProbotOctokit } from "probot";
import type { Actor } from "../../core/model/change-request.js";
import type { RepoPermission } from "../../core/model/permission.js";
import { callGitHub } from "./github-errors.js";
import { hasStatus } from "../platform-errors.js";

const ROLES: ReadonlySet<string> = new Set(["admin", "maintain", "write", "triage", "read"]);

interface Where {
  owner: string;
  repo: string;
}

/**
 * The user's role on the repository. `role_name` tells `maintain` from `write` and `triage` from
 * `read` (the legacy `permission` field folds them together); a role GitHub adds later, or a custom
 * role, counts as none. A user GitHub does not know (404) has no permission.
 */
export async function collaboratorPermission(
  octokit: ProbotOctokit,
  where: Where,
  user: Actor,
): Promise<RepoPermission> {
  try {
    const { data } = await callGitHub("repos.getCollaboratorPermissionLevel", () =>
      octokit.rest.repos.getCollaboratorPermissionLevel({ ...where, username: user.login }),
    );
    const role = (data as { role_name?: unknown }).role_name;
    return typeof role === "string" && ROLES.has(role) ? (role as RepoPermission) : "none";
  } catch (error) {
    if (hasStatus(error, 404)) return "none";
    throw error;
  }
}

/** `org/slug`, or `slug` in the repository owner's organisation. */
export function teamOf(team: string, owner: string): { org: string; slug: string } {
  const name = team.trim().replace(/^@/, "");
  const slash = name.indexOf("/");
  return slash < 0 ? { org: owner, slug: name } : { org: name.slice(0, slash), slug: name.slice(slash + 1) };
}

/** Active membership only: a pending invitation is not membership. 404 means not a member. */
export async function isActiveTeamMember(
  octokit: ProbotOctokit,
  team: { org: string; slug: string },
  user: Actor,
): Promise<boolean> {
  if (team.org === "" || team.slug === "" || team.slug.includes("/")) return false;
  try {
    const { data } = await callGitHub("teams.getMembershipForUserInOrg", () =>
      octokit.rest.teams.getMembershipForUserInOrg({ org: team.org, team_slug: team.slug, username: user.login }),
    );
    return data.state === "active";
  } catch (error) {
    if (hasStatus(error, 404)) return false;
    throw error;
  }
}
