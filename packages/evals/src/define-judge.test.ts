import Anthropic from '@anthropic-ai/sdk';
import { traceAnthropic } from '@glassbox/adapters/anthropic';
import { traceOpenAI } from '@glassbox/adapters/openai';
import { GlassboxConfigError, SpanType, withSpan } from '@glassbox/core';
import { judgeProse, judgeReply, judgeResponder } from '@glassbox/fake-llm';
import { jsonAttr, onlySpan, parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { defineJudge, guidelinesJudge } from './index.js';

const { exporter, spans } = setupGlassbox();
const fake = useFakeLlm({ responder: judgeResponder() });
afterEach(() => exporter.reset());

const openai = () =>
  traceOpenAI(new OpenAI({ apiKey: 'test-key', baseURL: fake.openaiBaseURL, maxRetries: 0 }));
const judge = (overrides: Partial<Parameters<typeof defineJudge>[0]> = {}) =>
  defineJudge({
    name: 'correct',
    instructions: 'Question: {{ inputs }}\nAnswer: {{ outputs }}\nExpected: {{ expectations }}',
    model: { client: openai(), model: 'gpt-4o-mini' },
    ...overrides,
  });
const args = {
  inputs: { question: 'tent warranty?' },
  outputs: 'Two years.',
  expectations: { expected_answer: '2 years' },
};

describe('defineJudge at definition time', () => {
  it('names every unknown template variable', () => {
    const define = () => judge({ instructions: 'Is {{ answer }} right for {{inputs}}? {{ context }}' });
    expect(define).toThrow(GlassboxConfigError);
    expect(define).toThrow(
      /defineJudge\.instructions.*\{\{ answer \}\}, \{\{ context \}\}.*known: \{\{ inputs \}\}/,
    );
  });

  it('refuses instructions without any variable, a bad value type and a model that is neither', () => {
    expect(() => judge({ instructions: 'Is it good?' })).toThrow(
      /defineJudge\.instructions.*no template variable/,
    );
    expect(() => judge({ valueType: { type: 'number', min: 5, max: 1 } })).toThrow(/defineJudge\.valueType/);
    for (const bad of [
      { min: 1, max: Number.POSITIVE_INFINITY },
      { min: Number.NEGATIVE_INFINITY, max: 5 },
      { min: Number.NaN, max: 5 },
    ])
      expect(() => judge({ valueType: { type: 'number', ...bad } })).toThrow(
        /defineJudge\.valueType.*finite `min` < `max`/,
      );
    expect(() => judge({ valueType: { type: 'labels', labels: ['only'] } })).toThrow(
      /defineJudge\.valueType/,
    );
    expect(() => judge({ model: { client: {} as any, model: 'm' } })).toThrow(
      /defineJudge\.model.*chat\.completions/,
    );
    expect(() => judge({ nmae: 'x' } as any)).toThrow(/defineJudge\.nmae.*did you mean `name`/);
  });
});

describe('a judge on a traced OpenAI client', () => {
  it('asks for JSON, returns value + rationale, and traces the call as an EVALUATOR span with the LLM span inside', async () => {
    fake.enqueue(judgeReply(true, 'It says two years, as expected.'));
    const result = await judge().score(args);
    expect(result).toEqual({
      name: 'correct',
      value: true,
      rationale: 'It says two years, as expected.',
      source: { type: 'llm_judge', id: 'correct' },
    });
    const body = fake.requests[0]!.body as any;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[1].content).toContain('Answer: Two years.');
    expect(body.messages[1].content).toContain('"expected_answer": "2 years"');
    const all = await spans();
    const evaluator = onlySpan(all, 'judge correct');
    expect(evaluator.attributes['glassbox.span.type']).toBe(SpanType.EVALUATOR);
    expect(jsonAttr(evaluator, 'glassbox.outputs')).toEqual({
      value: true,
      rationale: 'It says two years, as expected.',
    });
    const llm = onlySpan(all, 'chat gpt-4o-mini');
    expect(parentId(llm)).toBe(evaluator.spanContext().spanId);
    expect(llm.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  });

  it('retries once on prose, telling the model what was wrong', async () => {
    fake.enqueue(judgeProse(), judgeReply(false, 'It says one year.'));
    const result = await judge().score(args);
    expect(result).toMatchObject({ value: false, rationale: 'It says one year.' });
    expect(fake.requests).toHaveLength(2);
    const retry = (fake.requests[1]!.body as any).messages;
    expect(retry.at(-2)).toMatchObject({
      role: 'assistant',
      content: expect.stringContaining('Looking at this'),
    });
    expect(retry.at(-1).content).toMatch(/could not be used: it was not JSON/);
  });

  it('says which field was wrong on a JSON answer that does not match', async () => {
    const scored = judge({ valueType: { type: 'number', min: 1, max: 5 } });
    fake.enqueue(
      { text: '{"value": 9, "rationale": "great"}' },
      { text: '{"value": 4, "rationale": "good"}' },
    );
    expect(await scored.score(args)).toMatchObject({ value: 4 });
    expect((fake.requests[1]!.body as any).messages.at(-1).content).toMatch(/did not match: value: .*5/);
  });

  it('records an error after two malformed answers, and marks its span failed', async () => {
    fake.enqueue(judgeProse(), judgeProse('Still prose.'));
    const result = await judge().score(args);
    expect(result).toMatchObject({
      name: 'correct',
      errorType: 'malformed_answer',
      source: { type: 'llm_judge' },
    });
    expect((result as any).error).toMatch(/malformed twice: it was not JSON \(it began "Still prose\."\)/);
    expect(fake.requests).toHaveLength(2);
    const evaluator = onlySpan(await spans(), 'judge correct');
    expect(evaluator.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records an error when the model call fails (no retry)', async () => {
    fake.enqueue({ error: { status: 500, message: 'upstream exploded' } });
    const result = await judge().score(args);
    expect((result as any).error).toMatch(/model call failed: .*upstream exploded/);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('other judge models', () => {
  it('an Anthropic client, through the messages API', async () => {
    const client = traceAnthropic(
      new Anthropic({ apiKey: 'test-key', baseURL: fake.anthropicBaseURL, maxRetries: 0 }),
    );
    fake.enqueue(judgeReply('friendly', 'Warm tone.'));
    const tone = defineJudge({
      name: 'tone',
      instructions: 'Rate the tone of {{ outputs }}',
      model: { client, model: 'claude-haiku-4-5' },
      valueType: { type: 'labels', labels: ['friendly', 'neutral', 'rude'] },
    });
    expect(await tone.score(args)).toMatchObject({ value: 'friendly', rationale: 'Warm tone.' });
    expect(fake.requests[0]!.api).toBe('messages');
    expect((fake.requests[0]!.body as any).system).toMatch(/impartial evaluator/);
  });

  it('a plain function, which gets the trace as a readable tree', async () => {
    let seen = '';
    const grounded = defineJudge({
      name: 'grounded',
      instructions: 'Is {{ outputs }} supported by the trace?\n{{ trace }}',
      model: async (prompt) => {
        seen = prompt;
        return '```json\n{"value": "pass", "rationale": "kb-2 says so"}\n```';
      },
    });
    withSpan({ name: 'support_turn', type: SpanType.AGENT }, (s) => {
      s.setInputs({ question: 'warranty' });
      withSpan({ name: 'retrieval help-center', type: SpanType.RETRIEVER }, (r) =>
        r.setAttribute('glassbox.retrieval.documents', JSON.stringify([{ id: 'kb-2', score: 0.9 }])),
      );
    });
    const trace = await spans();
    expect(await grounded.score({ ...args, trace })).toMatchObject({
      value: true,
      rationale: 'kb-2 says so',
    });
    expect(seen).toMatch(/- support_turn \[AGENT\] \d+ms\n {4}inputs: \{"question":"warranty"\}/);
    expect(seen).toMatch(/\n {2}- retrieval help-center \[RETRIEVER\] \d+ms\n {6}documents: kb-2/);
  });

  it('does not retry past the deadline when a model ignores the abort and answers prose late', async () => {
    const abort = new AbortController();
    let calls = 0;
    const late = defineJudge({
      name: 'late',
      instructions: 'Is {{ outputs }} right?',
      // Ignores its signal: the deadline passes while it "thinks", then it answers prose.
      model: async () => {
        calls++;
        abort.abort(new Error('timed out after 50 ms'));
        return 'I think it is fine.';
      },
    });
    const result = await late.score({ ...args, signal: abort.signal });
    expect(calls).toBe(1);
    expect(result).toMatchObject({ name: 'late', error: 'timed out after 50 ms', errorType: 'timeout' });
    const span = onlySpan(await spans(), 'judge late');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('a guidelines judge fails with a rationale that cites the broken guideline', async () => {
    const rules = guidelinesJudge({
      guidelines: ['answers cite a retrieved document', 'no SQL in the answer'],
      model: { client: openai(), model: 'gpt-4o-mini' },
    });
    const trace = '- retrieval help-center [RETRIEVER] 1ms\n    documents: kb-4, kb-1';
    const good = await rules.score({ inputs: 'q', outputs: 'Two years (source: kb-4).', trace });
    expect(good).toMatchObject({ name: 'guidelines', value: true });
    const bad = await rules.score({
      inputs: 'q',
      outputs: 'Run SELECT * FROM orders WHERE id = 1 (kb-4)',
      trace,
    });
    expect(bad).toMatchObject({ value: false });
    expect((bad as any).rationale).toMatch(/guideline 2 \("no SQL in the answer"\) is broken/);
  });
});
