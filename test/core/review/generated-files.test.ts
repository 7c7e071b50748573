import { describe, expect, it } from "vitest";
import type { Workspace } from "../../../src/core/ports/workspace.js";
import { classifyPath, generatedFiles } from "../../../src/core/review/generated-files.js";
import { NO_ATTRIBUTES, parseGitAttributes } from "../../../src/core/review/gitattributes.js";

describe("built-in classification", () => {
  it.each([
    ["package-lock.json", "lockfile"],
    ["web/yarn.lock", "lockfile"],
    ["deep/nested/pnpm-lock.yaml", "lockfile"],
    ["Cargo.lock", "lockfile"],
    ["svc/go.sum", "lockfile"],
    ["poetry.lock", "lockfile"],
    ["Gemfile.lock", "lockfile"],
    ["composer.lock", "lockfile"],
    ["Pipfile.lock", "lockfile"],
    ["bun.lockb", "lockfile"],
    ["public/app.min.js", "minified"],
    ["static/site.MIN.CSS", "minified"],
    ["dist/app.js.map", "minified"],
    ["vendor/github.com/x/y.go", "vendored"],
    ["libs/third_party/zlib/inflate.c", "vendored"],
    ["node_modules/left-pad/index.js", "vendored"],
  ])("%s is %s", (path, reason) => {
    expect(classifyPath(path, NO_ATTRIBUTES)).toBe(reason);
  });

  it.each([
    "src/index.ts",
    "package.json",
    "go.mod",
    "docs/lockfile.md",
    "src/vendor.ts",
    "src/admin.js",
    "yarn.lock.md",
    "vendor",
  ])("%s is reviewed", (path) => {
    expect(classifyPath(path, NO_ATTRIBUTES)).toBeUndefined();
  });
});

describe(".gitattributes", () => {
  it("follows git's matching: no slash matches at any depth, a slash anchors, ** crosses directories", () => {
    const attrs = parseGitAttributes(
      [
        "*.pb.go linguist-generated",
        "/gen/* linguist-generated=true",
        "api/**/client.ts linguist-generated",
        "docs/ -diff",
      ].join("\n"),
    );
    expect(classifyPath("a/b/service.pb.go", attrs)).toBe("generated");
    expect(classifyPath("gen/x.ts", attrs)).toBe("generated");
    expect(classifyPath("gen/sub/x.ts", attrs)).toBeUndefined();
    expect(classifyPath("lib/gen/x.ts", attrs)).toBeUndefined();
    expect(classifyPath("api/client.ts", attrs)).toBe("generated");
    expect(classifyPath("api/v1/users/client.ts", attrs)).toBe("generated");
    // `dir/` matches directories only: attributes do not reach the files inside.
    expect(classifyPath("docs/readme.md", attrs)).toBeUndefined();
  });

  it("treats -diff and the binary macro as generated, and lets later lines win", () => {
    const attrs = parseGitAttributes(
      [
        "*.snap -diff",
        "*.bin binary",
        "*.ts linguist-generated",
        "src/keep.ts -linguist-generated",
        "x.ts linguist-generated",
        "x.ts !linguist-generated",
      ].join("\n"),
    );
    expect(classifyPath("__snapshots__/a.snap", attrs)).toBe("generated");
    expect(classifyPath("data/blob.bin", attrs)).toBe("generated");
    expect(classifyPath("src/a.ts", attrs)).toBe("generated");
    expect(classifyPath("src/keep.ts", attrs)).toBeUndefined();
    expect(classifyPath("x.ts", attrs)).toBeUndefined();
  });

  it("lets the repository keep a built-in match reviewed, or mark vendored code", () => {
    const attrs = parseGitAttributes(
      [
        "package-lock.json linguist-generated=false",
        "vendor/** linguist-vendored=false",
        "ext/** linguist-vendored",
      ].join("\r\n"),
    );
    expect(classifyPath("package-lock.json", attrs)).toBeUndefined();
    expect(classifyPath("yarn.lock", attrs)).toBe("lockfile");
    expect(classifyPath("vendor/ours.go", attrs)).toBeUndefined();
    expect(classifyPath("ext/lib.c", attrs)).toBe("vendored");
  });

  it("reads quoted patterns, [!x] classes and comments, and ignores negative patterns", () => {
    const attrs = parseGitAttributes(
      [
        "# a comment",
        '"gen files/*.ts" linguist-generated',
        "[!a]*.out linguist-generated",
        "!*.ts linguist-generated",
        "plain.txt",
      ].join("\n"),
    );
    expect(classifyPath("gen files/x.ts", attrs)).toBe("generated");
    expect(classifyPath("b.out", attrs)).toBe("generated");
    expect(classifyPath("a.out", attrs)).toBeUndefined();
    expect(classifyPath("other.ts", attrs)).toBeUndefined();
    expect(classifyPath("plain.txt", attrs)).toBeUndefined();
  });
});

describe("generatedFiles", () => {
  function workspaceWith(files: Record<string, Record<string, string>>, reads: string[]): Workspace {
    return {
      dir: "/nonexistent",
      diff: async function* () {},
      diffStats: async () => [],
      changedFiles: async () => [],
      isAncestor: async () => false,
      readFileAt: async (rev, path) => {
        reads.push(`${rev}:${path}`);
        const text = files[rev]?.[path];
        return text === undefined ? null : new TextEncoder().encode(text);
      },
      dispose: async () => undefined,
    };
  }

  it("reads .gitattributes at the base commit only", async () => {
    const reads: string[] = [];
    const ws = workspaceWith(
      {
        base1: { ".gitattributes": "gen/** linguist-generated\n" },
        head1: { ".gitattributes": "src/** linguist-generated\n" },
      },
      reads,
    );
    const classify = (await generatedFiles(ws, "base1", true))!;
    expect(reads).toEqual(["base1:.gitattributes"]);
    expect(classify({ path: "gen/a.ts" })).toBe("generated");
    expect(classify({ path: "src/a.ts" })).toBeUndefined();
  });

  it("classifies nothing when review.skipGenerated is off", async () => {
    const reads: string[] = [];
    expect(await generatedFiles(workspaceWith({}, reads), "base1", false)).toBeUndefined();
    expect(reads).toEqual([]);
  });
});
