// The opt-in suite against the real ACP agents (`npm run test:agents`): installs them into a cache
// folder once, then checks them offline through Warden's runner, doctor and review command. Not
// part of `npm test` (the default config only includes test/**).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test-agents/**/*.test.ts"],
    globalSetup: ["test-agents/install-agents.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
