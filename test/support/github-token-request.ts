// The request body of `POST /app/installations/{installation_id}/access_tokens`, as GitHub's REST
// reference publishes it ("Create an installation access token for an app"; schema
// `app-permissions` in @octokit/openapi-types, which is types only, hence this zod copy): every
// field optional, repositories by name or id, and each permission one of its documented levels.
// The fake GitHub answers 422 to anything else, as GitHub does.
import { z } from "zod";

const RW = z.enum(["read", "write"]);
const RWA = z.enum(["read", "write", "admin"]);
const R = z.literal("read");
const W = z.literal("write");

const appPermissions = z
  .object({
    actions: RW,
    administration: RW,
    checks: RW,
    codespaces: RW,
    contents: RW,
    dependabot_secrets: RW,
    deployments: RW,
    environments: RW,
    issues: RW,
    metadata: RW,
    packages: RW,
    pages: RW,
    pull_requests: RW,
    repository_custom_properties: RW,
    repository_hooks: RW,
    repository_projects: RWA,
    secret_scanning_alerts: RW,
    secrets: RW,
    security_events: RW,
    single_file: RW,
    statuses: RW,
    vulnerability_alerts: RW,
    workflows: W,
    custom_properties_for_organizations: RW,
    members: RW,
    organization_administration: RW,
    organization_custom_roles: RW,
    organization_custom_org_roles: RW,
    organization_custom_properties: RWA,
    organization_copilot_seat_management: W,
    organization_announcement_banners: RW,
    organization_events: R,
    organization_hooks: RW,
    organization_personal_access_tokens: RW,
    organization_personal_access_token_requests: RW,
    organization_plan: R,
    organization_projects: RWA,
    organization_packages: RW,
    organization_secrets: RW,
    organization_self_hosted_runners: RW,
    organization_user_blocking: RW,
    team_discussions: RW,
    email_addresses: RW,
    followers: RW,
    git_ssh_keys: RW,
    gpg_keys: RW,
    interaction_limits: RW,
    profile: W,
    starring: RW,
  })
  .partial()
  .strict();

export const tokenRequestSchema = z
  .object({
    repositories: z.array(z.string().min(1)).max(500),
    repository_ids: z.array(z.number().int().positive()).max(500),
    permissions: appPermissions,
  })
  .partial()
  // GitHub refuses unknown fields; so does the fake, so that a typo cannot pass for a scope.
  .strict();

export type TokenRequest = z.output<typeof tokenRequestSchema>;
