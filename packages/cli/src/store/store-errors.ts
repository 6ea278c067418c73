const INPUT_ERROR_MARKER = Symbol.for('glassbox.store-input-error');
const OPEN_ERROR_MARKER = Symbol.for('glassbox.store-open-error');

/** Thrown for a bad argument of a `TraceStore` call (feedback, query, cursor); the message names the field. */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
  /** The field that is wrong, e.g. `traceId`, `value`, `cursor`. */
  readonly field: string;
  readonly [INPUT_ERROR_MARKER] = true;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }

  /** Tells whether a value is a `StoreInputError`, even one from another copy of the package. */
  static isInstance(error: unknown): error is StoreInputError {
    return typeof error === 'object' && error !== null && (error as any)[INPUT_ERROR_MARKER] === true;
  }
}

/** Thrown by `TraceStore.open` when the file cannot be used: not SQLite, not a Glassbox store, a newer schema. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  readonly path: string;
  readonly [OPEN_ERROR_MARKER] = true;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`cannot open the trace store ${path}: ${message}`, options);
    this.path = path;
  }

  /** Tells whether a value is a `StoreOpenError`, even one from another copy of the package. */
  static isInstance(error: unknown): error is StoreOpenError {
    return typeof error === 'object' && error !== null && (error as any)[OPEN_ERROR_MARKER] === true;
  }
}
