// Table shapes as Kysely sees them. Portable across SQLite and PostgreSQL: timestamps are ISO-8601
// UTC strings (fixed width, so they sort as text), JSON is text, booleans are 0/1 integers.
import type { ColumnType, Generated } from "kysely";

/** `bigint` columns come back as numbers from node:sqlite and as strings from pg. */
type BigIntColumn = ColumnType<number | string | bigint, number, number>;

export interface DeliveriesTable {
  platform: string;
  delivery_id: string;
  received_at: string;
}

export interface RunsTable {
  id: string;
  platform: string;
  repo_id: string;
  repo_full_name: string;
  installation_id: BigIntColumn | null;
  number: number;
  head_sha: string;
  trigger: string;
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  conclusion: string | null;
}

export interface ChangeRequestsTable {
  platform: string;
  repo_id: string;
  number: number;
  summary_comment_id: string | null;
  summary_body_hash: string | null;
  summary_updated_at: string | null;
  last_reviewed_sha: string | null;
  /** JSON of `ChangeRequestState["lastSummary"]`. */
  last_summary: string | null;
  finding_seq: Generated<number>;
}

export interface FindingsTable {
  platform: string;
  repo_id: string;
  number: number;
  id: string;
  fingerprint: string;
  severity: string;
  category: string;
  title: string;
  body: string;
  recommendation: string;
  path: string | null;
  line: number | null;
  end_line: number | null;
  state: string;
  first_seen_sha: string;
  last_seen_sha: string;
  resolved_sha: string | null;
  dismissed_by: string | null;
  dismiss_reason: string | null;
  inline_comment_id: string | null;
  inline_thread_id: string | null;
  /** 0/1; null when never set, so an absent flag round-trips as absent. */
  resolved_reply_posted: number | null;
}

export interface PermissionRequestsTable {
  id: string;
  platform: string;
  repo_id: string;
  repo_full_name: string;
  installation_id: BigIntColumn | null;
  number: number;
  run_id: string;
  seq: number;
  /** JSON of the normalised `PermissionAsk`. */
  ask: string;
  status: string;
  source: string | null;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  option_id: string | null;
  comment_id: string | null;
  created_at: string;
  expires_at: string | null;
}

export interface Database {
  deliveries: DeliveriesTable;
  runs: RunsTable;
  change_requests: ChangeRequestsTable;
  findings: FindingsTable;
  permission_requests: PermissionRequestsTable;
}
