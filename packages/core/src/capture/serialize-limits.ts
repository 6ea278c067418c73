/** The serializer's limits; `serialize.ts` re-exports the public ones. */

/** The default `maxLength` (the `maxValueLength` option of `init`). */
export const DEFAULT_MAX_LENGTH = 16_384;
/** The smallest usable `maxLength`: room for the shortest cut array, object or string. */
export const MIN_MAX_LENGTH = 64;
/** Containers nested deeper than this are written as `"[Depth limit]"`. */
export const MAX_DEPTH = 32;

/** Upper bound so that a huge `maxLength` cannot ask for a string V8 cannot build. */
const MAX_MAX_LENGTH = 1 << 28;
/** Error stacks are cut to this many characters (OpenTelemetry exception events keep the full one). */
export const MAX_STACK_LENGTH = 4096;
/** Messages of errors thrown by `toJSON` and `replace` hooks are cut to this many characters. */
export const MAX_THROWS_LENGTH = 200;
/** Longest count a marker can show: array lengths are below 2^32. */
export const MAX_COUNT = 9_999_999_999;

export function effectiveMaxLength(maxLength: unknown): number {
  if (typeof maxLength !== 'number' || Number.isNaN(maxLength)) return DEFAULT_MAX_LENGTH;
  return Math.min(MAX_MAX_LENGTH, Math.max(MIN_MAX_LENGTH, Math.floor(maxLength)));
}
