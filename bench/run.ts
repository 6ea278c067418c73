/**
 * `pnpm bench [--quick] [--only=flat,nested,...]`
 *
 * Each scenario runs in a child process of its own: a fresh heap for its memory figures, its own global
 * OpenTelemetry setup (the uninitialised case needs a process where nothing was ever registered, the
 * sampled-out case one where every SDK samples at 0), and a clean JIT. Inside a scenario the variants
 * are interleaved round-robin (see harness.ts). Children get `--expose-gc` whatever way this parent was
 * started. A full run writes bench/results/latest.json and latest.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBench } from './build.js';
import {
  ADAPTER_NOTE_ENV,
  benchDir,
  blockedConnections,
  forkBench,
  guardNetwork,
  hasGc,
  MAX_VALUE_LENGTH_ENV,
  repoRoot,
} from './harness.js';
import { caseTable, markdown, type ScenarioReport, targetLines } from './report.js';

type ScenarioRun = (quick: boolean) => Promise<Omit<ScenarioReport, 'blockedConnections'>>;

// Loaded lazily: a scenario process imports only what it measures.
const SCENARIOS: Record<string, ScenarioRun> = {
  'disabled-uninitialised': async (q) => (await import('./scenarios/disabled.js')).runUninitialised(q),
  flat: async (q) => (await import('./scenarios/flat.js')).runFlat(q),
  nested: async (q) => (await import('./scenarios/nested.js')).runNested(q),
  'payload-100kb': async (q) => (await import('./scenarios/payload-100kb.js')).runPayload(q),
  'disabled-sampled-out': async (q) => (await import('./scenarios/disabled.js')).runSampledOut(q),
  'disabled-off': async (q) => (await import('./scenarios/disabled.js')).runTurnedOff(q),
  generator: async (q) => (await import('./scenarios/generator.js')).runGenerator(q),
  openai: async (q) => (await import('./scenarios/openai.js')).runOpenAI(q),
  memory: async (q) => (await import('./scenarios/memory.js')).runMemory(q),
};

interface Args {
  quick: boolean;
  only: string[] | undefined;
  scenario: string | undefined;
  serveFakeLlm: boolean;
  /** Glassbox's maxValueLength instead of its default (a run with it writes no results). */
  maxValueLength: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    only: undefined,
    scenario: undefined,
    serveFakeLlm: false,
    maxValueLength: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // `pnpm bench -- --quick` passes the `--` through.
    if (arg === '--') continue;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--serve-fake-llm') args.serveFakeLlm = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--scenario') args.scenario = argv[++i];
    else if (arg.startsWith('--max-value-length=')) {
      args.maxValueLength = Number(arg.slice('--max-value-length='.length));
      if (!Number.isInteger(args.maxValueLength) || args.maxValueLength < 1)
        throw new Error(`--max-value-length takes a positive integer, not ${arg}`);
    } else throw new Error(`unknown argument ${arg} (use --quick, --only=a,b, --max-value-length=N)`);
  }
  return args;
}

function runChild(id: string, quick: boolean, env: Record<string, string>): Promise<ScenarioReport> {
  return new Promise((resolve) => {
    const child = forkBench(['--scenario', id, ...(quick ? ['--quick'] : [])], env);
    let report: ScenarioReport | undefined;
    let failure: string | undefined;
    child.on('message', (message: { report?: ScenarioReport; error?: string }) => {
      if (message.report) report = message.report;
      if (message.error) failure = message.error;
    });
    child.on('exit', (code) => {
      resolve(
        report ?? {
          scenario: id,
          cases: [],
          skipped: `FAILED: ${failure ?? `the scenario process exited with code ${code}`}`,
          blockedConnections: [],
        },
      );
    });
  });
}

async function runScenarioProcess(id: string, quick: boolean): Promise<void> {
  const send = (message: unknown) =>
    new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  try {
    const run = SCENARIOS[id];
    if (!run) throw new Error(`unknown scenario ${id}`);
    if (!hasGc()) throw new Error('run with --expose-gc');
    guardNetwork();
    const report = await run(quick);
    await send({ report: { ...report, blockedConnections: [...blockedConnections] } });
    process.exit(0);
  } catch (error) {
    await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
}

function readVersion(packageJson: string): string {
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function machine(): Record<string, unknown> {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1]!.trim();
  } catch {
    // Not Linux: os.cpus() already named it.
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    // Not a git checkout.
  }
  const peer = (name: string) => readVersion(path.join(benchDir, 'node_modules', name, 'package.json'));
  return {
    cpu: cpuModel,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit,
    packages: {
      '@glassbox/core': readVersion(path.join(repoRoot, 'packages/core/package.json')),
      '@opentelemetry/api': peer('@opentelemetry/api'),
      '@opentelemetry/sdk-trace-base': peer('@opentelemetry/sdk-trace-base'),
      '@arizeai/openinference-core': peer('@arizeai/openinference-core'),
      '@langfuse/tracing': peer('@langfuse/tracing'),
      '@traceloop/node-server-sdk': peer('@traceloop/node-server-sdk'),
      openai: peer('openai'),
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.serveFakeLlm) {
    const { serveFakeLlm } = await import('./scenarios/openai.js');
    await serveFakeLlm();
    return;
  }
  if (args.scenario) {
    await runScenarioProcess(args.scenario, args.quick);
    return;
  }
  const ids = args.only ?? Object.keys(SCENARIOS);
  for (const id of ids)
    if (!SCENARIOS[id])
      throw new Error(`unknown scenario ${id} (known: ${Object.keys(SCENARIOS).join(', ')})`);

  const started = Date.now();
  const build = await buildBench();
  process.stdout.write(
    `bundled with esbuild ${build.esbuild} (tsup's) into ${path.relative(repoRoot, build.bundle)}\n`,
  );
  if (build.adapterNote) process.stdout.write(`note: ${build.adapterNote}\n`);
  const childEnv: Record<string, string> = build.adapterNote ? { [ADAPTER_NOTE_ENV]: build.adapterNote } : {};
  if (args.maxValueLength !== undefined) {
    childEnv[MAX_VALUE_LENGTH_ENV] = String(args.maxValueLength);
    process.stdout.write(`Glassbox maxValueLength: ${args.maxValueLength} (results are not written)\n`);
  }
  const loadBefore = os.loadavg();
  const reports: ScenarioReport[] = [];
  for (const id of ids) {
    process.stdout.write(`\n== ${id}${args.quick ? ' (quick)' : ''}\n`);
    const t0 = Date.now();
    const report = await runChild(id, args.quick, childEnv);
    reports.push(report);
    if (report.skipped) process.stdout.write(`${report.skipped}\n`);
    for (const c of report.cases) {
      const notes = c.notes.map((n) => `- ${n}`).join('\n');
      process.stdout.write(`\n${c.title}\n${caseTable(c)}\n${targetLines(c.targets).join('\n')}\n${notes}\n`);
    }
    if (report.extra) process.stdout.write(`${JSON.stringify(report.extra, null, 2)}\n`);
    if (report.blockedConnections.length > 0) {
      process.stdout.write(`BLOCKED network connections: ${report.blockedConnections.join(', ')}\n`);
    }
    process.stdout.write(`(${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }

  const targets = reports.flatMap((r) =>
    r.cases.flatMap((c) => c.targets.map((t) => ({ case: c.id, ...t }))),
  );
  process.stdout.write(
    `\n== targets\n${targets.map((t) => `${t.case}: ${targetLines([t])[0]!.slice(2)}`).join('\n')}\n`,
  );
  process.stdout.write(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  const failed = reports.filter((r) => r.skipped?.startsWith('FAILED') || r.blockedConnections.length > 0);
  if (!args.quick && args.only === undefined && args.maxValueLength === undefined) {
    const results = {
      date: new Date().toISOString(),
      machine: {
        ...machine(),
        esbuild: build.esbuild,
        loadAverageBefore: loadBefore,
        loadAverageAfter: os.loadavg(),
      },
      definitions: {
        medianNs: 'median over rounds of (sample time / calls); a sample is callsPerSample calls in a row',
        overheadNs: 'median over rounds of (variant sample - plain sample of the same round)',
        overheadRatio: "overheadNs / raw OpenTelemetry's overheadNs: (x - plain) / (rawOtel - plain)",
        timeRatio: "medianNs / raw OpenTelemetry's medianNs: x / rawOtel",
        retainedBytesPerCall: 'heapUsed growth over heapProbeCalls calls, after flush and full GC, per call',
      },
      reports,
    };
    writeFileSync(path.join(benchDir, 'results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(benchDir, 'results/latest.md'), markdown(reports));
    process.stdout.write('wrote bench/results/latest.json and bench/results/latest.md\n');
  }
  if (failed.length > 0) process.exitCode = 1;
}

await main();
