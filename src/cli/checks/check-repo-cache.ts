// How much disk the per-repository object caches use, against `limits.repoCacheBytes`.
import { cacheUsage } from "../../agent/cache-eviction.js";
import { repoCacheRoot } from "../../agent/repo-cache.js";
import type { AppEnv } from "../../config/env.js";
import type { ServerConfig } from "../../config/server-config.js";
import { fail, ok, skip, type CheckResult } from "./check-result.js";

const TITLE = "repository cache";

function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export async function checkRepoCache(env: Pick<AppEnv, "WARDEN_DATA_DIR">, config: ServerConfig): Promise<CheckResult> {
  const bound = config.limits.repoCacheBytes;
  const root = repoCacheRoot(env.WARDEN_DATA_DIR);
  if (bound === 0) return skip(TITLE, "off (limits.repoCacheBytes: 0): every review fetches its change afresh");
  try {
    const usage = await cacheUsage(root);
    const count = usage.repositories.length;
    return ok(
      TITLE,
      `${formatBytes(usage.bytes)} in ${count} repositor${count === 1 ? "y" : "ies"} under ${root} (bound ${formatBytes(bound)}, limits.repoCacheBytes)`,
    );
  } catch (err) {
    return fail(
      TITLE,
      `cannot read ${root}: ${(err as Error).message}`,
      "make WARDEN_DATA_DIR readable and writable by Warden",
    );
  }
}
