import { SpanKind } from '@opentelemetry/api';
import { GlassboxConfigError } from '../errors.js';
import { isSpanType } from '../span-type.js';

const KNOWN = new Set([
  'name',
  'type',
  'attributes',
  'kind',
  'captureInputs',
  'captureOutputs',
  'captureContent',
]);

/** Checks `trace` options once, at wrap time, so a mistake throws early with the option's name. */
export function validateTraceOptions(options: unknown, where: string): void {
  if (options === undefined) return;
  const fail = (option: string, message: string) => {
    throw new GlassboxConfigError({ option: `${where}.${option}`, message });
  };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new GlassboxConfigError({ option: where, message: 'expected an options object' });
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!KNOWN.has(key)) fail(key, `unknown option (known: ${[...KNOWN].join(', ')})`);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0))
    fail('name', 'expected a non-empty string');
  if (o.type !== undefined && !isSpanType(o.type))
    fail('type', `expected a SpanType, got ${JSON.stringify(o.type)}`);
  if (o.kind !== undefined && !Object.values(SpanKind).includes(o.kind as SpanKind))
    fail('kind', 'expected an OpenTelemetry SpanKind');
  if (
    o.attributes !== undefined &&
    (o.attributes === null || typeof o.attributes !== 'object' || Array.isArray(o.attributes))
  ) {
    fail('attributes', 'expected an object of attribute values');
  }
  for (const key of ['captureInputs', 'captureOutputs'] as const) {
    const v = o[key];
    if (v !== undefined && typeof v !== 'boolean' && typeof v !== 'function')
      fail(key, 'expected a boolean or a function');
  }
  if (o.captureContent !== undefined && typeof o.captureContent !== 'boolean')
    fail('captureContent', 'expected a boolean');
}
