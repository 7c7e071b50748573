// WAL checkpoints of the embedded SQLite store, on a worker thread. SQLite's automatic checkpoint
// runs inside the commit that crosses the threshold: it copies the WAL back into the database file
// and syncs it, on the event loop, stalling every webhook for as long as the disk takes (a fifth of
// the intake's cost on an idle disk, much more on a busy one). Here a second connection on a worker
// checkpoints every `every` commits (PASSIVE: it never blocks the app's writers), and the app's own
// connection keeps an automatic checkpoint only as a backstop, at a threshold it reaches only if
// the worker is gone or falls far behind.
import { Worker } from "node:worker_threads";
import type { Logger } from "../core/ports/logger.js";

/** Pages in the WAL before the app's own connection checkpoints anyway (40 MB at 4 KiB pages). */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

// CommonJS source run with `eval`: it needs no path to a compiled file, so it works the same from
// `src` under tsx and from a build.
const WORKER_SOURCE = `
const { DatabaseSync } = require("node:sqlite");
const { parentPort, workerData } = require("node:worker_threads");
const db = new DatabaseSync(workerData.file);
db.exec("PRAGMA busy_timeout = " + Number(workerData.busyTimeoutMs));
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
parentPort.on("message", () => {
  try {
    parentPort.postMessage({ ok: true, result: checkpoint.get() });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
  }
});
`;

interface CheckpointAnswer {
  ok: boolean;
  result?: { busy: number; log: number; checkpointed: number };
  message?: string;
}

export interface WalCheckpointer {
  /** Counts a commit; every `every` commits the worker checkpoints (one at a time). */
  afterCommit(): void;
  /** Checkpoints now and resolves with SQLite's answer (tests). */
  checkpoint(): Promise<CheckpointAnswer>;
  close(): Promise<void>;
}

export interface WalCheckpointerOptions {
  file: string;
  busyTimeoutMs: number;
  /** Commits between two checkpoints. */
  every?: number;
  log?: Logger;
}

export function createWalCheckpointer(opts: WalCheckpointerOptions): WalCheckpointer {
  const every = opts.every ?? 64;
  let worker: Worker | undefined;
  let broken = false;
  let commits = 0;
  let inFlight: Promise<CheckpointAnswer> | undefined;
  const waiting: Array<(answer: CheckpointAnswer) => void> = [];

  function giveUp(err: unknown): void {
    broken = true;
    worker = undefined;
    opts.log?.warn({ err }, "WAL checkpointer stopped; the store checkpoints on its own connection");
    for (const resolve of waiting.splice(0)) resolve({ ok: false, message: String(err) });
  }

  // Started on first use: most stores in tests never get that far.
  function start(): Worker | undefined {
    if (worker || broken) return worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: opts.file, busyTimeoutMs: opts.busyTimeoutMs } });
    } catch (err) {
      giveUp(err);
      return undefined;
    }
    worker.unref();
    worker.on("message", (answer: CheckpointAnswer) => {
      if (!answer.ok) opts.log?.warn({ problem: answer.message }, "WAL checkpoint failed; the next one retries");
      waiting.shift()?.(answer);
    });
    worker.on("error", giveUp);
    return worker;
  }

  function checkpoint(): Promise<CheckpointAnswer> {
    inFlight ??= new Promise<CheckpointAnswer>((resolve) => {
      const w = start();
      if (!w) return resolve({ ok: false, message: "checkpointer unavailable" });
      waiting.push(resolve);
      w.postMessage("checkpoint");
    }).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    afterCommit() {
      if (++commits < every || inFlight || broken) return;
      commits = 0;
      void checkpoint();
    },
    checkpoint,
    async close() {
      const w = worker;
      worker = undefined;
      broken = true;
      for (const resolve of waiting.splice(0)) resolve({ ok: false, message: "store closed" });
      // A checkpoint cut short is safe: SQLite resumes from the WAL next time.
      if (w) await w.terminate();
    },
  };
}
