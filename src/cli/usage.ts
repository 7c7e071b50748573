// Help texts, kept apart from the commands so `warden --help` loads nothing else.

export const USAGE = `Usage: warden <command> [options]

Commands:
  review    review the commits of a local branch with an AI agent, no platform needed
  doctor    check the environment, credentials, database and agents of a Warden server

Run \`warden <command> --help\` for a command's options. The app itself starts with \`npm start\`.
`;

export const REVIEW_USAGE = `Usage: warden review [options]

Reviews the commits of a local branch the way the Warden app reviews a pull request, and prints
the summary it would post.

Options:
  --base <ref>     what the change goes into (default: the default branch of the upstream or
                   origin remote, else main or master); the review covers base...head
  --head <ref>     the last commit of the change (default: HEAD)
  --agent <name>   an agent from warden.server.yml, or a preset: claude, codex, gemini, opencode
                   (default: the repository's agent.name, else the first preset found on PATH)
  --mode <id>      the agent's session mode, e.g. plan (default: the repository's agent.mode)
  --json           print the report and findings as JSON instead of markdown
  --cwd <dir>      the repository to review (default: the current directory)
  --verbose        log what the agent process does
  -h, --help       show this help

Policy comes from .github/warden.yml (or .gitlab/warden.yml) as the base commit has it. On a
terminal, permission requests the policy does not settle are asked interactively.
Exit codes: 0 no open finding at or above review.failOn, 1 findings at or above it, 2 error.
`;

export const DOCTOR_USAGE = `Usage: warden doctor [options]

Checks the runtime, the environment, the server config, the GitHub App credentials, the GitLab
token, the database and every configured agent (started in a scratch repository: initialize,
session/new, mode selection). Reads .env from the current directory like \`npm start\`.

Options:
  --prompt          also send each agent one short prompt (proves its sign-in and network;
                    costs a few tokens)
  --agent <name>    check only this agent
  --timeout <s>     seconds each agent gets (default 60, or 120 with --prompt)
  --verbose         log what the agent processes do
  -h, --help        show this help

Exit code 1 when a check fails.
`;
