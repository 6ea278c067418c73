import { GlassboxConfigError } from '@glassbox/core';
import { expect } from 'vitest';

/** Runs `create`, expects it to throw a GlassboxConfigError, and returns that error for more checks. */
export function expectConfigError(create: () => unknown): GlassboxConfigError {
  try {
    create();
  } catch (error) {
    expect(GlassboxConfigError.isInstance(error)).toBe(true);
    return error as GlassboxConfigError;
  }
  throw new Error('expected a GlassboxConfigError');
}
