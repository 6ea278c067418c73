import { ATTR, GlassboxConfigError, init, withSpan } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { json } from '../internal/llm/testing.js';
import { traceOpenAI } from './index.js';

const { exporter, span } = setupGlassbox();
beforeEach(() => exporter.reset());

// A structural stand-in for a client: methods return native promises, as an SDK wrapper or an
// OpenAI-compatible client might; the adapter must not depend on the SDK's own classes.
const legacyCompletion = {
  id: 'cmpl-1',
  object: 'text_completion',
  model: 'gpt-3.5-turbo-instruct',
  choices: [{ index: 0, text: ' world', finish_reason: 'length' }],
  usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
};
const stubClient = () => ({
  baseURL: 'https://llm.internal.example:8443/v1?token=abc',
  completions: { create: async (_params: Record<string, unknown>) => structuredClone(legacyCompletion) },
  chat: {
    completions: {
      create: (_params: Record<string, unknown>): Promise<unknown> => {
        throw new TypeError('sync failure');
      },
    },
  },
});

describe('traceOpenAI options and client shapes', () => {
  it('traces legacy completions on any structurally similar client, with native promises', async () => {
    const client = traceOpenAI(stubClient());
    const result = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'hello',
      max_tokens: 1,
    });
    expect(result).toEqual(legacyCompletion);
    const s = await span('text_completion gpt-3.5-turbo-instruct');
    expect(s.attributes).toMatchObject({
      [ATTR.GEN_AI_OPERATION_NAME]: 'text_completion',
      [ATTR.SERVER_ADDRESS]: 'llm.internal.example',
      [ATTR.SERVER_PORT]: 8443,
      [ATTR.GEN_AI_REQUEST_MAX_TOKENS]: 1,
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['length'],
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 2,
    });
    expect(json(s, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hello' }] },
    ]);
    expect(json(s, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: ' world' }], finish_reason: 'length' },
    ]);
  });

  it('rethrows a synchronous throw unchanged and ends the span as failed', async () => {
    const client = traceOpenAI(stubClient());
    expect(() => client.chat.completions.create({ model: 'm', messages: [] })).toThrow(TypeError);
    const s = await span('chat m');
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('TypeError');
  });

  it('keeps a call private inside a span whose captureContent is off, unless the client says otherwise', async () => {
    const quiet = traceOpenAI(stubClient());
    const loud = traceOpenAI(stubClient(), { captureContent: true });
    await withSpan({ name: 'private step', captureContent: false }, async () => {
      await quiet.completions.create({ model: 'quiet-model', prompt: 'secret' });
      await loud.completions.create({ model: 'loud-model', prompt: 'not secret' });
    });
    expect(
      (await span('text_completion quiet-model')).attributes[ATTR.GEN_AI_INPUT_MESSAGES],
    ).toBeUndefined();
    expect((await span('text_completion quiet-model')).attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS]).toBe(2);
    expect((await span('text_completion loud-model')).attributes[ATTR.GEN_AI_INPUT_MESSAGES]).toBeDefined();
  });

  it('applies the name and attributes options; user attributes win', async () => {
    const client = traceOpenAI(stubClient(), {
      name: (operation, model) => `${model} via gateway (${operation})`,
      attributes: { [ATTR.GEN_AI_PROVIDER_NAME]: 'azure.ai.openai', 'app.tier': 'gold' },
    });
    await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'x' });
    const s = await span('gpt-3.5-turbo-instruct via gateway (text_completion)');
    expect(s.attributes[ATTR.GEN_AI_PROVIDER_NAME]).toBe('azure.ai.openai');
    expect(s.attributes['app.tier']).toBe('gold');
  });

  it('is a plain call, with no span, when Glassbox is disabled', async () => {
    const client = traceOpenAI(stubClient());
    init({ enabled: false, exporters: [exporter], exportMode: 'immediate', logLevel: 'none' });
    try {
      expect(await client.completions.create({ model: 'm', prompt: 'x' })).toEqual(legacyCompletion);
      expect(exporter.spans()).toHaveLength(0);
    } finally {
      init({ exporters: [exporter], exportMode: 'immediate', logLevel: 'none' });
    }
  });

  it('rejects what is not a client and bad options with GlassboxConfigError naming the option', () => {
    expect(() => traceOpenAI({})).toThrow(GlassboxConfigError);
    expect(() => traceOpenAI(stubClient(), { captureContent: 'yes' as never })).toThrow(
      /traceOpenAI\.captureContent/,
    );
    expect(() => traceOpenAI(stubClient(), { streamIdleTimeoutMs: -1 })).toThrow(/streamIdleTimeoutMs/);
    expect(() => traceOpenAI(stubClient(), { name: 'x' as never })).toThrow(/traceOpenAI\.name/);
  });
});
