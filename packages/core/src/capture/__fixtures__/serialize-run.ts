/** Helpers shared by the serializer's test files. */
import { expect } from 'vitest';
import { createRedactor, type Redactor } from '../redact.js';
import { DEFAULT_MAX_LENGTH, MIN_MAX_LENGTH, type SerializeResult, serialize } from '../serialize.js';

export const redactor = createRedactor()!;

/** Serializes and checks the invariants every result must hold: valid JSON within the limit. */
export function run(
  value: unknown,
  maxLength = DEFAULT_MAX_LENGTH,
  r: Redactor | undefined = redactor,
): SerializeResult {
  const result = serialize(value, { maxLength, redactor: r });
  expect(result.json.length).toBeLessThanOrEqual(Math.max(maxLength, MIN_MAX_LENGTH));
  expect(() => JSON.parse(result.json)).not.toThrow();
  // The last-resort fallback hides defects: no ordinary value may need it.
  expect(result.json).not.toBe('"[Unserializable]"');
  return result;
}

export const parse = (value: unknown, maxLength?: number): unknown => JSON.parse(run(value, maxLength).json);

export const elapsedMs = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

/** A code unit of a surrogate pair with no partner: what a bad cut would leave behind. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
