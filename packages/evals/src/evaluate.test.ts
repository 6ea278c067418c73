import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { traceOpenAI } from '@glassbox/adapters/openai';
import { ATTR, init, SpanType, withSpan } from '@glassbox/core';
import { InMemoryExporter, jsonFileExporter, readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { judgeProse, judgeReply, judgeResponder } from '@glassbox/fake-llm';
import { parentId } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  defineJudge,
  defineScorer,
  evaluate,
  formatSummary,
  guidelinesJudge,
  spanCollector,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-evals-'));
const traceFile = join(dir, 'run.jsonl');
const memory = new InMemoryExporter();
const collector = spanCollector();
const glassbox = init({
  exporters: [memory, jsonFileExporter({ path: traceFile })],
  spanProcessors: [collector],
  exportMode: 'immediate',
  logLevel: 'none',
});
const fake = useFakeLlm({ responder: judgeResponder() });
afterEach(() => memory.reset());
afterAll(async () => {
  await glassbox.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const spans = async () => {
  await glassbox.flush();
  return memory.spans();
};
const events = (s: ReadableSpan) => s.events.filter((e) => e.name === 'gen_ai.evaluation.result');
const feedbackNamed = (all: ReadableSpan[], name: string) => all.filter((s) => s.name === `feedback ${name}`);
const openai = () => traceOpenAI(new OpenAI({ apiKey: 'k', baseURL: fake.openaiBaseURL, maxRetries: 0 }));

const short = defineScorer({ name: 'short', score: ({ outputs }) => String(outputs).length <= 25 });
const length = defineScorer({
  name: 'length',
  score: ({ outputs }) => ({ value: String(outputs).length, rationale: 'characters' }),
});
const data = [
  { id: 'warranty', inputs: { q: 'tent warranty' }, expectations: { expected_answer: 'two years' } },
  { id: 'returns', inputs: { q: 'returns' } },
  { id: 'shipping', inputs: { q: 'shipping' } },
];
const answers: Record<string, string> = {
  'tent warranty': 'Two years (kb-4).',
  returns: 'Within 30 days, unused, see kb-1.',
  shipping: 'SELECT eta FROM orders',
};

describe('evaluate with a task', () => {
  it('traces each example, records each result as a feedback span with the evaluation event, and summarises', async () => {
    const summary = await evaluate({
      data,
      task: async ({ q }: { q: string }) => answers[q],
      scorers: [short, length],
      runId: 'run-1',
    });
    const all = await spans();
    const roots = all.filter((s) => s.name === 'eval_example');
    expect(roots).toHaveLength(3);
    for (const root of roots) {
      expect(parentId(root)).toBeUndefined();
      expect(root.attributes['glassbox.span.type']).toBe(SpanType.CHAIN);
      expect(root.attributes[ATTR.EVAL_RUN_ID]).toBe('run-1');
    }
    const warranty = roots.find((r) => r.attributes[ATTR.EVAL_EXAMPLE_ID] === 'warranty')!;
    expect(JSON.parse(String(warranty.attributes['glassbox.outputs']))).toBe('Two years (kb-4).');
    const [f] = feedbackNamed(all, 'short').filter(
      (s) => s.spanContext().traceId === warranty.spanContext().traceId,
    );
    expect(parentId(f!)).toBe(warranty.spanContext().spanId);
    expect(f!.links[0]?.context.spanId).toBe(warranty.spanContext().spanId);
    expect(f!.attributes[ATTR.FEEDBACK_SOURCE]).toBe('code');
    expect(f!.attributes[ATTR.FEEDBACK_SOURCE_ID]).toBe('short');
    expect(events(f!)[0]?.attributes).toEqual({
      'gen_ai.evaluation.name': 'short',
      'gen_ai.evaluation.score.value': 1,
      'gen_ai.evaluation.score.label': 'pass',
    });
    const lengthEvent = events(feedbackNamed(all, 'length')[0]!)[0]!.attributes!;
    expect(lengthEvent['gen_ai.evaluation.explanation']).toBe('characters');
    expect(typeof lengthEvent['gen_ai.evaluation.score.value']).toBe('number');

    expect(summary.examples).toBe(3);
    expect(summary.errors).toBe(0);
    const [shortSummary, lengthSummary] = summary.scorers;
    expect(shortSummary).toMatchObject({ kind: 'pass_fail', passed: 2, failed: 1, count: 3 });
    expect(shortSummary!.passRate).toBeCloseTo(2 / 3);
    expect(shortSummary!.failures).toEqual([{ exampleId: 'returns', value: false }]);
    expect(lengthSummary).toMatchObject({ kind: 'number', min: 17, max: 33 });
    expect(lengthSummary!.mean).toBeCloseTo((17 + 33 + 22) / 3);
    expect(formatSummary(summary)).toMatch(/short\s+pass_fail\s+2\/3 passed \(66\.7%\)\s+0\s+0/);
  });

  it('gives judges the task trace, and their calls land in the example trace', async () => {
    const answer = async ({ q }: { q: string }) => {
      // A priced step of the task's own: its cost is the task's, not the judges'.
      withSpan({ name: 'priced tool', type: SpanType.TOOL }, (t) =>
        t.setAttribute(ATTR.GEN_AI_USAGE_COST, 1),
      );
      await withSpan({ name: 'retrieval kb', type: SpanType.RETRIEVER }, (r) =>
        r.setAttribute(
          'glassbox.retrieval.documents',
          JSON.stringify([{ id: q === 'returns' ? 'kb-1' : 'kb-9' }]),
        ),
      );
      return answers[q];
    };
    const judge = guidelinesJudge({
      guidelines: ['answers cite a retrieved document', 'no SQL in the answer'],
      model: { client: openai(), model: 'gpt-4o-mini' },
    });
    const summary = await evaluate({
      data,
      task: answer,
      scorers: [judge],
      traces: collector,
      concurrency: 2,
    });
    const byId = Object.fromEntries(summary.results.map((r) => [r.id, r.scores.guidelines]));
    expect(byId.returns).toMatchObject({ value: true });
    expect(byId.warranty).toMatchObject({ value: false });
    expect(byId.warranty!.rationale).toMatch(/guideline 1 .*kb-9/);
    expect(byId.shipping!.rationale).toMatch(/guideline 2 \("no SQL in the answer"\)/);
    const all = await spans();
    const root = all.find(
      (s) => s.name === 'eval_example' && s.attributes[ATTR.EVAL_EXAMPLE_ID] === 'returns',
    )!;
    const judgeSpan = all.find(
      (s) => s.name === 'judge guidelines' && s.spanContext().traceId === root.spanContext().traceId,
    )!;
    expect(parentId(judgeSpan)).toBe(root.spanContext().spanId);
    expect(
      all.some((s) => s.name === 'chat gpt-4o-mini' && parentId(s) === judgeSpan.spanContext().spanId),
    ).toBe(true);

    // The judges' cost, apart from the task's: the LLM spans under each `judge guidelines` span.
    let total = 0;
    for (const result of summary.results) {
      const judgeLlm = all.filter(
        (s) =>
          s.name === 'chat gpt-4o-mini' &&
          s.spanContext().traceId === result.traceId &&
          all.some((j) => j.name === 'judge guidelines' && j.spanContext().spanId === parentId(s)),
      );
      const expected = judgeLlm.reduce((n, s) => n + Number(s.attributes[ATTR.GEN_AI_USAGE_COST]), 0);
      expect(expected).toBeGreaterThan(0);
      expect(result.judgeCostUsd).toBeCloseTo(expected, 10);
      total += expected;
    }
    expect(summary.judgeCostUsd).toBeCloseTo(total, 10);
    expect(summary.judgeCostUsd!).toBeLessThan(1);
    expect(formatSummary(summary)).toMatch(/, judges \$\d+\.\d{6}\n/);
  });
});

describe('bad input becomes a recorded error of its example', () => {
  it('a scorer that throws, a task that throws, a task that hangs, a judge that answers prose', async () => {
    const throws = defineScorer({
      name: 'throws',
      score: ({ inputs }) => {
        if ((inputs as { q: string }).q === 'returns') throw new RangeError('no score for returns');
        return true;
      },
    });
    const judge = defineJudge({
      name: 'judge',
      instructions: 'Is {{ outputs }} right?',
      model: { client: openai(), model: 'gpt-4o-mini' },
    });
    // Every request of this run answers prose: the judge retries once per example, then records an error.
    const prose = useProse();
    const summary = await evaluate({
      data: [...data, { id: 'hangs', inputs: { q: 'hangs' } }, { id: 'fails', inputs: { q: 'fails' } }],
      task: ({ q }: { q: string }) => {
        if (q === 'hangs') return new Promise(() => {});
        if (q === 'fails') throw new Error('the pipeline broke');
        return answers[q];
      },
      scorers: [throws, judge],
      timeoutMs: 300,
      graceMs: 50,
    });
    prose.restore();
    const byId = Object.fromEntries(summary.results.map((r) => [r.id, r]));
    expect(byId.hangs!.error).toBe('timed out after 300 ms');
    expect(byId.fails!.error).toBe('the task failed: the pipeline broke');
    expect(byId.hangs!.scores.judge).toMatchObject({ errorType: 'task_failed' });
    expect(byId.returns!.scores.throws).toMatchObject({
      error: 'the scorer threw: no score for returns',
      errorType: 'RangeError',
    });
    expect(byId.warranty!.scores.judge!.error).toMatch(/malformed twice/);
    expect(summary.taskErrors).toBe(2);
    const [throwsSummary, judgeSummary] = summary.scorers;
    expect(throwsSummary).toMatchObject({ errors: 1, skipped: 2, passed: 2 });
    expect(judgeSummary).toMatchObject({ errors: 3, skipped: 2, count: 0 });
    expect(summary.errors).toBe(2 + 1 + 3);
    const text = formatSummary(summary);
    expect(text).toContain('task ! hangs: timed out after 300 ms');
    expect(text).toContain('throws ! returns: the scorer threw: no score for returns');

    const all = await spans();
    const failedRoot = all.find(
      (s) => s.name === 'eval_example' && s.attributes[ATTR.EVAL_EXAMPLE_ID] === 'hangs',
    )!;
    expect(failedRoot.status.code).toBe(SpanStatusCode.ERROR);
    const failedFeedback = feedbackNamed(all, 'throws').find((s) => s.status.code === SpanStatusCode.ERROR)!;
    expect(events(failedFeedback)[0]?.attributes).toEqual({
      'gen_ai.evaluation.name': 'throws',
      'error.type': 'RangeError',
    });
    expect(failedFeedback.attributes[ATTR.FEEDBACK_VALUE]).toBeUndefined();
  });

  it('a judge model that fails, and a hung judge cut by the timeout', async () => {
    fake.enqueue({ error: { status: 503, message: 'overloaded' } });
    const judge = defineJudge({
      name: 'judge',
      instructions: 'Is {{ outputs }} right?',
      model: { client: openai(), model: 'gpt-4o-mini' },
    });
    const hung = defineJudge({
      name: 'hung',
      instructions: '{{ outputs }}',
      model: () => new Promise(() => {}),
    });
    const summary = await evaluate({
      data: [{ inputs: 'q', outputs: 'a' }],
      scorers: [judge, hung],
      timeoutMs: 200,
      graceMs: 50,
    });
    const scores = summary.results[0]!.scores;
    expect(scores.judge!.error).toMatch(/model call failed: .*overloaded/);
    expect(scores.hung).toMatchObject({ error: 'timed out after 200 ms', errorType: 'timeout' });
    expect(summary.errors).toBe(2);
  });

  it('refuses bad options, naming them', async () => {
    await expect(evaluate({ data, scorers: [] })).rejects.toThrow(/evaluate\.scorers/);
    await expect(evaluate({ data, scorers: [short, short] })).rejects.toThrow(
      /two scorers are named "short"/,
    );
    await expect(evaluate({ data: [{ outputs: 'x' } as any], scorers: [short] })).rejects.toThrow(
      /data\[0\]\.inputs: required/,
    );
    await expect(evaluate({ data, scorers: [short], concurrency: 0 })).rejects.toThrow(
      /evaluate\.concurrency/,
    );
  });
});

describe('timeouts hold the example until the aborted step settles', () => {
  it("aborts the task's signal at the timeout and keeps its slot and root span until the task stops", async () => {
    let running = 0;
    let maxRunning = 0;
    const signals: AbortSignal[] = [];
    const summary = await evaluate({
      data: [
        { id: 'a', inputs: 'a' },
        { id: 'b', inputs: 'b' },
        { id: 'c', inputs: 'c' },
      ],
      // Honours its signal, but takes a moment to wind down (ending a span of its own).
      task: (_inputs: string, { signal }) =>
        withSpan({ name: 'slow step', type: SpanType.TOOL }, () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          signals.push(signal);
          return new Promise((_, reject) =>
            signal.addEventListener('abort', () =>
              setTimeout(() => {
                running--;
                reject(new Error('stopped'));
              }, 30),
            ),
          );
        }),
      scorers: [short],
      concurrency: 1,
      timeoutMs: 50,
      graceMs: 5000,
    });
    expect(signals).toHaveLength(3);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(String((signals[0]!.reason as Error).message)).toBe('timed out after 50 ms');
    expect(maxRunning).toBe(1);
    expect(running).toBe(0);
    expect(summary.results.map((r) => r.error)).toEqual(Array(3).fill('timed out after 50 ms'));
    const all = await spans();
    const roots = all.filter((s) => s.name === 'eval_example');
    expect(roots).toHaveLength(3);
    for (const root of roots) {
      const step = all.find(
        (s) => s.name === 'slow step' && s.spanContext().traceId === root.spanContext().traceId,
      )!;
      // The task's span ended inside its example, not after it (spans are exported as they end).
      expect(all.indexOf(step)).toBeLessThan(all.indexOf(root));
    }
  });

  it('gives up on a task that ignores the signal after graceMs, and counts a late answer as a timeout', async () => {
    const late: string[] = [];
    const summary = await evaluate({
      data: [
        { id: 'ignores', inputs: 'x' },
        { id: 'late', inputs: 'y' },
      ],
      task: (inputs: string, { signal }) =>
        inputs === 'x'
          ? new Promise(() => {})
          : new Promise((resolve) =>
              signal.addEventListener('abort', () => {
                late.push(inputs);
                resolve('an answer after all');
              }),
            ),
      scorers: [short],
      timeoutMs: 50,
      graceMs: 20,
    });
    expect(late).toEqual(['y']);
    expect(summary.results.map((r) => r.error)).toEqual(['timed out after 50 ms', 'timed out after 50 ms']);
    await expect(evaluate({ data, scorers: [short], graceMs: -1 })).rejects.toThrow(/evaluate\.graceMs/);
  });
});

describe('print', () => {
  it('writes the summary table to the given stream, or nothing by default', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c) => void (text += c));
    const summary = await evaluate({
      data: [{ inputs: 'q', outputs: 'short' }],
      scorers: [short],
      print: stream,
    });
    expect(text).toBe(formatSummary(summary));
    expect(text).toMatch(/short\s+pass_fail\s+1\/1 passed/);
    await expect(evaluate({ data, scorers: [short], print: 'yes' as any })).rejects.toThrow(
      /evaluate\.print/,
    );
  });
});

describe('the JSONL trace file', () => {
  it('holds the feedback spans with their evaluation events, inside the example traces', async () => {
    const summary = await evaluate({
      data,
      task: ({ q }: { q: string }) => answers[q],
      scorers: [short],
      runId: 'file-run',
    });
    await glassbox.flush();
    const fileSpans: TraceFileSpan[] = [];
    for await (const s of readTraceFile(traceFile)) fileSpans.push(s);
    const roots = fileSpans.filter(
      (s) => s.name === 'eval_example' && s.attributes[ATTR.EVAL_RUN_ID] === 'file-run',
    );
    expect(roots).toHaveLength(3);
    for (const root of roots) {
      const fb = fileSpans.find((s) => s.name === 'feedback short' && s.parentSpanId === root.spanId)!;
      expect(fb.traceId).toBe(root.traceId);
      expect(fb.links[0]).toMatchObject({ traceId: root.traceId, spanId: root.spanId });
      const event = fb.events.find((e) => e.name === 'gen_ai.evaluation.result')!;
      const result = summary.results.find((r) => r.traceId === root.traceId)!;
      expect(event.attributes['gen_ai.evaluation.score.label']).toBe(
        result.scores.short!.value ? 'pass' : 'fail',
      );
    }
    expect(readFileSync(traceFile, 'utf8')).toContain('gen_ai.evaluation.result');
  });
});

/** Makes the fake server answer prose to every request until restored. */
function useProse() {
  const scripts = Array.from({ length: 20 }, () => judgeProse());
  fake.enqueue(...scripts);
  return { restore: () => fake.reset() };
}
void judgeReply;
