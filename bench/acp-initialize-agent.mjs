// The smallest ACP agent: answers `initialize` and exits when stdin closes. Plain JS without the
// SDK, so the benchmark's start-up figure is the sandbox's and Node's, not a TypeScript compile.
import { createInterface } from "node:readline";

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const message = JSON.parse(line);
  if (message.method === "initialize") {
    process.stdout.write(
      `${JSON.stringify({
        jsonrpc: "2.0",
        id: message.id,
        result: { protocolVersion: 1, agentCapabilities: {}, authMethods: [] },
      })}\n`,
    );
  }
});
lines.on("close", () => process.exit(0));
