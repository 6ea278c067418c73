/**
 * `pnpm bench [--quick] [--only=flat,nested,...]`
 * `pnpm bench -- --gc [--runs=N] [--only=flat,nested,payload-100kb] [--out=NAME]`: issue 14's forced-GC
 *   measurement (a full GC before each sample, wall time including the flush, bytes allocated per call),
 *   N runs of each scenario in fresh processes, summarised as median and range over the runs.
 * `pnpm bench -- --alloc-sites`: where flat and nested calls allocate (V8's sampling heap profiler).
 * `--core-ref=REF`: bundle packages/core/src as committed at REF (e.g. HEAD) instead of the working tree.
 * `--node-arg=FLAG` (with --gc, repeatable): an extra flag for the scenario processes.
 * `--no-collect` (with --gc): the same samples without the gc() before each (diagnostic).
 * `--keep-spans` (with --gc): every counting exporter keeps its last span reachable (diagnostic).
 *
 * Each scenario runs in a child process of its own: a fresh heap for its memory figures, its own global
 * OpenTelemetry setup (the uninitialised case needs a process where nothing was ever registered, the
 * sampled-out case one where every SDK samples at 0), and a clean JIT. Inside a scenario the variants
 * are interleaved round-robin (see harness.ts). Children get `--expose-gc` whatever way this parent was
 * started. A full run writes bench/results/latest.json and latest.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  KEEP_SPANS_ENV,
  MAX_VALUE_LENGTH_ENV,
  NO_COLLECT_ENV,
  repoRoot,
  useBundle,
} from './harness.js';
import {
  caseTable,
  markdown,
  runsMarkdown,
  type ScenarioReport,
  summarizeRuns,
  targetLines,
} from './report.js';

type ScenarioRun = (quick: boolean, forcedGc: boolean) => Promise<Omit<ScenarioReport, 'blockedConnections'>>;

// Loaded lazily: a scenario process imports only what it measures.
const SCENARIOS: Record<string, ScenarioRun> = {
  'disabled-uninitialised': async (q) => (await import('./scenarios/disabled.js')).runUninitialised(q),
  flat: async (q, gc) => (await import('./scenarios/flat.js')).runFlat(q, gc),
  nested: async (q, gc) => (await import('./scenarios/nested.js')).runNested(q, gc),
  'payload-100kb': async (q, gc) => (await import('./scenarios/payload-100kb.js')).runPayload(q, gc),
  'disabled-sampled-out': async (q) => (await import('./scenarios/disabled.js')).runSampledOut(q),
  'disabled-off': async (q) => (await import('./scenarios/disabled.js')).runTurnedOff(q),
  generator: async (q) => (await import('./scenarios/generator.js')).runGenerator(q),
  openai: async (q) => (await import('./scenarios/openai.js')).runOpenAI(q),
  memory: async (q) => (await import('./scenarios/memory.js')).runMemory(q),
  // Issue 19, cold start: only with --only=import-time (installs the packed packages with npm once).
  'import-time': async (q) => (await import('./scenarios/import-time.js')).runImportTime(q),
  // Not a timing scenario: only with --alloc-sites.
  'alloc-sites': async (q) => (await import('./alloc-sites.js')).runAllocSites(q),
};

/** The scenarios that have a forced-GC variant (`--gc`), the ones issue 14 sets targets for. */
const GC_SCENARIOS = ['flat', 'nested', 'payload-100kb'];
/** Issue 14's targets on the forced-GC measurement (Glassbox's wall overhead ratio to raw OTel's). */
const GC_LIMITS: Record<string, number> = {
  'flat-sync-gc': 1.0,
  'flat-async-gc': 1.0,
  'nested-gc': 1.0,
  'payload-100kb-gc': 0.15,
};
const DEFAULT_SCENARIOS = Object.keys(SCENARIOS).filter((id) => id !== 'alloc-sites' && id !== 'import-time');

interface Args {
  quick: boolean;
  only: string[] | undefined;
  scenario: string | undefined;
  serveFakeLlm: boolean;
  /** Glassbox's maxValueLength instead of its default (a run with it writes no results). */
  maxValueLength: number | undefined;
  /** Forced-GC mode (issue 14). */
  gc: boolean;
  /** Runs of each scenario (fresh processes), summarised as median and range; default 1. */
  runs: number;
  /** Results file name under bench/results/ (NAME.json and NAME.md); never latest. */
  out: string | undefined;
  /** Bundle packages/core/src at this git revision. */
  coreRef: string | undefined;
  allocSites: boolean;
  /** `--gc --no-collect`: everything of the forced-GC mode but the `gc()` (to tell its effects apart). */
  noCollect: boolean;
  /** `--gc --keep-spans`: each counting exporter keeps its last span reachable (diagnostic). */
  keepSpans: boolean;
  /** Extra V8/Node flags for the scenario processes (`--node-arg=--max-semi-space-size=256`). */
  nodeArgs: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    only: undefined,
    scenario: undefined,
    serveFakeLlm: false,
    maxValueLength: undefined,
    gc: false,
    runs: 1,
    out: undefined,
    coreRef: undefined,
    allocSites: false,
    nodeArgs: [],
    noCollect: false,
    keepSpans: false,
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
    } else if (arg === '--gc') args.gc = true;
    else if (arg === '--alloc-sites') args.allocSites = true;
    else if (arg === '--no-collect') args.noCollect = true;
    else if (arg === '--keep-spans') args.keepSpans = true;
    else if (arg.startsWith('--runs=')) {
      args.runs = Number(arg.slice('--runs='.length));
      if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error(`--runs takes a positive integer`);
    } else if (arg.startsWith('--out=')) {
      args.out = arg.slice('--out='.length);
      if (!/^[\w.-]+$/.test(args.out) || /^latest$/.test(args.out) || args.out.startsWith('.'))
        throw new Error(`--out takes a plain file name other than latest, not ${args.out}`);
    } else if (arg.startsWith('--core-ref=')) args.coreRef = arg.slice('--core-ref='.length);
    else if (arg.startsWith('--node-arg=')) args.nodeArgs.push(arg.slice('--node-arg='.length));
    else
      throw new Error(
        `unknown argument ${arg} (use --quick, --only=a,b, --max-value-length=N, --gc, --runs=N, --out=NAME, --core-ref=REF, --node-arg=FLAG, --no-collect, --keep-spans, --alloc-sites)`,
      );
  }
  if (args.runs > 1 && !args.gc) throw new Error('--runs is for --gc');
  if (args.noCollect && !args.gc) throw new Error('--no-collect is for --gc');
  if (args.keepSpans && !args.gc) throw new Error('--keep-spans is for --gc');
  if (args.nodeArgs.length > 0 && !args.gc && !args.allocSites) throw new Error('--node-arg is for --gc');
  return args;
}

function runChild(
  id: string,
  quick: boolean,
  env: Record<string, string>,
  forcedGc = false,
  nodeArgs: string[] = [],
): Promise<ScenarioReport> {
  return new Promise((resolve) => {
    const child = forkBench(
      ['--scenario', id, ...(quick ? ['--quick'] : []), ...(forcedGc ? ['--gc'] : [])],
      env,
      nodeArgs,
    );
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

async function runScenarioProcess(id: string, quick: boolean, forcedGc: boolean): Promise<void> {
  const send = (message: unknown) =>
    new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  try {
    const run = SCENARIOS[id];
    if (!run) throw new Error(`unknown scenario ${id}`);
    if (forcedGc && !GC_SCENARIOS.includes(id)) throw new Error(`${id} has no forced-GC variant`);
    if (!hasGc()) throw new Error('run with --expose-gc');
    guardNetwork();
    const report = await run(quick, forcedGc);
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

function printReport(report: ScenarioReport): void {
  if (report.skipped) process.stdout.write(`${report.skipped}\n`);
  for (const c of report.cases) {
    const notes = c.notes.map((n) => `- ${n}`).join('\n');
    process.stdout.write(`\n${c.title}\n${caseTable(c)}\n${targetLines(c.targets).join('\n')}\n${notes}\n`);
  }
  if (report.extra && report.scenario !== 'alloc-sites')
    process.stdout.write(`${JSON.stringify(report.extra, null, 2)}\n`);
  if (report.blockedConnections.length > 0) {
    process.stdout.write(`BLOCKED network connections: ${report.blockedConnections.join(', ')}\n`);
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
    await runScenarioProcess(args.scenario, args.quick, args.gc);
    return;
  }
  const known = args.gc ? GC_SCENARIOS : DEFAULT_SCENARIOS;
  const ids = args.allocSites ? ['alloc-sites'] : (args.only ?? known);
  if (!args.allocSites)
    for (const id of ids)
      if (!known.includes(id) && (args.gc || id !== 'import-time'))
        throw new Error(`unknown ${args.gc ? 'forced-GC ' : ''}scenario ${id} (known: ${known.join(', ')})`);

  const started = Date.now();
  const build = await buildBench({ ...(args.coreRef ? { coreRef: args.coreRef } : {}) });
  useBundle(build.bundle);
  process.on('exit', () => {
    rmSync(build.bundle, { force: true });
    rmSync(`${build.bundle}.map`, { force: true });
  });
  process.stdout.write(
    `bundled with esbuild ${build.esbuild} (tsup's) into ${path.relative(repoRoot, build.bundle)}; Glassbox core: ${build.core}\n`,
  );
  if (build.adapterNote) process.stdout.write(`note: ${build.adapterNote}\n`);
  const childEnv: Record<string, string> = build.adapterNote ? { [ADAPTER_NOTE_ENV]: build.adapterNote } : {};
  if (args.maxValueLength !== undefined) {
    childEnv[MAX_VALUE_LENGTH_ENV] = String(args.maxValueLength);
    process.stdout.write(`Glassbox maxValueLength: ${args.maxValueLength} (results are not written)\n`);
  }
  if (args.noCollect) {
    childEnv[NO_COLLECT_ENV] = '1';
    process.stdout.write('forced-GC mode WITHOUT the gc() before each sample (diagnostic)\n');
  }
  if (args.keepSpans) {
    childEnv[KEEP_SPANS_ENV] = '1';
    process.stdout.write('every counting exporter keeps its last span reachable (diagnostic)\n');
  }
  if (args.gc || args.allocSites) {
    await runForcedGc(args, ids, childEnv, build, started);
    return;
  }
  const loadBefore = os.loadavg();
  const reports: ScenarioReport[] = [];
  for (const id of ids) {
    process.stdout.write(`\n== ${id}${args.quick ? ' (quick)' : ''}\n`);
    const t0 = Date.now();
    const report = await runChild(id, args.quick, childEnv);
    reports.push(report);
    printReport(report);
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

/**
 * `--gc` (and `--alloc-sites`): N rounds over the scenarios, each a fresh process, then the median and
 * range over runs. Writes bench/results/NAME.{json,md} with `--out=NAME`, or gc-latest.* after a full
 * forced-GC run (all three scenarios, not quick, default maxValueLength); never latest.*.
 */
async function runForcedGc(
  args: Args,
  ids: string[],
  childEnv: Record<string, string>,
  build: { esbuild: string; core: string },
  started: number,
): Promise<void> {
  const loadBefore = os.loadavg();
  const runs: ScenarioReport[][] = [];
  const loads: number[][] = [];
  for (let run = 0; run < args.runs; run++) {
    const reports: ScenarioReport[] = [];
    // Runs outermost: a burst of load on the shared machine then spreads over scenarios, not one.
    for (const id of ids) {
      process.stdout.write(
        `\n== ${id}${args.gc ? ' (forced GC)' : ''}${args.quick ? ' (quick)' : ''}, run ${run + 1}/${args.runs}\n`,
      );
      const t0 = Date.now();
      const report = await runChild(id, args.quick, childEnv, args.gc, args.nodeArgs);
      reports.push(report);
      printReport(report);
      loads.push(os.loadavg());
      process.stdout.write(
        `(${((Date.now() - t0) / 1000).toFixed(1)} s, load ${os.loadavg()[0]!.toFixed(2)})\n`,
      );
    }
    runs.push(reports);
  }
  const failed = runs
    .flat()
    .filter((r) => r.skipped?.startsWith('FAILED') || r.blockedConnections.length > 0);
  const titles: Record<string, string> = {};
  for (const r of runs.flat()) for (const c of r.cases) titles[c.id] = c.title;
  const summary = summarizeRuns(runs);
  const md = args.gc ? runsMarkdown(summary, titles, GC_LIMITS) : '';
  if (args.gc) process.stdout.write(`\n== summary over ${args.runs} run(s)\n\n${md}\n`);
  process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  const full =
    args.gc &&
    !args.quick &&
    args.only === undefined &&
    args.maxValueLength === undefined &&
    args.coreRef === undefined &&
    args.nodeArgs.length === 0 &&
    !args.noCollect &&
    !args.keepSpans;
  const name = args.out ?? (full ? 'gc-latest' : undefined);
  if (name !== undefined) {
    const date = new Date().toISOString();
    const results = {
      date,
      mode: args.gc ? 'forced-gc' : 'alloc-sites',
      command: `pnpm bench -- ${process.argv
        .slice(2)
        .filter((a) => a !== '--')
        .join(' ')}`,
      machine: {
        ...machine(),
        esbuild: build.esbuild,
        glassboxCore: build.core,
        ...(args.nodeArgs.length > 0 ? { nodeArgs: args.nodeArgs } : {}),
        ...(args.noCollect ? { noCollect: true } : {}),
        ...(args.keepSpans ? { keepSpans: true } : {}),
        ...(args.maxValueLength !== undefined ? { maxValueLength: args.maxValueLength } : {}),
        loadAverageBefore: loadBefore,
        loadAverageAfterEachScenario: loads,
        loadAverageAfter: os.loadavg(),
      },
      definitions: {
        sample:
          'a full gc() right before, then callsPerSample calls and a flush of every SDK, timed on the wall clock (CPU time beside)',
        wallOverheadNs: 'median over rounds of (variant sample - plain sample of the same round), wall clock',
        wallOverheadRatio: "wallOverheadNs / raw OpenTelemetry's wallOverheadNs, same run",
        cpuOverheadRatio: 'the same on process CPU time',
        bytesPerCall:
          'V8 heap bytes allocated per call incl. the flush: (used heap after - before + bytes freed by each GC in the window) / calls; median of the windows',
        summary: 'median and (min-max) over runs, each run a fresh scenario process',
      },
      summary,
      runs,
    };
    writeFileSync(path.join(benchDir, `results/${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    const header = `# ${args.gc ? 'Forced-GC wall time and allocation (issue 14)' : 'Allocation sites'}\n\n${date}, \`${results.command}\`, Glassbox core: ${build.core}, Node ${process.version}, ${os.cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} after.\n\n`;
    const perRun = runs
      .map((reports, i) => {
        const body = args.allocSites
          ? reports.map((r) => String(r.extra?.markdown ?? r.skipped ?? '')).join('\n')
          : markdown(reports);
        return `## Run ${i + 1}\n\n${body}`;
      })
      .join('\n');
    writeFileSync(path.join(benchDir, `results/${name}.md`), `${header}${md}\n${perRun}`);
    process.stdout.write(`wrote bench/results/${name}.json and bench/results/${name}.md\n`);
  }
  if (failed.length > 0) process.exitCode = 1;
}

await main();
