const MARKER = Symbol.for('glassbox.prompt-variable-error');

/** Thrown by `prompt.render` when the template uses variables that were not given; names every one. */
export class PromptVariableError extends Error {
  override readonly name = 'PromptVariableError';
  readonly promptName: string;
  /** The first missing variable. */
  readonly variable: string;
  /** Every missing variable, in template order. */
  readonly missing: readonly string[];
  readonly [MARKER] = true;

  constructor(promptName: string, missing: readonly string[]) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    super(`Prompt "${promptName}" is missing variable${missing.length > 1 ? 's' : ''} ${list}`);
    this.promptName = promptName;
    this.variable = missing[0] ?? '';
    this.missing = missing;
  }

  /** Tells whether a value is a `PromptVariableError`, even one from another copy of the package. */
  static isInstance(error: unknown): error is PromptVariableError {
    return typeof error === 'object' && error !== null && (error as any)[MARKER] === true;
  }
}
