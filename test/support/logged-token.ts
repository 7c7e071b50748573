// The one-file change and the one finding on it that the end-to-end reviews report: a token
// written to the log at line 2.
export const LOGGED_TOKEN_FILE = { "src/feature.ts": "let x = 1;\nconsole.log(token);\nexport default x;\n" };
export const LOGGED_TOKEN_FINDING = {
  severity: "high",
  category: "Security",
  title: "Token written to the log",
  body: "Logged at info level.",
  recommendation: "Redact it.",
  path: "src/feature.ts",
  line: 2,
};
