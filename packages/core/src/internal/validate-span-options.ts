import { GlassboxConfigError } from '../errors.js';
import { isSpanType } from '../span-type.js';

/** Checks `withSpan` / `startSpan` options, naming the bad option. */
export function validateSpanOptions(options: unknown, where: string): void {
  if (options === null || typeof options !== 'object') {
    throw new GlassboxConfigError({
      option: where,
      message: 'expected a span name or an options object with `name`',
    });
  }
  const o = options as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name.length === 0) {
    throw new GlassboxConfigError({ option: `${where}.name`, message: 'expected a non-empty string' });
  }
  if (o.type !== undefined && !isSpanType(o.type)) {
    throw new GlassboxConfigError({
      option: `${where}.type`,
      message: `expected a SpanType, got ${JSON.stringify(o.type)}`,
    });
  }
}
