import { vi } from 'vitest';

const PREFIX = '[glassbox] ';

/**
 * Runs `fn` (awaiting it) and returns what Glassbox reported on its default sink meanwhile: the
 * `[glassbox] ...` lines written to `console.warn`, without the prefix. Other console output passes through.
 */
export async function glassboxWarnings(fn: () => unknown): Promise<string[]> {
  const warnings: string[] = [];
  const original = console.warn;
  const spy = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    const [first] = args;
    if (typeof first === 'string' && first.startsWith(PREFIX)) warnings.push(first.slice(PREFIX.length));
    else original.apply(console, args);
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return warnings;
}
