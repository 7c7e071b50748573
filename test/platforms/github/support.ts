// Shared helpers for the GitHub adapter tests: a real Probot Octokit against nock, a recording
// logger, and the fixture loader.
import { readFileSync } from "node:fs";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeEach, expect } from "vitest";
import type { RepoRef } from "../../../src/core/model/change-request.js";
import type { Logger } from "../../../src/core/ports/logger.js";
import { createGitHubPlatform } from "../../../src/platforms/github/github-platform.js";

export const API = "https://api.github.com";
export const REPO: RepoRef = {
  platform: "github",
  id: "186853002",
  fullName: "Codertocat/Hello-World",
  installationId: 1,
};
export const REPO_PATH = "/repos/Codertocat/Hello-World";
export const BOT = "warden-app[bot]";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  obj: object;
  msg: string | undefined;
}

export function recordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const at =
    (level: LogEntry["level"]) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  return {
    entries,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => recordingLogger(entries),
  };
}

export function testOctokit(token = "test"): ProbotOctokit {
  return new ProbotOctokit({ auth: { token }, retry: { enabled: false }, throttle: { enabled: false } });
}

export function testPlatform(opts: { token?: string; log?: Logger } = {}) {
  const log = opts.log ?? recordingLogger();
  return createGitHubPlatform({ octokit: testOctokit(opts.token), repo: REPO, botLogin: BOT, log });
}

export function fixture(name: string): Record<string, unknown> {
  const url = new URL(`../../../fixtures/github/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Record<string, unknown>;
}

export const botUser = { login: BOT, id: 9001, type: "Bot" };
export const humanUser = { login: "octocat", id: 1, type: "User" };

/** nock with no network, and every test must consume all of its mocks. */
export function useNock(): void {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}
