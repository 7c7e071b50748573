// `warden review`'s use case: the review the app runs for a PR, on two commits of a local
// repository. Same repository policy (from the base commit, as the app reads it from the default
// branch), same prompt, same report contract and tracker, same summary; no platform, no store.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { checkoutLocalCommit } from "../agent/local-checkout.js";
import { createAcpRunner } from "../agent/acp-runner.js";
import type { SandboxMode, SandboxPolicy } from "../agent/sandbox/sandbox-policy.js";
import { wardenSandboxPolicy } from "../agent/sandbox/warden-policy.js";
import { parseRepoConfig, REPO_CONFIG_PATHS, type RepoConfig } from "../config/repo-config.js";
import { applyServerPolicy, loadServerConfig } from "../config/server-config.js";
import { ConfigError } from "../core/errors.js";
import type { ChangeRequest, Platform } from "../core/model/change-request.js";
import type { Finding, ReviewReport } from "../core/model/finding.js";
import type { Logger } from "../core/ports/logger.js";
import type { PermissionAuditEntry } from "../core/model/permission.js";
import { commitStatusFor, type StatusVerdict } from "../core/render/render-status.js";
import { askAgentForReport } from "../core/review/ask-agent.js";
import { reviewBudget, type UsageMeter } from "../core/review/review-budget.js";
import type { AgentUsage } from "../core/model/usage.js";
import { composeInput } from "../core/review/steps/review-input.js";
import { mergeReport } from "../core/review/tracker.js";
import { chooseAgent } from "./choose-agent.js";
import { createLocalGate, type TerminalAsker } from "./local-permissions.js";
import { LocalRepo, type LocalCommit } from "./local-git.js";
import type { Progress } from "./terminal-progress.js";
import { shortSha } from "../core/model/commit.js";

export const LOCAL_TERMS = { changeRequest: "change", short: "change" };

export interface LocalReviewOptions {
  /** Directory inside the repository to review. */
  repoDir: string;
  /** Where WARDEN_CONFIG and ./warden.server.yml are looked up. */
  configDir: string;
  base?: string;
  head?: string;
  agent?: string;
  mode?: string;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** Asks the person at the terminal; without it, the repository policy decides alone. */
  asker?: TerminalAsker;
  log: Logger;
  signal: AbortSignal;
}

export interface ReviewedChange {
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  commits: LocalCommit[];
  agent: string;
  config: RepoConfig;
  report: ReviewReport;
  findings: Finding[];
  verdict: StatusVerdict;
  audit: readonly PermissionAuditEntry[];
  notes: string[];
  /** What the agent reported it used; absent when it reported nothing. */
  usage?: AgentUsage;
}

export type LocalReviewResult = { kind: "reviewed"; change: ReviewedChange } | { kind: "nothing"; message: string };

export async function reviewLocalChange(opts: LocalReviewOptions): Promise<LocalReviewResult> {
  const { progress, log, signal } = opts;
  const repo = await LocalRepo.at(opts.repoDir);
  const headRef = opts.head ?? "HEAD";
  const headSha = await repo.commit(headRef, "--head");
  const baseRef = opts.base ?? (await repo.defaultBase());
  const baseSha = await repo.commit(baseRef, "--base");
  const mergeBase = await repo.mergeBase(baseSha, headSha);
  if (mergeBase === undefined)
    throw new ConfigError(`${baseRef} and ${headRef} have no common history: pass another --base`);
  const headName = await repo.displayName(headRef);
  if (mergeBase === headSha)
    return { kind: "nothing", message: `nothing to review: ${headName} has no commits that ${baseRef} does not have` };
  if (headRef === "HEAD" && (await repo.hasUncommittedChanges())) {
    progress.notice("uncommitted changes are not part of the review: it covers committed work only");
  }

  const serverConfig = loadServerConfig(serverConfigPath(opts.configDir, opts.env));
  const { platform, text, fileName } = await readRepoConfig(repo, baseSha);
  const repoConfig = parseRepoConfig(text, fileName);
  if (opts.mode !== undefined) repoConfig.agent.mode = opts.mode;
  const { config, notes } = applyServerPolicy(repoConfig, serverConfig);
  const chosen = chooseAgent(opts.agent ?? config.agent.name, serverConfig, opts.env);
  if (serverConfig.sandbox === "off")
    progress.notice("sandbox: off — the agent runs WITHOUT an OS sandbox, with your user's files and network");
  const commits = await repo.commitsBetween(mergeBase, headSha);

  progress.step(`Checking out ${headName} at ${shortSha(headSha)}`);
  const workspace = await checkoutLocalCommit(repo.root, headSha, { log, signal, baseSha });
  try {
    const changeRequest = localChangeRequest({ platform, baseRef, baseSha, headRef: headName, headSha, commits });
    const {
      selection,
      prompt,
      notes: runNotes,
    } = await composeInput({
      workspace,
      changeRequest,
      config,
      notes,
      lastReviewedSha: undefined,
      findings: [],
      budgetBytes: serverConfig.limits.diffBudgetBytes,
      terms: LOCAL_TERMS,
      nonce: randomBytes(9).toString("hex"),
    });
    progress.done(
      `Checked out ${headName} at ${shortSha(headSha)}: ${files(selection.changedFiles.length)} changed since ${baseRef}`,
    );

    const gate = createLocalGate({
      config: config.permissions,
      workspaceDir: workspace.dir,
      ...(opts.asker ? { asker: opts.asker } : {}),
    });
    progress.step(`Starting ${chosen.spec.name} (${chosen.how})`);
    let reviewing = false;
    const usage: UsageMeter = {};
    // The first sign of work ends "starting"; a selected mode is worth saying.
    const startedReviewing = (mode?: string) => {
      if (reviewing) return;
      reviewing = true;
      progress.done(`Started ${chosen.spec.name}${mode ? ` in mode ${mode}` : ""}`);
      progress.step(`${chosen.spec.name} is reviewing ${files(selection.changedFiles.length)}`);
    };
    const answer = await askAgentForReport(
      createAcpRunner({ log, sandbox: localSandbox(serverConfig.sandbox, opts.env) }),
      {
        agent: chosen.spec,
        cwd: workspace.dir,
        mode: config.agent.mode,
        allowedModes: serverConfig.allowedModes,
        timeoutMs: config.agent.timeoutMinutes * 60_000,
        budget: reviewBudget(serverConfig.limits),
        signal,
        onPermission: (ask, askSignal) => gate.decide(ask, askSignal),
        onProgress: (update) => {
          if (update.type === "notice") return progress.notice(update.message);
          if (update.type === "usage") {
            usage.latest = update.usage;
            return;
          }
          startedReviewing(update.type === "mode" ? update.modeId : undefined);
          if (update.type === "plan") progress.plan(update.entries);
          else if (update.type === "tool_call") progress.activity(update.title);
          else if (update.type === "message") progress.activity("writing");
        },
      },
      prompt.text,
    );
    progress.done(`${chosen.spec.name} finished its review`);

    const merged = mergeReport({ existing: [], report: answer.report, headSha, findingSeq: 0 });
    return {
      kind: "reviewed",
      change: {
        base: { ref: baseRef, sha: baseSha },
        head: { ref: headName, sha: headSha },
        commits,
        agent: chosen.spec.name,
        config,
        report: answer.report,
        findings: merged.findings,
        verdict: commitStatusFor(merged.findings, config.review.failOn),
        audit: gate.audit,
        notes: runNotes,
        ...(usage.latest ? { usage: usage.latest } : {}),
      },
    };
  } finally {
    await workspace.dispose().catch((err: unknown) => log.warn({ err }, "could not remove the temporary checkout"));
  }
}

function files(n: number): string {
  return `${n} file${n === 1 ? "" : "s"}`;
}

function serverConfigPath(dir: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.WARDEN_CONFIG?.trim()) {
    const path = resolve(dir, env.WARDEN_CONFIG);
    if (!existsSync(path)) throw new ConfigError(`WARDEN_CONFIG: no such file ${JSON.stringify(env.WARDEN_CONFIG)}`);
    return path;
  }
  const local = resolve(dir, "warden.server.yml");
  return existsSync(local) ? local : undefined;
}

/** `.github/warden.yml`, else `.gitlab/warden.yml`, as the base commit has it. */
async function readRepoConfig(
  repo: LocalRepo,
  baseSha: string,
): Promise<{ platform: Platform; text: string | null; fileName: string }> {
  for (const platform of ["github", "gitlab"] as const) {
    const fileName = REPO_CONFIG_PATHS[platform];
    const text = await repo.fileAt(baseSha, fileName);
    if (text !== null) return { platform, text, fileName };
  }
  return { platform: "github", text: null, fileName: REPO_CONFIG_PATHS.github };
}

function localChangeRequest(input: {
  platform: Platform;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  commits: LocalCommit[];
}): ChangeRequest {
  const { commits } = input;
  const last = commits.at(-1);
  const title = commits.length === 1 ? (commits[0]?.subject ?? "") : `${input.headRef} (${commits.length} commits)`;
  const body = commits
    .map((c) => [`${shortSha(c.sha)} ${c.subject}`, ...(c.body ? ["", c.body] : [])].join("\n"))
    .join("\n\n");
  return {
    ref: { repo: { platform: input.platform, id: "local", fullName: "local" }, number: 0 },
    title,
    body,
    author: { login: last ? `${last.authorName} <${last.authorEmail}>` : "unknown", id: "local", isBot: false },
    headSha: input.headSha,
    baseSha: input.baseSha,
    headRef: input.headRef,
    baseRef: input.baseRef,
    draft: false,
    state: "open",
    url: "",
    cloneUrl: "",
  };
}

/** `warden review` sandboxes its agent like the server: nothing of the user's HOME or Warden's. */
function localSandbox(mode: SandboxMode, env: NodeJS.ProcessEnv): SandboxPolicy {
  return wardenSandboxPolicy(mode, {
    dataDir: env.WARDEN_DATA_DIR,
    configPath: env.WARDEN_CONFIG,
    privateKeyPath: env.PRIVATE_KEY_PATH,
    home: env.HOME,
  });
}
