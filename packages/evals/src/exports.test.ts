import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineScorer, EvalDataError, isScoreFailure, isScorer, loadExamples } from './index.js';

// The public helpers `evaluate` is built on, checked on their own.

const dir = mkdtempSync(join(tmpdir(), 'glassbox-evals-exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadExamples', () => {
  it('gives examples stable ids: their own, else a hash of the inputs, a repeat suffixed', async () => {
    const examples = await loadExamples([{ id: 'a', inputs: 1 }, { inputs: 'q' }, { inputs: 'q' }]);
    expect(examples[0]).toEqual({ id: 'a', inputs: 1 });
    expect(examples[1]!.id).toMatch(/^[0-9a-f]{12}$/);
    expect(examples[2]!.id).toBe(`${examples[1]!.id}#2`);
    expect(await loadExamples([{ inputs: 'q' }])).toEqual([examples[1]]);
  });

  it('reads a JSONL dataset and names the file and line of a bad one', async () => {
    const good = join(dir, 'good.jsonl');
    writeFileSync(good, `${JSON.stringify({ id: 'x', inputs: 'hi', expectations: { a: 1 } })}\n\n`);
    expect(await loadExamples(good)).toEqual([{ id: 'x', inputs: 'hi', expectations: { a: 1 } }]);

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ inputs: 1 })}\n{nope\n`);
    const error = await loadExamples(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EvalDataError);
    expect((error as Error).message).toBe(`${bad}: line 2 is not JSON`);
  });

  it('rejects an example without inputs with an EvalDataError', async () => {
    await expect(loadExamples([{} as { inputs: unknown }])).rejects.toThrow(
      new EvalDataError('data[0].inputs: required'),
    );
  });
});

describe('isScorer and isScoreFailure', () => {
  it('tell scorers and failed results apart', async () => {
    const scorer = defineScorer({
      name: 'short',
      score: ({ outputs }) => {
        if (outputs === undefined) throw new Error('no outputs');
        return String(outputs).length < 5;
      },
    });
    expect(isScorer(scorer)).toBe(true);
    expect(isScorer({ name: 'x', score: async () => ({}) })).toBe(true);
    expect(isScorer({ name: 'x' })).toBe(false);
    expect(isScorer(null)).toBe(false);

    const ok = await scorer.score({ inputs: 'q', outputs: 'hi' });
    const failed = await scorer.score({ inputs: 'q', outputs: undefined });
    expect(isScoreFailure(ok)).toBe(false);
    expect(isScoreFailure(failed)).toBe(true);
    expect(failed).toMatchObject({ name: 'short', error: 'the scorer threw: no outputs' });
  });
});
