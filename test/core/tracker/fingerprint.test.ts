import { describe, expect, it } from "vitest";
import { fingerprint, normalisePath, normaliseTitle } from "../../../src/core/review/fingerprint.js";

describe("normaliseTitle", () => {
  it("ignores case, spacing, punctuation, quotes, backticks and trailing periods", () => {
    const variants = [
      "Approval token returned to the calling agent",
      "approval token returned to the calling agent.",
      "  Approval   token returned to the calling agent!!  ",
      "Approval token returned to the calling-agent",
      'Approval `token` returned to the "calling" agent',
      "“Approval” token — returned to the ‘calling’ agent…",
    ];
    for (const v of variants) expect(normaliseTitle(v)).toBe("approval token returned to the calling agent");
  });

  it("drops quotes inside words instead of splitting them", () => {
    expect(normaliseTitle("Don't use `eval`")).toBe("dont use eval");
  });

  it("keeps numbers, so different numbers are different findings", () => {
    expect(normaliseTitle("Off-by-1 in loop")).toBe("off by 1 in loop");
    expect(normaliseTitle("Off by 2 in loop")).not.toBe(normaliseTitle("Off by 1 in loop"));
  });

  it("keeps letters of any script and folds compatibility forms", () => {
    expect(normaliseTitle("Ｆｕｌｌｗｉｄｔｈ Überprüfung")).toBe("fullwidth überprüfung");
  });
});

describe("normalisePath", () => {
  it("treats spellings of one workspace path alike", () => {
    for (const p of ["src/a.ts", "./src/a.ts", "/src/a.ts", "src\\a.ts", "src//a.ts", " src/a.ts "]) {
      expect(normalisePath(p)).toBe("src/a.ts");
    }
    expect(normalisePath(undefined)).toBe("");
  });

  it("keeps case, which matters for paths", () => {
    expect(normalisePath("Src/A.ts")).not.toBe(normalisePath("src/a.ts"));
  });
});

describe("fingerprint", () => {
  it("is (category, path, normalised title)", () => {
    expect(fingerprint({ category: "Security", path: "./src/a.ts", title: "Token leaked." })).toBe(
      "security|src/a.ts|token leaked",
    );
    expect(fingerprint({ category: "Docs", title: "Missing README" })).toBe("docs||missing readme");
  });

  it("differs when any of the three differs", () => {
    const base = { category: "Bug" as const, path: "a.ts", title: "Null check" };
    const fp = fingerprint(base);
    expect(fingerprint({ ...base, category: "Security" })).not.toBe(fp);
    expect(fingerprint({ ...base, path: "b.ts" })).not.toBe(fp);
    expect(fingerprint({ ...base, title: "Null check missing" })).not.toBe(fp);
    expect(fingerprint({ ...base, title: "NULL CHECK." })).toBe(fp);
  });
});
