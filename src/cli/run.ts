// Entry point of bin/warden.js: runs the command line against this process and exits with its
// code. An unexpected error is one line (the stack only with WARDEN_DEBUG=1), exit code 2.
import { main } from "./warden.js";

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
};

main(process.argv.slice(2), io).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const detail =
      process.env.WARDEN_DEBUG === "1" && err instanceof Error
        ? err.stack
        : err instanceof Error
          ? err.message
          : String(err);
    process.stderr.write(`warden: internal error: ${detail}\n`, () => process.exit(2));
  },
);
