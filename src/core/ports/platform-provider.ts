// Hands out the platform adapter of a repository, created per event (no shared state).
import type { RepoRef } from "../model/change-request.js";
import type { Logger } from "./logger.js";
import type { ScmPlatform } from "./scm-platform.js";

export interface PlatformOptions {
  /**
   * When the platform's writes must be done by (read at each request): a write the platform
   * refuses for its rate limit is retried until then (GitHub), and given up after.
   */
  writeDeadline?: () => Date;
}

export interface PlatformProvider {
  /** The platform adapter for a repository (GitHub: authenticated as the repo's installation). */
  forRepo(repo: RepoRef, log: Logger, opts?: PlatformOptions): Promise<ScmPlatform>;
}
