import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolvePaths } from "../../src/agent/resolve-paths.js";

describe("resolvePaths (issue 11: the real path of the nearest existing parent)", () => {
  it("follows symlinks anywhere on the way, then applies .. where they led", async () => {
    const outside = mkdtempSync(join(tmpdir(), "outside-"));
    const ws = mkdtempSync(join(tmpdir(), "ws-"));
    mkdirSync(join(ws, "src"));
    mkdirSync(join(outside, "sub"));
    symlinkSync(join(outside, "sub"), join(ws, "src", "link"));
    symlinkSync("../src", join(ws, "src", "inner"));
    expect(
      await resolvePaths(
        [
          "src/a.ts",
          "src/link/secret",
          "src/link/../x",
          "src/inner/a.ts",
          `${ws}/src/new/deep/file`,
          "../other",
          "~/.ssh/id_rsa",
          ws,
        ],
        ws,
      ),
    ).toEqual([
      "src/a.ts",
      join(outside, "sub", "secret"),
      join(outside, "x"),
      "src/a.ts",
      "src/new/deep/file",
      join(ws, "..", "other"),
      "~/.ssh/id_rsa",
      ".",
    ]);
  });
});
