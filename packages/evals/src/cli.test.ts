import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { afterAll, describe, expect, it } from 'vitest';
import { runEvalCli } from './index.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glassbox-eval-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dataset = (name: string, outputs: string[]) => {
  const file = join(dir, name);
  writeFileSync(
    file,
    outputs.map((o, i) => JSON.stringify({ id: `ex${i + 1}`, inputs: `q${i + 1}`, outputs: o })).join('\n'),
  );
  return file;
};
const v1 = dataset('v1.jsonl', ['see kb-1 for the details', 'kb-2', 'no source']);
const v2 = dataset('v2.jsonl', ['see kb-1 for the details', 'no source now', 'kb-3 now, and longer']);

async function run(...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => void (out += c));
  stderr.on('data', (c) => void (err += c));
  const code = await runEvalCli(argv, { stdout, stderr, env: {}, cwd: dir });
  return { code, out, err };
}

describe('glassbox eval, in process', () => {
  it('prints the table, writes the summary, exits 0', async () => {
    const r = await run(
      '--data',
      'v1.jsonl',
      '--scorers',
      fixture('scorers.ts'),
      '--out',
      'v1.json',
      '--concurrency',
      '2',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cites\s+pass_fail\s+2\/3 passed \(66\.7%\)/);
    expect(r.out).toContain('cites ✗ ex3: needs a kb-N source');
    const written = JSON.parse(readFileSync(join(dir, 'v1.json'), 'utf8'));
    expect(written.examples).toBe(3);
    // The command traces its run (to --traces when given): each result names its example's trace.
    expect(written.results[0].traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('exits 1 on a regression against the baseline, listing it', async () => {
    await run('--data', 'v1.jsonl', '--scorers', fixture('scorers.ts'), '--out', 'base.json');
    const r = await run('--data', v2, '--scorers', fixture('scorers.ts'), '--baseline', 'base.json');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/against baseline .*: 1 regression\(s\)/);
    expect(r.out).toContain('cites ↓ ex2: now_fails (pass → fail)');
    const same = await run('--data', v1, '--scorers', fixture('scorers.ts'), '--baseline', 'base.json');
    expect(same.code).toBe(0);
  });

  it('exits 2 on usage errors, saying what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['--scorers', fixture('scorers.ts')], /--data is required/],
      [['--data', v1, '--scorers', fixture('scorers.ts'), '--bogus'], /Unknown option '--bogus'/],
      [
        ['--data', v1, '--scorers', fixture('scorers.ts'), '--concurrency', 'many'],
        /--concurrency expects an integer >= 1/,
      ],
      [['--data', 'missing.jsonl', '--scorers', fixture('scorers.ts')], /cannot read .*missing\.jsonl/],
      [
        ['--data', v1, '--scorers', fixture('not-scorers.ts')],
        /must default-export a non-empty array of judges and scorers/,
      ],
      [['--data', v1, '--scorers', join(dir, 'nope.ts')], /cannot load the scorers module/],
      [['--data', v1, '--scorers', fixture('bad-traces.ts')], /`traces` must be a spanCollector\(\)/],
      [['--data', v1, '--scorers', fixture('scorers.ts'), '--baseline', v1], /baseline/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toContain('Usage: glassbox eval');
    }
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Exit codes: 0 done, 1 a regression against the baseline (or an error');
    expect(help.out).toContain('--fail-on-errors');
  });
});

describe('glassbox eval with a task', () => {
  it('traces the re-run task, so scorers and judges see its spans', async () => {
    const file = join(dir, 'questions.jsonl');
    writeFileSync(
      file,
      ['q1', 'q2'].map((q, i) => JSON.stringify({ id: `t${i + 1}`, inputs: q })).join('\n'),
    );
    const r = await run('--data', file, '--scorers', fixture('task-scorers.ts'), '--out', 'task.json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'task.json'), 'utf8'));
    for (const result of written.results) {
      expect(result.scores.saw_lookup.value, result.scores.saw_lookup.rationale).toBe(true);
      expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('exits 0 when examples error, and 1 with --fail-on-errors', async () => {
    const file = join(dir, 'boom.jsonl');
    writeFileSync(
      file,
      ['boom', 'boom'].map((q, i) => JSON.stringify({ id: `b${i + 1}`, inputs: q })).join('\n'),
    );
    const plain = await run('--data', file, '--scorers', fixture('task-scorers.ts'));
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('task ! b1: the task failed: the pipeline broke');
    const strict = await run('--data', file, '--scorers', fixture('task-scorers.ts'), '--fail-on-errors');
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('--fail-on-errors: 2 error(s)');
    const clean = await run('--data', v1, '--scorers', fixture('scorers.ts'), '--fail-on-errors');
    expect(clean.code).toBe(0);
  });

  it('exits 1 when a baseline example is missing from the run', async () => {
    await run('--data', 'v1.jsonl', '--scorers', fixture('scorers.ts'), '--out', 'full.json');
    const fewer = dataset('fewer.jsonl', ['see kb-1 for the details', 'kb-2']);
    const r = await run('--data', fewer, '--scorers', fixture('scorers.ts'), '--baseline', 'full.json');
    expect(r.code).toBe(1);
    expect(r.out).toContain('cites ↓ ex3: missing (fail → missing): not in this run');
    expect(r.out).toContain('length ↓ ex3: missing (9 → missing)');
  });
});

describe('glassbox eval, as a child process under tsx', () => {
  it('loads a .ts scorers module, writes the run to --traces, and exits 1 on a regression', async () => {
    await run('--data', v1, '--scorers', fixture('scorers.ts'), '--out', 'child-base.json');
    const traces = join(dir, 'eval-traces.jsonl');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fixture('eval-cli.ts'),
        '--data',
        v2,
        '--scorers',
        fixture('scorers.ts'),
        '--baseline',
        join(dir, 'child-base.json'),
        '--traces',
        traces,
      ],
      { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => void (out += c));
    child.stderr.on('data', (c) => void (err += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(err).toBe('');
    expect(code).toBe(1);
    expect(out).toContain('cites ↓ ex2: now_fails');
    const spans: TraceFileSpan[] = [];
    for await (const s of readTraceFile(traces)) spans.push(s);
    const feedback = spans.filter((s) => s.name === 'feedback cites');
    expect(feedback).toHaveLength(3);
    expect(feedback.every((s) => s.events.some((e) => e.name === 'gen_ai.evaluation.result'))).toBe(true);
  }, 30_000);
});
