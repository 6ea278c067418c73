import { describe, expect, it } from 'vitest';
import {
  type EvalSummary,
  type ExampleResult,
  findChanges,
  findRegressions,
  formatSummary,
} from './index.js';

const code = { type: 'code' as const };
const result = (id: string, scores: ExampleResult['scores']): ExampleResult => ({
  id,
  scores,
  durationMs: 1,
});
const baseline: EvalSummary = {
  runId: 'base',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
  examples: 4,
  taskErrors: 0,
  errors: 0,
  scorers: [],
  regressions: [],
  results: [
    result('a', { ok: { value: true, source: code }, tone: { value: 'friendly', source: code } }),
    result('b', { ok: { value: true, source: code }, stars: { value: 4, source: code } }),
    result('c', { ok: { value: false, source: code } }),
    result('gone', { ok: { value: true, source: code }, broken: { error: 'x', source: code } }),
  ],
};

describe('comparing a run with its baseline', () => {
  const current = [
    result('a', {
      ok: { value: true, source: code },
      tone: { value: 'curt', rationale: 'one word', source: code },
    }),
    result('b', { ok: { value: false, source: code }, stars: { value: 3, source: code } }),
    result('c', { ok: { error: 'boom', source: code } }),
    result('new', { ok: { value: false, source: code } }),
  ];

  it('reports pass→fail, a lower number, value→error and examples missing from the run as regressions', () => {
    const regressions = findRegressions(current, baseline);
    expect(regressions.map((r) => [r.exampleId, r.scorer, r.kind])).toEqual([
      ['gone', 'ok', 'missing'],
      ['b', 'ok', 'now_fails'],
      ['b', 'stars', 'score_dropped'],
      ['c', 'ok', 'now_errors'],
    ]);
    // A label change is not a regression (no label is "worse"), and neither is a new example.
    expect(regressions.some((r) => r.scorer === 'tone' || r.exampleId === 'new')).toBe(false);
  });

  it('reports label changes apart, and prints both', () => {
    const changes = findChanges(current, baseline);
    expect(changes).toEqual([
      { exampleId: 'a', scorer: 'tone', before: 'friendly', after: 'curt', rationale: 'one word' },
    ]);
    const text = formatSummary({
      ...baseline,
      runId: 'next',
      results: current,
      regressions: findRegressions(current, baseline),
      changes,
      baseline: { runId: 'base', examples: 4 },
    });
    expect(text).toContain('against baseline base: 4 regression(s)');
    expect(text).toContain('ok ↓ gone: missing (pass → missing): not in this run');
    expect(text).toContain('tone ~ a: changed (friendly → curt): one word');
  });
});
