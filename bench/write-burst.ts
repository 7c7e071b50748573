// GitHub's write limit held across replicas: 40 PRs of one installation opened at once, webhooks
// spread over two replicas on one PostgreSQL database, against a fake GitHub enforcing a
// content-creation limit (403 + retry-after past it, like GitHub). GitHub's limit is 80 a minute;
// a minute-scale run is too slow to repeat, so the window is scaled (`scale`: 0.25 → 80 writes per
// 15 s) and Warden's budget is configured to the same rate, 5% under it. The bound is what the
// limit allows at best: writes ÷ (80 per window). Needs WARDEN_TEST_DATABASE_URL or DATABASE_URL.
import { fileURLToPath } from "node:url";
import { runWriteBurst } from "../test/support/write-burst.js";

export async function benchWriteBurst(
  opts = { prs: 40, writes: 80, scale: 0.25, margin: 0.95 },
): Promise<Record<string, number>> {
  const databaseUrl = process.env.WARDEN_TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.log(
      "write burst benchmark skipped: set WARDEN_TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database",
    );
    return {};
  }
  const windowMs = 60_000 * opts.scale;
  console.log(
    `${opts.prs} PRs, 2 replicas; fake GitHub: ${opts.writes} writes per ${windowMs / 1000} s per installation ` +
      `(GitHub's ${opts.writes} per 60 s, time scaled ×${opts.scale}); Warden's budget: ${opts.margin * 100}% of that rate. ` +
      `Seconds are scaled time: ÷${opts.scale} for GitHub's real minute.`,
  );
  const result = await runWriteBurst({
    databaseUrl,
    prs: opts.prs,
    limit: { writes: opts.writes, windowMs },
    margin: opts.margin,
    concurrency: 8,
  });
  if (result.problems.length > 0) console.log(`problems: ${result.problems.slice(0, 5).join("; ")}`);
  return {
    "burst.prs": opts.prs,
    "burst.reviewed_once": result.reviewedOnce,
    "burst.writes": result.writes,
    "burst.refused": result.refused,
    "burst.seconds": result.seconds,
    "burst.bound_seconds": result.boundSeconds,
    "burst.ratio_to_bound": result.seconds / result.boundSeconds,
    "burst.time_scale": opts.scale,
    "burst.seconds_at_github_scale": result.seconds / opts.scale,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchWriteBurst();
  for (const [key, value] of Object.entries(figures)) {
    console.log(`${key.padEnd(58)} ${Number.isInteger(value) ? value : value.toFixed(2)}`);
  }
  process.exit(0);
}
