// Small pieces every server-starting test and benchmark needs.
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";

let cachedKey: string | undefined;

/** A real RSA key (Probot signs app JWTs with it), generated once per process. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return cachedKey;
}

/** Probot's Server treats PORT 0 as "unset" (3000); ask the OS for a free port instead. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
