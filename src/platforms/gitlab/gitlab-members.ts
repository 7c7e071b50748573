// Who may do what, from GitLab's membership API. `members/all/:user_id` includes memberships
// inherited from parent groups (and shared groups), which is how most GitLab teams grant access.
import type { Actor } from "../../core/model/change-request.js";
import type { RepoPermission } from "../../core/model/permission.js";
import type { GitLabClient } from "./gitlab-client.js";
import { nullIfNotFound } from "../platform-errors.js";
import { memberSchema, parseAnswer } from "./gitlab-schemas.js";

/** GitLab access levels: Guest 10, Planner 15, Reporter 20, Developer 30, Maintainer 40, Owner 50. */
export function permissionForAccessLevel(level: number): RepoPermission {
  if (level >= 50) return "admin";
  if (level >= 40) return "maintain";
  if (level >= 30) return "write";
  // Reporter is GitLab's lowest role that can read a private project's code (Guests and Planners
  // cannot), so it is what "read" means here: an `approvers.users` login needs at least this.
  if (level >= 20) return "read";
  return "none";
}

function userId(user: Actor): number | null {
  return /^[1-9][0-9]*$/.test(user.id) && Number.isSafeInteger(Number(user.id)) ? Number(user.id) : null;
}

function activeLevel(raw: unknown): number {
  const member = parseAnswer(memberSchema, "member", raw);
  return member.state === undefined || member.state === "active" ? member.access_level : 0;
}

/** Throws PlatformError when GitLab cannot answer, so that callers fail closed. */
export async function projectPermission(client: GitLabClient, projectId: string, user: Actor): Promise<RepoPermission> {
  const id = userId(user);
  if (id === null) return "none";
  const raw = await nullIfNotFound(
    client.call("ProjectMembers.show", (api) => api.ProjectMembers.show(projectId, id, { includeInherited: true })),
  );
  return raw === null ? "none" : permissionForAccessLevel(activeLevel(raw));
}

/** `group` is a group's full path (`org/team`, a leading `@` allowed, as in mentions). */
export async function isGroupMember(client: GitLabClient, group: string, user: Actor): Promise<boolean> {
  const id = userId(user);
  const path = group.trim().replace(/^@/, "");
  if (id === null || path === "") return false;
  const raw = await nullIfNotFound(
    client.call("GroupMembers.show", (api) => api.GroupMembers.show(path, id, { includeInherited: true })),
  );
  return raw !== null && activeLevel(raw) >= 10;
}
