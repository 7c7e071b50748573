// The `warden` command line: `warden doctor`, `warden review`, `warden --help`.
// Commands are imported when used: `--help` should not load the agent runner or a database driver.
import { EXIT, UsageError, writeOut, type CliIo } from "./cli-io.js";
import { DOCTOR_USAGE, REVIEW_USAGE, USAGE } from "./usage.js";

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      await writeOut(command === undefined ? io.stderr : io.stdout, USAGE);
      return command === undefined ? EXIT.error : EXIT.ok;
    }
    if (command === "review") return await (await import("./review.js")).runReviewCommand(rest, io);
    if (command === "doctor") return await (await import("./doctor.js")).runDoctorCommand(rest, io);
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const usage = command === "review" ? REVIEW_USAGE : command === "doctor" ? DOCTOR_USAGE : USAGE;
    await writeOut(io.stderr, `warden: ${err.message}\n\n${usage}`);
    return EXIT.error;
  }
}
