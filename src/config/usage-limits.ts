// Server config `limits` keys of agent usage (SPEC §6): the per-review budget the runner enforces
// while the agent works, and the per-PR daily budget that keeps event runs from starting an agent.
import { z } from "zod";

export const usageLimitsShape = {
  maxTokensPerReview: z
    .number()
    .int()
    .positive()
    .default(2_000_000)
    .describe("a review whose agent reports more tokens than this is stopped (session/cancel) and its status is error"),
  maxCostPerReviewUsd: z
    .number()
    .positive()
    .default(5)
    .describe("a review whose agent reports a cost above this many US dollars is stopped and its status is error"),
  maxCostPerPrPerDayUsd: z
    .number()
    .positive()
    .default(20)
    .describe(
      "once a PR/MR's reviews cost this many US dollars in the last 24 hours, pushes start no agent until someone comments /warden review",
    ),
};
