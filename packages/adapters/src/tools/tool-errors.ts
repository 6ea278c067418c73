const ARGUMENTS_MARKER = Symbol.for('glassbox.tool-arguments-error');
const UNKNOWN_MARKER = Symbol.for('glassbox.unknown-tool-error');

/** One problem with a tool call's arguments: zod's issue code (or `invalid_json`), where, and what. */
export interface ToolArgumentIssue {
  code: string;
  path: readonly (string | number)[];
  message: string;
}

// The model reads this message back when `respond()` returns it, so it lists every issue but stays short.
const MAX_LISTED_ISSUES = 10;

/** Thrown when a tool call's arguments are not valid JSON or fail the tool's zod schema; `issues` lists why. */
export class ToolArgumentsError extends Error {
  override readonly name = 'ToolArgumentsError';
  readonly toolName: string;
  readonly issues: readonly ToolArgumentIssue[];
  readonly [ARGUMENTS_MARKER] = true;

  constructor(toolName: string, issues: readonly ToolArgumentIssue[]) {
    const listed = issues
      .slice(0, MAX_LISTED_ISSUES)
      .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
    const more = issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : '';
    super(`Invalid arguments for tool "${toolName}": ${listed.join('; ')}${more}`);
    this.toolName = toolName;
    this.issues = issues;
  }

  /** Tells whether a value is a `ToolArgumentsError`, even one from another copy of the package. */
  static isInstance(error: unknown): error is ToolArgumentsError {
    return typeof error === 'object' && error !== null && (error as any)[ARGUMENTS_MARKER] === true;
  }
}

/** Thrown when a model calls a tool that is not registered; names the tools that are, and the closest one. */
export class UnknownToolError extends Error {
  override readonly name = 'UnknownToolError';
  readonly toolName: string;
  readonly available: readonly string[];
  readonly suggestion: string | undefined;
  readonly [UNKNOWN_MARKER] = true;

  constructor(toolName: string, available: readonly string[], suggestion?: string) {
    const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
    const list = available.length > 0 ? available.join(', ') : '(none)';
    super(`Unknown tool "${toolName}".${hint} Registered tools: ${list}`);
    this.toolName = toolName;
    this.available = available;
    this.suggestion = suggestion;
  }

  /** Tells whether a value is an `UnknownToolError`, even one from another copy of the package. */
  static isInstance(error: unknown): error is UnknownToolError {
    return typeof error === 'object' && error !== null && (error as any)[UNKNOWN_MARKER] === true;
  }
}

/** Converts zod issues to plain, serialisable issues (symbol path keys become strings). */
export function toArgumentIssues(
  issues: readonly { code: string; path: readonly PropertyKey[]; message: string }[],
): ToolArgumentIssue[] {
  return issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    message: issue.message,
  }));
}
