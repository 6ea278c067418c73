import { describe, expect, it, vi } from 'vitest';
import { CORE_VERSION, isCompatible, slot } from './global-slot.js';

const KEY = Symbol.for(`glassbox.core.v${CORE_VERSION.split('.')[0]}`);

describe('the versioned global slot', () => {
  it('is shared through globalThis under a key of the major version', () => {
    expect((globalThis as Record<symbol, unknown>)[KEY]).toBe(slot);
    expect(slot.version).toBe(CORE_VERSION);
  });

  it('accepts copies of the same major and minor only', () => {
    expect(isCompatible('0.1.7', '0.1.0')).toBe(true);
    expect(isCompatible('0.2.0', '0.1.0')).toBe(false);
    expect(isCompatible('1.1.0', '1.2.0')).toBe(false);
    expect(isCompatible('2.0.0', '1.0.0')).toBe(false);
    expect(isCompatible(undefined, '1.0.0')).toBe(false);
    expect(isCompatible('garbage', '1.0.0')).toBe(false);
  });

  it('a copy that meets an incompatible slot keeps its own and says so once', async () => {
    const global = globalThis as Record<symbol, unknown>;
    const mine = global[KEY];
    const foreign = { version: '0.99.0', current: 'not a runtime' };
    global[KEY] = foreign;
    try {
      vi.resetModules();
      const copy = await import('./global-slot.js');
      expect(copy.slot).not.toBe(foreign);
      expect(copy.slot.version).toBe(CORE_VERSION);
      expect(copy.incompatibleCopy).toBe('0.99.0');
      expect(global[KEY]).toBe(foreign);
      const { createRuntime } = await import('./runtime.js');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        createRuntime({
          captureContent: true,
          maxValueLength: 1000,
          redact: {},
          logLevel: 'warn',
          enabled: true,
          shutdownTimeoutMs: 100,
        });
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]![0])).toContain('0.99.0');
      } finally {
        warn.mockRestore();
      }
    } finally {
      global[KEY] = mine;
      vi.resetModules();
    }
  });
});
