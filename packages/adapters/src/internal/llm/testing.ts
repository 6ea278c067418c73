import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

// Test support for the LLM adapters' suites (not exported by the package).

/** Every string a span would export: name, attribute values, event names and attributes, status message. */
export function exportedText(spans: readonly ReadableSpan[]): string {
  const parts: string[] = [];
  for (const span of spans) {
    parts.push(span.name, span.status.message ?? '');
    for (const [key, value] of Object.entries(span.attributes)) parts.push(key, JSON.stringify(value));
    for (const event of span.events) parts.push(event.name, JSON.stringify(event.attributes ?? {}));
  }
  return parts.join('\n');
}

/** Parses a JSON string attribute. */
export function json(span: ReadableSpan, key: string): any {
  const value = span.attributes[key];
  if (typeof value !== 'string') throw new Error(`${key} is not a JSON string attribute on ${span.name}`);
  return JSON.parse(value);
}

/** Node's `gc()`, made available without the `--expose-gc` command-line flag. */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Collects garbage until `done()` holds (FinalizationRegistry callbacks run in a later task). */
export async function collectUntil(done: () => boolean | Promise<boolean>, tries = 40): Promise<void> {
  const gc = exposeGc();
  for (let i = 0; i < tries; i++) {
    if (await done()) return;
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
