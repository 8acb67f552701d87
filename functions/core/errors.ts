/**
 * Errors carry a stable `name` so that ASL `Retry`/`Catch` blocks and the CLI can match them.
 * Messages name the thing and the value.
 */
export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in a configuration, located by a dotted path. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends BackupError {
  readonly issues: ConfigIssue[];
  constructor(source: string, issues: ConfigIssue[]) {
    super(
      `invalid backup configuration (${source}):\n` +
        issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}`).join('\n'),
    );
    this.issues = issues;
  }
}

export class UnknownPolicyError extends BackupError {
  constructor(
    readonly policyName: string,
    readonly knownPolicies: string[],
  ) {
    super(
      `unknown policy "${policyName}"; the configuration defines: ${knownPolicies.join(', ') || '(none)'}`,
    );
  }
}

export class InvalidInputError extends BackupError {}
