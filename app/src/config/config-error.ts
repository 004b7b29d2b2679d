// The one error type configuration problems surface as: every issue names the key in dotted form.

export interface ConfigIssue {
  /** Dotted key path, e.g. "databases.main.port"; "" for the document as a whole. */
  path: string;
  message: string;
  /** Where the key sits: "line 7 of proxy.yaml", or the environment variable that set it. */
  origin?: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.origin ? ` (${issue.origin})` : "";
  return `${issue.path || "(config)"}: ${issue.message}${where}`;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: ConfigIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`invalid configuration from ${source}, ${count}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`);
    this.name = "ConfigError";
    this.source = source;
    this.issues = issues;
  }
}

export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}
