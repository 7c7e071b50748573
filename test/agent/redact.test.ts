import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/agent/redact.js";

describe("redactSecrets", () => {
  it("masks tokens, credentials and known secret values", () => {
    const text = [
      "using ghp_abcdefghijklmnopqrstuvwxyz0123",
      "Authorization: Bearer abc.def.ghijklmnop",
      "Authorization: Basic eC1hY2Nlc3MtdG9rZW46c2VjcmV0",
      "api_key=sk-ant-api03-abcdefghijklmnopqrstuv",
      "fetching https://x-access-token:hunter2hunter2@github.com/o/r.git",
      "password: correct-horse",
      "configured key my-own-secret-value",
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
    ].join("\n");
    const out = redactSecrets(text, ["my-own-secret-value"]);
    for (const secret of [
      "ghp_abcdef",
      "abc.def.ghijklmnop",
      "eC1hY2Nlc3Mt",
      "sk-ant-api03",
      "hunter2hunter2",
      "correct-horse",
      "my-own-secret-value",
      "MIIEvQIBADANBg",
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain("https://[redacted]@github.com/o/r.git");
  });

  it("keeps ordinary text, paths and commit ids readable", () => {
    const text =
      "error: pathspec 'src/very/long/path/to/some/module/file-name.ts' did not match; fatal: bad object 5ae66b2c2ff1b4a3b5d6e7f8091a2b3c4d5e6f70";
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets("Authentication required: invalid token provided")).toBe(
      "Authentication required: invalid token provided",
    );
  });
});
