// `npm start` and bin/warden.js preload bin/check-node.js: an old Node.js gets one line naming the
// version needed and exit 1, before anything that needs a newer Node loads.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Runs the check (then `then`) in a Node that reports `version` as its own. */
function runAs(version: string, then = "") {
  const script =
    `Object.defineProperty(process, "versions", { value: { ...process.versions, node: ${JSON.stringify(version)} } });` +
    `await import("./bin/check-node.js");${then}`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
}

describe("Node.js version check", () => {
  it.each(["20.20.2", "22.11.0", "18.19.1"])("refuses %s in one line with exit 1", (version) => {
    const result = runAs(version, 'console.log("started");');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`warden: Node.js 22.12 or newer is required (this is ${version})\n`);
  });

  it.each(["22.12.0", "24.0.0"])("lets %s through", (version) => {
    const result = runAs(version, 'console.log("started");');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe("started");
  });

  it("runs first in npm start and in bin/warden.js", () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^node --import \.\/bin\/check-node\.js /);
    const bin = readFileSync(`${root}/bin/warden.js`, "utf8");
    const firstImport = bin.split("\n").find((line) => line.startsWith("import"));
    expect(firstImport).toBe('import "./check-node.js";');
  });
});
