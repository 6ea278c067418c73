import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR, logFeedback, startSpan } from './index.js';

const { exporter, span } = setupGlassbox();
afterEach(() => exporter.reset());

function target() {
  const s = startSpan({ name: 'answer' });
  s.end();
  return { traceId: s.traceId, spanId: s.spanId };
}

const event = (s: { events: { name: string; attributes?: Record<string, unknown> }[] }) => {
  const found = s.events.filter((e) => e.name === 'gen_ai.evaluation.result');
  expect(found).toHaveLength(1);
  return found[0]!.attributes ?? {};
};

describe('logFeedback', () => {
  it('accepts a source with an id, and keeps the plain source string working', async () => {
    const t = target();
    logFeedback({ ...t, name: 'judge', value: 4, source: { type: 'llm_judge', id: 'tone-judge' } });
    logFeedback({ ...t, name: 'human', value: 'good', source: 'human' });
    const judged = await span('feedback judge');
    expect(judged.attributes[ATTR.FEEDBACK_SOURCE]).toBe('llm_judge');
    expect(judged.attributes[ATTR.FEEDBACK_SOURCE_ID]).toBe('tone-judge');
    const human = await span('feedback human');
    expect(human.attributes[ATTR.FEEDBACK_SOURCE]).toBe('human');
    expect(human.attributes[ATTR.FEEDBACK_SOURCE_ID]).toBeUndefined();
  });

  it('carries a gen_ai.evaluation.result event on the child of the judged span', async () => {
    const t = target();
    logFeedback({ ...t, name: 'relevance', value: 0.75, rationale: 'mostly on topic', source: 'code' });
    const f = await span('feedback relevance');
    expect(parentId(f)).toBe(t.spanId);
    expect(f.spanContext().traceId).toBe(t.traceId);
    expect(event(f)).toEqual({
      'gen_ai.evaluation.name': 'relevance',
      'gen_ai.evaluation.score.value': 0.75,
      'gen_ai.evaluation.explanation': 'mostly on topic',
    });
  });

  it('writes booleans as 1/0 with a pass/fail label, strings as labels', async () => {
    const t = target();
    logFeedback({ ...t, name: 'ok', value: true, source: 'llm_judge' });
    logFeedback({ ...t, name: 'bad', value: false, source: 'llm_judge' });
    logFeedback({ ...t, name: 'tone', value: 'friendly', source: 'llm_judge' });
    expect(event(await span('feedback ok'))).toMatchObject({
      'gen_ai.evaluation.score.value': 1,
      'gen_ai.evaluation.score.label': 'pass',
    });
    expect(event(await span('feedback bad'))).toMatchObject({
      'gen_ai.evaluation.score.value': 0,
      'gen_ai.evaluation.score.label': 'fail',
    });
    const tone = event(await span('feedback tone'));
    expect(tone['gen_ai.evaluation.score.label']).toBe('friendly');
    expect(tone['gen_ai.evaluation.score.value']).toBeUndefined();
  });

  it('captures expectations as redacted JSON', async () => {
    const t = target();
    logFeedback({
      ...t,
      name: 'correct',
      value: false,
      expectations: { expected_answer: 'two years', api_key: 'sk-abcdefghijklmnopqrstuvwx' },
      source: 'human',
    });
    const f = await span('feedback correct');
    expect(jsonAttr(f, ATTR.FEEDBACK_EXPECTATIONS)).toEqual({
      expected_answer: 'two years',
      api_key: '[REDACTED]',
    });
  });

  it('records a failed judgement: no value, ERROR status, error.type on the event', async () => {
    const t = target();
    logFeedback({ ...t, name: 'judge', error: new TypeError('model said prose'), source: 'llm_judge' });
    const f = await span('feedback judge');
    expect(f.status.code).toBe(SpanStatusCode.ERROR);
    expect(f.status.message).toBe('model said prose');
    expect(f.attributes[ATTR.FEEDBACK_VALUE]).toBeUndefined();
    expect(event(f)).toEqual({ 'gen_ai.evaluation.name': 'judge', 'error.type': 'TypeError' });
  });

  it('rejects a bad source object, missing value and non-object expectations, naming the field', () => {
    const t = target();
    expect(() => logFeedback({ ...t, name: 'n', value: 1, source: { type: 'robot' as any } })).toThrow(
      /logFeedback\.source\.type/,
    );
    expect(() => logFeedback({ ...t, name: 'n', source: 'human' })).toThrow(/logFeedback\.value/);
    expect(() =>
      logFeedback({ ...t, name: 'n', value: 1, source: 'human', expectations: 'yes' as any }),
    ).toThrow(/logFeedback\.expectations/);
  });
});

describe('logFeedback with content capture off', () => {
  it('leaves the expectations out and keeps the verdict', async () => {
    // Last test of the file: this re-init stays in place for the rest of it.
    const off = setupGlassbox({ captureContent: false });
    const t = target();
    logFeedback({ ...t, name: 'x', value: 1, expectations: { expected_answer: 'a' }, source: 'human' });
    const f = await off.span('feedback x');
    expect(f.attributes[ATTR.FEEDBACK_EXPECTATIONS]).toBeUndefined();
    expect(f.attributes[ATTR.FEEDBACK_VALUE]).toBe(1);
  });
});
