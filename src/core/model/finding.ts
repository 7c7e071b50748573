// Findings: what the agent reports, what the tracker keeps across runs, and what is written inline.

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ["Security", "Bug", "Performance", "Reliability", "Tests", "Docs", "Style", "Other"] as const;
export type Category = (typeof CATEGORIES)[number];

export type FindingState = "open" | "resolved" | "dismissed";

/** What a finding says and where: the agent reports it, the tracker keeps it. */
interface FindingContent {
  severity: Severity;
  category: Category;
  title: string;
  body: string;
  recommendation: string;
  path?: string;
  line?: number;
  endLine?: number;
}

/** A finding tracked by the app across runs of one PR. Ids are `F1`, `F2`, … per PR. */
export interface Finding extends FindingContent {
  id: string;
  /** (category, path, normalised title): two findings with the same fingerprint are the same. */
  fingerprint: string;
  state: FindingState;
  firstSeenSha: string;
  lastSeenSha: string;
  resolvedSha?: string;
  dismissedBy?: string;
  dismissReason?: string;
  /** Set once the finding has been posted inline; a finding is posted inline once, ever. */
  inline?: InlineThreadRef;
  /** True once the "resolved" reply was posted in the finding's thread. */
  resolvedReplyPosted?: boolean;
}

/** Where an inline finding lives on the platform (GitHub review comment, GitLab discussion). */
export interface InlineThreadRef {
  commentId: string;
  /** GitLab discussion id; on GitHub the review comment id doubles as the thread. */
  threadId?: string;
}

/** The agent's report, validated (see core/review/parse-report.ts). */
export interface ReviewReport {
  summary: string;
  highlights: string[];
  findings: ReportedFinding[];
  resolved: string[];
  stillOpen: string[];
}

export interface ReportedFinding extends FindingContent {
  /** Exact replacement for lines line..endLine; "" only with `deletes` (see review/suggestion-contract.ts). */
  suggestion?: string;
  /** The agent's copy of the lines it replaces, checked against the head commit. */
  original?: string;
  deletes?: boolean;
}

export interface InlineComment {
  findingId: string;
  path: string;
  /** Line on the new side of the diff. */
  line: number;
  /** First line of a multi-line range (new side), when the finding spans lines. */
  startLine?: number;
  body: string;
  /** A change the author can commit from the comment; each adapter renders it in its syntax. */
  suggestion?: InlineSuggestion;
}

/** Replaces new-side lines startLine..endLine with `text` (lines ending in the file's line break; "" deletes them). */
export interface InlineSuggestion {
  text: string;
  startLine: number;
  endLine: number;
}

/** The reply that closes the thread of a resolved finding ("✅ Resolved in abc1234"). */
export interface ThreadResolution {
  findingId: string;
  thread: InlineThreadRef;
  body: string;
}
