import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runEvalCli } from '@glassbox/evals';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { judgeResponder, startFakeLlmServer } from '@glassbox/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runTs } from '../_support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-evals-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run: Awaited<ReturnType<typeof runTs>>;
const spans: TraceFileSpan[] = [];

beforeAll(async () => {
  // Offline whatever the developer's shell holds: no real judge model.
  const offline = { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GLASSBOX_JUDGE_BASE_URL: '' };
  run = await runTs('examples/evals/main.ts', { EVALS_OUT_DIR: dir, ...offline }, 40_000);
  const file = join(dir, 'traces.jsonl');
  if (existsSync(file)) for await (const span of readTraceFile(file)) spans.push(span);
}, 45_000);

const evaluationEvent = (s: TraceFileSpan) => s.events.find((e) => e.name === 'gen_ai.evaluation.result');

describe('examples/evals', () => {
  it('runs offline and exits cleanly, reporting the regression of the prompt change', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Judge model: the fake model server');
    expect(run.stdout).toMatch(/eval run baseline: 3 examples, 0 errors, \d+ ms, judges \$0\.\d{6}\n/);
    expect(run.stdout).toContain('against baseline baseline: 2 regression(s)');
    expect(run.stdout).toContain(
      'guidelines ↓ worn-boots: now_fails (pass → fail): guideline 2 ("no SQL in the answer") is broken',
    );
    expect(run.stdout).toContain('cites_expected_source ✗ tent-warranty: does not cite kb-104');
    expect(JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'))).toMatchObject({
      runId: 'baseline',
      examples: 3,
    });
  });

  it('records the re-judged verdicts inside the production traces, with the evaluation event', () => {
    const production = spans.filter((s) => s.name === 'support_turn' && s.parentSpanId === undefined);
    expect(production).toHaveLength(3);
    // The order-status answer cites no retrieved document; the other two cite theirs and show no SQL.
    const expected: [RegExp, 'pass' | 'fail'][] = [
      [/Where is my order/, 'fail'],
      [/hiking boots/, 'pass'],
      [/tent warranty/, 'pass'],
    ];
    const labelOf = (root: TraceFileSpan) => {
      const match = expected.find(([question]) => question.test(String(root.attributes['glassbox.inputs'])));
      expect(match, `a known question in ${String(root.attributes['glassbox.inputs'])}`).toBeDefined();
      return match![1];
    };
    expect(production.map(labelOf).sort()).toEqual(['fail', 'pass', 'pass']);
    for (const root of production) {
      const verdict = spans.find((s) => s.name === 'feedback guidelines' && s.parentSpanId === root.spanId);
      expect(verdict, `guidelines verdict on ${root.traceId}`).toBeDefined();
      expect(verdict!.traceId).toBe(root.traceId);
      expect(verdict!.attributes['glassbox.feedback.source']).toBe('llm_judge');
      const event = evaluationEvent(verdict!)!;
      expect(event.attributes['gen_ai.evaluation.name']).toBe('guidelines');
      expect(
        event.attributes['gen_ai.evaluation.score.label'],
        String(root.attributes['glassbox.inputs']),
      ).toBe(labelOf(root));
    }
    // The human's expected source reached the code scorer through the trace file.
    const human = spans.find((s) => s.name === 'feedback helpful')!;
    const scored = spans.find(
      (s) => s.name === 'feedback cites_expected_source' && s.traceId === human.traceId,
    )!;
    expect(evaluationEvent(scored)!.attributes).toMatchObject({
      'gen_ai.evaluation.score.label': 'fail',
      'gen_ai.evaluation.explanation': 'does not cite kb-104',
    });
  });

  it('traces each evaluated example, with the judge call (and its LLM span) inside', () => {
    const roots = spans.filter(
      (s) => s.name === 'eval_example' && s.attributes['glassbox.eval.run_id'] === 'prompt-change',
    );
    expect(roots).toHaveLength(3);
    for (const root of roots) {
      const inTrace = spans.filter((s) => s.traceId === root.traceId);
      expect(inTrace.some((s) => s.name === 'support_turn' && s.parentSpanId === root.spanId)).toBe(true);
      const judge = inTrace.find((s) => s.name === 'judge guidelines')!;
      expect(judge.attributes['glassbox.span.type']).toBe('EVALUATOR');
      expect(inTrace.some((s) => s.name === 'chat gpt-4o-mini' && s.parentSpanId === judge.spanId)).toBe(
        true,
      );
    }
  });

  it('scorers.ts works with glassbox eval on the trace file (here against a local OpenAI-compatible judge)', async () => {
    const judge = await startFakeLlmServer({ responder: judgeResponder() });
    const saved = process.env.GLASSBOX_JUDGE_BASE_URL;
    process.env.GLASSBOX_JUDGE_BASE_URL = judge.openaiBaseURL;
    try {
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (c) => void (out += c));
      const code = await runEvalCli(
        [
          '--data',
          join(dir, 'traces.jsonl'),
          '--scorers',
          'examples/evals/scorers.ts',
          '--out',
          join(dir, 'cli.json'),
        ],
        { stdout, stderr: process.stderr, env: process.env, cwd: REPO_ROOT },
      );
      expect(code).toBe(0);
      expect(out).toMatch(/guidelines\s+pass_fail\s+2\/3 passed/);
      expect(judge.requests.length).toBeGreaterThanOrEqual(3);
    } finally {
      if (saved === undefined) delete process.env.GLASSBOX_JUDGE_BASE_URL;
      else process.env.GLASSBOX_JUDGE_BASE_URL = saved;
      await judge.close();
    }
  });
});
