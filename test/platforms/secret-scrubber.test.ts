import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { serverSecrets } from "../../src/config/server-secrets.js";
import { serverConfigSchema } from "../../src/config/server-config.js";
import { blockText, inlineCode, inlineText } from "../../src/core/render/escape.js";
import { createSecretScrubber } from "../../src/platforms/secret-scrubber.js";

const pem = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const bodyLines = pem.split("\n").filter((l) => l && !l.startsWith("-----"));

describe("secret scrubber", () => {
  it("masks the private key whole, each line of its body, and its body without line breaks", () => {
    const scrub = createSecretScrubber(() => [pem]).scrub;
    const text = `key:\n${pem}\nline: ${bodyLines[3]}\njoined: ${bodyLines.slice(1, 4).join("")}`;
    const out = scrub(text);
    for (const line of bodyLines) expect(out).not.toContain(line);
    expect(out).toContain("[redacted]");
    expect(out).toContain("key:");
  });

  it("masks known values also when the markdown escaper interleaved its marks", () => {
    const secret = "s3cr3t|with~pipes@and-->marks";
    const scrub = createSecretScrubber(() => [secret]).scrub;
    const inline = inlineText(`the secret is ${secret}`, { table: true });
    const block = blockText(`the secret is ${secret} and\n\n@${secret}`);
    // The escaper did change the secret's spelling: a plain search would miss it.
    expect(inline).not.toContain(secret);
    expect(block).not.toContain(secret);
    for (const text of [inline, block, inlineCode(secret)]) {
      const out = scrub(text);
      expect(out.replace(/[\u200D\\]/g, "")).not.toContain(secret);
      expect(out).toContain("[redacted]");
    }
  });

  it("masks tokens remembered at run time even in no known format, and GitHub/GitLab token formats always", () => {
    const scrubber = createSecretScrubber();
    scrubber.remember("opaque-minted-value-123");
    const out = scrubber.scrub(
      "a opaque-minted-value-123 b ghs_abcdefghijklmnopqrstuvwxyz0123456789 c glpat-abcdefghijklmnopqrstu d",
    );
    expect(out).toBe("a [redacted] b [redacted] c [redacted] d");
  });

  it("leaves ordinary text, short configured values and commit ids alone", () => {
    const scrub = createSecretScrubber(() => ["1", "true", "short"]).scrub;
    const text =
      "Use `const` (true for 1 short case) at 5ae66b2c2ff1b4a3b5d6e7f8091a2b3c4d5e6f70; see https://example.com/a-b";
    expect(scrub(text)).toBe(text);
  });
});

describe("server secrets", () => {
  it("holds the app's keys and secrets, the database password, GitLab's per-project webhook secrets and agents' env values", () => {
    const serverConfig = serverConfigSchema.parse({
      agents: { default: { command: "agent", env: ["ACME_API_KEY"], setEnv: { ACME_REGION: "eu-west-secret-1" } } },
    });
    // `gitlab.webhookSecrets` (group/project path → env var name) is read when present.
    (serverConfig as unknown as { gitlab: unknown }).gitlab = {
      webhookSecrets: { "acme/platform": "GITLAB_SECRET_PLATFORM" },
    };
    const processEnv = {
      PRIVATE_KEY: pem.replace(/\n/g, "\\n"),
      WEBHOOK_SECRET: "github-webhook-secret",
      GITLAB_TOKEN: "glpat-bot-token-value-123",
      GITLAB_WEBHOOK_SECRET: "gitlab-webhook-secret",
      GITLAB_SECRET_PLATFORM: "platform-project-secret",
      DATABASE_URL: "postgres://warden:p%40ss-word-42@db.internal:5432/warden",
      ACME_API_KEY: "acme-api-key-value",
      UNRELATED: "not-a-secret-of-ours",
    };
    const secrets = serverSecrets({ env: {}, processEnv, serverConfig, privateKey: pem });
    expect(secrets).toEqual(
      expect.arrayContaining([
        pem,
        "github-webhook-secret",
        "glpat-bot-token-value-123",
        "gitlab-webhook-secret",
        "platform-project-secret",
        processEnv.DATABASE_URL,
        "p%40ss-word-42",
        "p@ss-word-42",
        "acme-api-key-value",
        "eu-west-secret-1",
      ]),
    );
    expect(secrets).not.toContain("not-a-secret-of-ours");
  });
});
