import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Glassbox, GlassboxConfigError, init } from '@glassbox/core';
import { jsonFileExporter } from '@glassbox/exporters';
import { EvalDataError } from './dataset.js';
import { type EvaluateOptions, evaluate, type TraceSource } from './evaluate.js';
import { isScorer, type Scorer } from './scorer.js';
import { spanCollector } from './span-collector.js';
import { formatSummary } from './summary.js';

/** Where the eval command writes and what it reads (the process's, or a test's). */
export interface EvalCliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const USAGE = `Usage: glassbox eval --data <dataset.jsonl|traces.jsonl> --scorers <scorers.js|.mjs|.ts> [options]

Judges every example of a dataset (the viewer's export) or of a trace file with the judges and scorers
the scorers module default-exports (an array, or { scorers, task }; a named export \`task\` re-runs each
example's inputs, traced, so judges see its spans; a module that calls init() itself can export the
spanCollector() it added as \`traces\`). A .ts module needs tsx: npx tsx node_modules/.bin/glassbox eval ... (or node --import tsx).

Options:
  --data FILE          JSONL dataset ({ inputs, outputs?, expectations? } per line) or OTLP/JSON trace file
  --scorers FILE       module default-exporting judges and scorers
  --baseline FILE      a previous summary (--out): exit 1 if any example got worse
  --out FILE           write the summary as JSON
  --traces FILE        write the run's spans (feedback, judge calls) as a JSONL trace file
  --concurrency N      examples run at once (default 4)
  --timeout-ms N       time for one example (default 60000)
  --run-id ID          the run's id (default a random UUID)
  --fail-on-errors     exit 1 if any example errored (its task, a judge or a scorer)
  -h, --help           show this help

Exit codes: 0 done, 1 a regression against the baseline (or an error, with --fail-on-errors), 2 a usage error.
`;

class UsageError extends Error {}

/** The `glassbox eval` command: runs `evaluate` from files; resolves to the exit code (0, 1 on a regression or, with `--fail-on-errors`, an error, 2 on a usage error). */
export async function runEvalCli(argv: string[], io: EvalCliIo): Promise<number> {
  const write = (stream: NodeJS.WritableStream, text: string) => stream.write(text);
  let glassbox: Glassbox | undefined;
  try {
    const args = parse(argv);
    if (args.help) {
      write(io.stdout, USAGE);
      return 0;
    }
    const path = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
    // Traced even without --traces, so judges read what a re-run task did ({{ trace }}). Before the
    // module loads: a module that calls init() itself replaces this setup (and can export its `traces`).
    const collector = spanCollector();
    glassbox = init({
      serviceName: 'glassbox-eval',
      exporters: args.traces ? [jsonFileExporter({ path: path(args.traces) })] : [],
      spanProcessors: [collector],
    });
    const { scorers, task, traces } = await loadScorers(path(args.scorers));
    const options: EvaluateOptions = {
      data: path(args.data),
      scorers,
      ...(task ? { task } : {}),
      traces: traces ?? collector,
      ...(args.baseline ? { baseline: path(args.baseline) } : {}),
      ...(args.out ? { out: path(args.out) } : {}),
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
      ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
      ...(args.runId ? { runId: args.runId } : {}),
    };
    let summary: Awaited<ReturnType<typeof evaluate>>;
    try {
      summary = await evaluate(options);
    } catch (error) {
      if (GlassboxConfigError.isInstance(error) || error instanceof EvalDataError)
        throw new UsageError((error as Error).message);
      throw error;
    }
    write(io.stdout, formatSummary(summary));
    if (args.out) write(io.stdout, `summary written to ${args.out}\n`);
    if (args.failOnErrors && summary.errors > 0)
      write(io.stdout, `--fail-on-errors: ${summary.errors} error(s)\n`);
    return summary.regressions.length > 0 || (args.failOnErrors && summary.errors > 0) ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      write(io.stderr, `glassbox eval: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    await glassbox?.shutdown();
  }
}

interface Args {
  help: boolean;
  failOnErrors: boolean;
  data: string;
  scorers: string;
  baseline?: string;
  out?: string;
  traces?: string;
  concurrency?: number;
  timeoutMs?: number;
  runId?: string;
}

function parse(argv: string[]): Args {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        scorers: { type: 'string' },
        baseline: { type: 'string' },
        out: { type: 'string' },
        traces: { type: 'string' },
        concurrency: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'run-id': { type: 'string' },
        'fail-on-errors': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true, failOnErrors: false, data: '', scorers: '' };
  for (const required of ['data', 'scorers'])
    if (typeof values[required] !== 'string' || values[required] === '')
      throw new UsageError(`--${required} is required`);
  const integer = (flag: string, min: number): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min)
      throw new UsageError(`--${flag} expects an integer >= ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const str = (flag: string) => (typeof values[flag] === 'string' ? (values[flag] as string) : undefined);
  const concurrency = integer('concurrency', 1);
  const timeoutMs = integer('timeout-ms', 1);
  return {
    help: false,
    failOnErrors: values['fail-on-errors'] === true,
    data: values.data as string,
    scorers: values.scorers as string,
    ...(str('baseline') ? { baseline: str('baseline')! } : {}),
    ...(str('out') ? { out: str('out')! } : {}),
    ...(str('traces') ? { traces: str('traces')! } : {}),
    ...(str('run-id') ? { runId: str('run-id')! } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/** Imports the scorers module: `export default [...]` (plus `export const task`) or `export default { scorers, task }`. */
async function loadScorers(
  file: string,
): Promise<{ scorers: Scorer[]; task?: EvaluateOptions['task']; traces?: TraceSource }> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' (a .ts module needs tsx: run the command under `npx tsx` or `node --import tsx`, or compile it to .js)'
        : '';
    throw new UsageError(`cannot load the scorers module ${file}: ${(error as Error).message}${hint}`);
  }
  const exported = mod.default;
  const list = Array.isArray(exported)
    ? exported
    : exported && typeof exported === 'object' && Array.isArray((exported as { scorers?: unknown }).scorers)
      ? (exported as { scorers: unknown[] }).scorers
      : undefined;
  if (!list || list.length === 0 || !list.every(isScorer))
    throw new UsageError(
      `${file} must default-export a non-empty array of judges and scorers (defineJudge, guidelinesJudge, defineScorer), or { scorers, task }`,
    );
  const task = (exported as { task?: unknown }).task ?? mod.task;
  if (task !== undefined && typeof task !== 'function')
    throw new UsageError(`${file}: \`task\` must be a function`);
  const traces = (exported as { traces?: unknown }).traces ?? mod.traces;
  const isTraces = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    (typeof (v as { spansOf?: unknown }).spansOf === 'function' ||
      typeof (v as { spans?: unknown }).spans === 'function');
  if (traces !== undefined && !isTraces(traces))
    throw new UsageError(`${file}: \`traces\` must be a spanCollector() (or an object with spans())`);
  return {
    scorers: list as Scorer[],
    ...(task ? { task: task as EvaluateOptions['task'] } : {}),
    ...(traces ? { traces: traces as TraceSource } : {}),
  };
}
