import { glassboxWarnings, setupGlassbox } from '@glassbox/test-harness';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aiSdkSpanProcessor, glassboxTelemetry } from '../ai-sdk/index.js';
import { traceAnthropic } from '../anthropic/index.js';
import { GlassboxCallbackHandler } from '../langchain/index.js';
import { traceOpenAI } from '../openai/index.js';
import { traceRetriever } from '../retrieval/index.js';
import { traceRewrite } from '../rewrite/index.js';

// The adapters' promise: a telemetry problem never reaches the app; it is reported through Glassbox's
// logger, once per kind of problem, naming the adapter, and `logLevel: 'none'` silences it.

/** A reply whose every field throws when read (but is not a thenable, so it can be awaited). */
const hostileReply = () =>
  new Proxy(
    {},
    {
      get(_target, key) {
        if (key === 'then') return undefined;
        throw new Error('hostile reply');
      },
    },
  );

/** An object whose `key` getter throws. */
const throwingGetter = (key: string, message: string) =>
  Object.defineProperty({}, key, {
    get() {
      throw new Error(message);
    },
  });

interface Case {
  name: string;
  /** Makes the adapter under test (once per test, after Glassbox is set up). */
  make: () => () => unknown;
  expected: string;
}

const cases: Case[] = [
  {
    name: 'traceOpenAI, a reply it cannot read',
    make: () => {
      const client = traceOpenAI({
        chat: { completions: { create: async (_params: object) => hostileReply() } },
      });
      return () => client.chat.completions.create({ model: 'gpt-4o', messages: [] });
    },
    expected: 'traceOpenAI: could not record an LLM reply: Error: hostile reply',
  },
  {
    name: 'traceAnthropic, a reply it cannot read',
    make: () => {
      const client = traceAnthropic({ messages: { create: async (_params: object) => hostileReply() } });
      return () => client.messages.create({ model: 'claude', max_tokens: 1, messages: [] });
    },
    expected: 'traceAnthropic: could not record an LLM reply: Error: hostile reply',
  },
  {
    name: 'glassboxTelemetry, an event handler that fails',
    make: () => {
      const telemetry = glassboxTelemetry();
      return () => telemetry.onStart(throwingGetter('operationId', 'hostile event'));
    },
    expected: 'glassboxTelemetry: onStart failed: Error: hostile event',
  },
  {
    name: 'aiSdkSpanProcessor, a span it cannot annotate',
    make: () => {
      const processor = aiSdkSpanProcessor();
      return () => {
        const span = {
          attributes: { 'ai.operationId': 'ai.generateText' },
          status: { code: 0 },
          events: [],
          end: () => undefined,
          setAttribute: () => {
            throw new Error('hostile span');
          },
        } as unknown as Span;
        processor.onStart(span, ROOT_CONTEXT);
        span.end();
      };
    },
    expected: 'aiSdkSpanProcessor: could not annotate ai.generateText: Error: hostile span',
  },
  {
    name: 'GlassboxCallbackHandler, a callback that fails',
    make: () => {
      const handler = new GlassboxCallbackHandler();
      return () => handler.handleChainStart(throwingGetter('id', 'hostile chain'), {}, crypto.randomUUID());
    },
    expected: 'GlassboxCallbackHandler: handleChainStart failed: Error: hostile chain',
  },
  {
    name: 'traceRetriever, a result without documents',
    make: () => traceRetriever(() => ({ nothing: true })),
    expected: 'traceRetriever: no document list found in the result; pass a `documents` option',
  },
  {
    name: 'traceRetriever, a mapping option that throws',
    make: () => {
      const retrieve = traceRetriever((q: string) => [q], {
        query: () => {
          throw new Error('bad query reader');
        },
      });
      return () => retrieve('orders');
    },
    expected: 'traceRetriever: could not record the retrieval: Error: bad query reader',
  },
  {
    name: 'traceRewrite, an onFlag that throws',
    make: () => {
      const rewrite = traceRewrite((q: string) => `${q} ${'and more words '.repeat(10)}`, {
        onFlag: () => {
          throw new Error('flag handler down');
        },
      });
      return () => rewrite('orders');
    },
    expected: 'traceRewrite: onFlag threw: Error: flag handler down',
  },
  {
    name: 'traceRewrite, a needsRewrite that throws',
    make: () => {
      const rewrite = traceRewrite((q: string) => `${q}!`, {
        needsRewrite: () => {
          throw new Error('no vocabulary');
        },
      });
      return () => rewrite('orders');
    },
    expected: 'traceRewrite: needsRewrite threw, so the rewrite was not checked: Error: no vocabulary',
  },
  {
    name: 'traceRewrite, a result that is not a query',
    make: () => {
      const rewrite = traceRewrite((_q: string) => 42 as unknown as string);
      return () => rewrite('orders');
    },
    expected: 'traceRewrite: expected a query string or an object with a string `query`, in and out',
  },
];

// "Visible by default" means with no `logLevel` and no GLASSBOX_LOG_LEVEL.
beforeEach(() => {
  vi.stubEnv('GLASSBOX_LOG_LEVEL', undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(cases)('$name', ({ make, expected }) => {
  it('is reported once for two failures of that kind, by default', async () => {
    const { glassbox } = setupGlassbox({ logLevel: undefined });
    const call = make();
    const warnings = await glassboxWarnings(async () => {
      await call();
      await call();
    });
    expect(warnings).toEqual([expected]);
    await glassbox.shutdown();
  });

  it("is not reported at all with logLevel 'none'", async () => {
    const { glassbox } = setupGlassbox({ logLevel: 'none' });
    const call = make();
    const warnings = await glassboxWarnings(async () => {
      await call();
      await call();
    });
    expect(warnings).toEqual([]);
    await glassbox.shutdown();
  });
});
