// `warden review` starts its agent in the same sandbox as the server: the user's repository
// (outside the checkout), HOME and Warden's own files are out of reach, writes outside fail, and a
// host no rule decides is refused when nobody can answer on the terminal.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WARDEN_DIR } from "../../src/agent/sandbox/warden-policy.js";
import { decodeEscapeResults } from "../support/escape-kit.js";
import { localRepo, removeTempDirs, runWarden, serverConfigDir } from "./cli-support.js";

afterAll(removeTempDirs);

describe("warden review in the sandbox", () => {
  it("keeps the agent away from the user's files and Warden's, and from the network", async () => {
    const repo = localRepo();
    const configDir = serverConfigDir({
      fake: {
        turns: [
          [
            {
              type: "escape",
              probes: [
                { kind: "read", path: join(repo.dir, "README.md") },
                { kind: "read", path: join(WARDEN_DIR, "src", "app.ts") },
                { kind: "read", path: homedir() },
                { kind: "write", path: join(repo.dir, "escaped.txt") },
                { kind: "connect", host: "127.0.0.1", port: 5432 },
                { kind: "proxy", host: "127.0.0.1", port: 5432 },
              ],
            },
          ],
        ],
      },
    });
    const result = await runWarden(["review", "--agent", "fake", "--cwd", repo.dir, "--json"], {
      cwd: configDir,
      timeoutMs: 60_000,
    });
    const results = decodeEscapeResults(result.stdout);
    expect(results.map((r) => [r.ok, r.saw])).toEqual([
      [false, "ENOENT"],
      [false, "ENOENT"],
      // HOME is an empty tmpfs; only the way to a Node installed under it (~/.cache/…) shows.
      [true, expect.stringMatching(/^dir:(\.cache)?$/)],
      [false, "ENOENT"], // the user's repository is not there at all, only the checkout
      [false, "ECONNREFUSED"],
      [false, "HTTP/1.1 403 Forbidden"],
    ]);
    expect(existsSync(join(repo.dir, "escaped.txt"))).toBe(false);
  }, 90_000);
});
