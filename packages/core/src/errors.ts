const CONFIG_ERROR_MARKER = Symbol.for('glassbox.config-error');

/** One problem found in a configuration: the option, its env var (if any) and what is wrong. */
export interface ConfigIssue {
  option: string;
  envVar?: string;
  message: string;
}

/**
 * Thrown early, at `init` / `trace` / exporter construction, for a configuration mistake; the message
 * names the option and the env var that sets it.
 */
export class GlassboxConfigError extends Error {
  override readonly name = 'GlassboxConfigError';
  readonly issues: readonly ConfigIssue[];
  readonly [CONFIG_ERROR_MARKER] = true;

  constructor(issues: ConfigIssue | readonly ConfigIssue[]) {
    const list = Array.isArray(issues) ? (issues as readonly ConfigIssue[]) : [issues as ConfigIssue];
    super(list.map(formatIssue).join('\n'));
    this.issues = list;
  }

  /** Tells whether a value is a `GlassboxConfigError`, even one from another copy of the package. */
  static isInstance(error: unknown): error is GlassboxConfigError {
    return typeof error === 'object' && error !== null && (error as any)[CONFIG_ERROR_MARKER] === true;
  }
}

function formatIssue(issue: ConfigIssue): string {
  const env = issue.envVar ? ` (env ${issue.envVar})` : '';
  return `Glassbox: invalid option \`${issue.option}\`${env}: ${issue.message}`;
}
