import type { SpanHandle } from '@glassbox/core';
import { logger } from '@glassbox/core/instrumentation';
import { setupGlassbox } from '@glassbox/test-harness';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { runInMcpSpan } from './mcp-span.js';

// A failure of the tracing layer after the traced call ran (here: ending the span throws) must never reach
// the app: the call is not run again, its own outcome is handed back, and the failure is reported.

const { exporter } = setupGlassbox();
let once: MockInstance;
beforeEach(() => {
  once = vi.spyOn(logger, 'once');
});
afterEach(() => {
  once.mockRestore();
  exporter.reset();
});

/** Makes ending this span throw, as a broken tracer or span processor would. */
function breakEnd(span: SpanHandle | undefined): void {
  Object.defineProperty(span!.otelSpan, 'end', {
    value: () => {
      throw new Error('tracer broke');
    },
  });
}

const run = (call: (span: SpanHandle | undefined) => unknown) =>
  runInMcpSpan(
    'traceMcpServer',
    { name: 'tools/call get_weather' },
    {
      call,
      onResult: () => {},
      onError: () => {},
    },
  );

const reported = (message: string) =>
  expect(once).toHaveBeenCalledWith('warn', expect.stringContaining(message), expect.any(String));

describe('runInMcpSpan when tracing fails after the call', () => {
  it("returns the call's value, having run the call once, and reports the failure", () => {
    const value = { content: [] };
    let calls = 0;
    const result = run((span) => {
      calls++;
      breakEnd(span);
      return value;
    });
    expect(result).toBe(value);
    expect(calls).toBe(1);
    reported('traceMcpServer: could not finish an MCP span: Error: tracer broke');
  });

  it("throws the call's own error, not the tracer's", () => {
    const own = new Error('handler failed');
    let calls = 0;
    expect(() =>
      run((span) => {
        calls++;
        breakEnd(span);
        throw own;
      }),
    ).toThrow(own);
    expect(calls).toBe(1);
    reported('could not finish an MCP span');
  });

  it('returns a result whose `then` getter throws as it is, without running the call again', () => {
    let calls = 0;
    const hostile = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('hostile then');
      },
    });
    const result = run(() => {
      calls++;
      return hostile;
    });
    expect(result).toBe(hostile);
    expect(calls).toBe(1);
    reported('could not finish an MCP span: Error: hostile then');
  });

  it('still settles an async call normally', async () => {
    await expect(run(async () => 'ok') as Promise<unknown>).resolves.toBe('ok');
    await expect(
      run(async () => {
        throw new RangeError('down');
      }) as Promise<unknown>,
    ).rejects.toThrow(RangeError);
    expect(once).not.toHaveBeenCalled();
  });
});
