import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTR, init, logFeedback, SpanType, withSpan } from '@glassbox/core';
import { InMemoryExporter, jsonFileExporter } from '@glassbox/exporters';
import { parentId } from '@glassbox/test-harness';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type DatasetExample,
  defineJudge,
  defineScorer,
  type EvalSummary,
  evaluate,
  formatSummary,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-evals-data-'));
const productionFile = join(dir, 'production.jsonl');
const memory = new InMemoryExporter();
const glassbox = init({
  exporters: [memory, jsonFileExporter({ path: productionFile })],
  exportMode: 'immediate',
  logLevel: 'none',
});
afterEach(() => memory.reset());
afterAll(async () => {
  await glassbox.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const cites = defineScorer({
  name: 'cites',
  score: ({ outputs }) => ({ value: /kb-\d+/.test(String(outputs)), rationale: 'looks for a kb-N id' }),
});
const quality = defineScorer({
  name: 'quality',
  score: ({ outputs }) => Math.min(5, String(outputs).length / 10),
});

describe('data from files', () => {
  it('a JSONL dataset (the viewer export): ids kept, expectations passed to scorers', async () => {
    const file = join(dir, 'dataset.jsonl');
    const lines: DatasetExample[] = [
      { id: 'a', inputs: 'q1', outputs: 'see kb-1', expectations: { expected_answer: 'kb-1' } },
      { id: 'b', inputs: 'q2', outputs: 'no idea' },
    ];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const seen: unknown[] = [];
    const spy = defineScorer({
      name: 'spy',
      score: ({ expectations }) => {
        seen.push(expectations);
        return true;
      },
    });
    const summary = await evaluate({ data: file, scorers: [cites, spy] });
    expect(summary.results.map((r) => [r.id, r.scores.cites?.value])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(seen).toContainEqual({ expected_answer: 'kb-1' });
  });

  it('a bad dataset line is an error naming the file and line', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"inputs": "ok"}\n{"inputs": "x", "expectations": "not an object"}\n');
    await expect(evaluate({ data: file, scorers: [cites] })).rejects.toThrow(
      /bad\.jsonl: line 2\.expectations/,
    );
    writeFileSync(file, '{"inputs": "ok"}\nnot json\n');
    await expect(evaluate({ data: file, scorers: [cites] })).rejects.toThrow(/line 2 is not JSON/);
    await expect(evaluate({ data: join(dir, 'missing.jsonl'), scorers: [cites] })).rejects.toThrow(
      /cannot read/,
    );
  });

  it('a trace file: re-judges the root spans without re-running, results land on the production traces', async () => {
    // "Production": two traced answers, one with an expected answer given as feedback.
    const answer = (question: string, text: string, doc: string) =>
      withSpan({ name: 'support_turn', type: SpanType.AGENT }, (root) => {
        root.setInputs({ question });
        withSpan({ name: 'retrieval help-center', type: SpanType.RETRIEVER }, (r) =>
          r.setAttribute('glassbox.retrieval.documents', JSON.stringify([{ id: doc }])),
        );
        root.setOutputs(text);
        return { traceId: root.traceId, spanId: root.spanId };
      });
    const good = answer('tent warranty', 'Two years (kb-4).', 'kb-4');
    const bad = answer('returns', 'Ask a colleague.', 'kb-1');
    logFeedback({
      ...bad,
      name: 'expected',
      value: false,
      expectations: { expected_answer: '30 days' },
      source: 'human',
    });
    await glassbox.flush();
    memory.reset();

    const prompts: string[] = [];
    const judge = defineJudge({
      name: 'grounded',
      instructions: 'Answer {{ outputs }} to {{ inputs }}, expected {{ expectations }}. Trace:\n{{ trace }}',
      model: async (prompt) => {
        prompts.push(prompt);
        return JSON.stringify({ value: prompt.includes('kb-4).') ? 'pass' : 'fail', rationale: 'checked' });
      },
    });
    const summary = await evaluate({ data: productionFile, scorers: [judge, cites] });
    expect(summary.results.map((r) => r.id).sort()).toEqual([good.traceId, bad.traceId].sort());
    const badResult = summary.results.find((r) => r.id === bad.traceId)!;
    expect(badResult).toMatchObject({ traceId: bad.traceId, spanId: bad.spanId });
    expect(badResult.scores.grounded).toMatchObject({ value: false });
    const badPrompt = prompts.find((p) => p.includes('Ask a colleague'))!;
    expect(badPrompt).toContain('"expected_answer": "30 days"');
    expect(badPrompt).toMatch(/- support_turn \[AGENT\].*\n[\s\S]*documents: kb-1/);

    await glassbox.flush();
    const all = memory.spans();
    const feedback = all.filter((s) => s.name === 'feedback grounded');
    expect(feedback).toHaveLength(2);
    const onBad = feedback.find((s) => s.spanContext().traceId === bad.traceId)!;
    expect(parentId(onBad)).toBe(bad.spanId);
    // The run's own spans (the judge's work) are a trace of their own, linked to the judged trace.
    const runRoot = all.find(
      (s) => s.name === 'eval_example' && s.attributes[ATTR.EVAL_EXAMPLE_ID] === bad.traceId,
    )!;
    expect(runRoot.spanContext().traceId).not.toBe(bad.traceId);
    expect(runRoot.links[0]?.context.spanId).toBe(bad.spanId);
  });
});

describe('baselines', () => {
  const data = [
    { id: 'one', inputs: 1 },
    { id: 'two', inputs: 2 },
    { id: 'three', inputs: 3 },
  ];
  const v1: Record<number, string> = {
    1: 'long answer citing kb-1 here',
    2: 'see kb-2',
    3: 'no source at all, sorry',
  };
  const v2: Record<number, string> = { 1: 'short, kb-1', 2: 'no', 3: 'now it cites kb-3 and is long' };

  it('reports examples that got worse: pass to fail, a lower score, a new error', async () => {
    const out = join(dir, 'baseline.json');
    const before = await evaluate({
      data,
      task: (n: number) => v1[n],
      scorers: [cites, quality],
      out,
      runId: 'v1',
    });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ runId: 'v1', examples: 3 });
    expect(before.regressions).toEqual([]);

    const after = await evaluate({
      data,
      task: (n: number) => {
        if (n === 3) throw new Error('v2 broke example three');
        return v2[n];
      },
      scorers: [cites, quality],
      baseline: out,
      runId: 'v2',
    });
    expect(after.baseline).toEqual({ runId: 'v1', examples: 3 });
    const found = after.regressions.map((r) => `${r.exampleId}/${r.scorer}/${r.kind}`).sort();
    expect(found).toEqual([
      'one/quality/score_dropped',
      'three/cites/now_errors',
      'three/quality/now_errors',
      'two/cites/now_fails',
      'two/quality/score_dropped',
    ]);
    expect(after.regressions.find((r) => r.kind === 'now_fails')).toMatchObject({
      before: true,
      after: false,
      reason: 'looks for a kb-N id',
    });
    const text = formatSummary(after);
    expect(text).toContain('against baseline v1: 5 regression(s)');
    expect(text).toContain('cites ↓ two: now_fails (pass → fail): looks for a kb-N id');

    // Comparing against an in-memory summary works the same; an improved run has no regressions.
    const again = await evaluate({
      data,
      task: (n: number) => v1[n],
      scorers: [cites, quality],
      baseline: before,
    });
    expect(again.regressions).toEqual([]);
  });

  it('refuses a baseline that is not a summary', async () => {
    const file = join(dir, 'not-summary.json');
    writeFileSync(file, '{"hello": 1}');
    await expect(evaluate({ data, scorers: [cites], baseline: file })).rejects.toThrow(
      /not-summary\.json is not an evaluate\(\) summary/,
    );
    await expect(evaluate({ data, scorers: [cites], baseline: {} as EvalSummary })).rejects.toThrow(
      /baseline/,
    );
  });
});
