/** Runs `after` once the value is known, returning the same value (or a promise of it) to the caller. */
export function whenSettled(result: unknown, after: (value: unknown) => void): unknown {
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as PromiseLike<unknown>).then === 'function'
  ) {
    return Promise.resolve(result).then((value) => {
      after(value);
      return value;
    });
  }
  after(result);
  return result;
}
