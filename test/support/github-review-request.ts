// The request body of `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews` ("Create a review
// for a pull request"), as GitHub's REST reference publishes it (`pulls/create-review` in
// @octokit/openapi-types, which is types only, hence this zod copy, checked against those types
// below), with the rules its docs state for review comments: `line` (or the closing-down
// `position`) places a comment; a multi-line comment adds `start_line` (before `line`) and
// `start_side`; sides are `LEFT` or `RIGHT`. The fake GitHub answers 422 to anything else.
import type { operations } from "@octokit/openapi-types";
import { z } from "zod";

const side = z.enum(["LEFT", "RIGHT"]);
const lineNumber = z.number().int().positive();

const reviewComment = z
  .object({
    path: z.string().min(1),
    position: lineNumber.optional(),
    body: z.string(),
    line: lineNumber.optional(),
    side: side.optional(),
    start_line: lineNumber.optional(),
    start_side: side.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: "custom", message });
    if (c.position === undefined && c.line === undefined) problem("line is required unless using position");
    if (c.position !== undefined && (c.line !== undefined || c.start_line !== undefined))
      problem("position cannot be combined with line or start_line");
    if (c.start_line !== undefined && c.line !== undefined && c.start_line >= c.line)
      problem("start_line must precede line");
    if (c.start_side !== undefined && c.start_line === undefined) problem("start_side needs start_line");
  });

export const reviewRequestSchema = z
  .object({
    commit_id: z.string().regex(/^[0-9a-f]{40}$/),
    body: z.string(),
    event: z.enum(["APPROVE", "REQUEST_CHANGES", "COMMENT"]),
    comments: z.array(reviewComment),
  })
  .partial()
  .strict();

export type ReviewRequest = z.output<typeof reviewRequestSchema>;

// The copy must not accept anything the published description does not: same fields, and every
// body it accepts is a documented one.
type Documented = NonNullable<operations["pulls/create-review"]["requestBody"]>["content"]["application/json"];
type DocumentedComment = NonNullable<Documented["comments"]>[number];
type Assert<T extends true> = T;
type OnlyKnownKeys<A, B> = [Exclude<keyof A, keyof B>] extends [never] ? true : false;
export type ReviewRequestMatchesOpenApi = [
  Assert<OnlyKnownKeys<ReviewRequest, Documented>>,
  Assert<OnlyKnownKeys<NonNullable<ReviewRequest["comments"]>[number], DocumentedComment>>,
  Assert<ReviewRequest extends Documented ? true : false>,
];
