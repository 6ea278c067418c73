/**
 * Cold start (issue 19): how long importing each Glassbox entry point takes, in ESM (`import()`) and
 * CJS (`require`), against what its OpenTelemetry dependencies cost imported on their own. Target:
 * each entry within 20 ms of its OpenTelemetry dependencies.
 *
 * The packages are measured as a user installs them (`../import-app.ts`: packed, installed with npm into
 * an app outside the monorepo). Each sample is a fresh `node` process (no flags, no NODE_OPTIONS) that
 * imports one entry or one set of baseline packages: `performance.now()` around the import(s) inside the
 * child, and the child's whole wall time (spawn to exit) measured by this process. One discarded warm-up
 * round (the file system cache is warm for every sample), then N rounds, each running every variant
 * once in a rotated order, so load on the machine spreads over all of them.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, median } from '../harness.js';
import { type GlassboxPackage, importApp, otelDependencies } from '../import-app.js';
import type { ScenarioReport } from '../report.js';

/** The target: an entry's import at most this many ms above its OpenTelemetry dependencies'. */
const LIMIT_MS = 20;

type Mode = 'esm' | 'cjs';
const MODES: Mode[] = ['esm', 'cjs'];

interface Variant {
  id: string;
  /** What one process imports, in this order. */
  specs: string[];
  /** For an entry: the baseline variant it is compared with. */
  baseline?: string;
  /** `own:<entry>`: the entry's baseline imported first, then the entry; its last import is Glassbox's own code. */
  own?: boolean;
  note?: string;
}

interface Sample {
  importMs: number;
  /** The last import's own time (for an `own:` variant: the entry, its dependencies already loaded). */
  lastMs: number;
  wallMs: number;
  /** Packages (top-level node_modules names) in require.cache after the import (CJS only). */
  packages?: string[];
}

interface Figures {
  median: number;
  min: number;
  max: number;
}

interface VariantFigures {
  id: string;
  specs: string[];
  mode: Mode;
  import: Figures | null;
  /** The last import alone (an `own:` variant's entry after its dependencies). */
  last: Figures | null;
  wall: Figures | null;
  error?: string;
  packages?: string[];
}

const otelOf = (pkg: GlassboxPackage) => Object.keys(otelDependencies(pkg));

function variants(): Variant[] {
  const core = otelOf('core');
  const exporters = otelOf('exporters');
  const adapters = otelOf('adapters');
  const same = (a: string[], b: string[]) => a.join() === b.join();
  const adaptersBase = same(adapters, core) ? 'otel-deps:core' : 'otel-deps:adapters';
  const list: Variant[] = [
    { id: '@glassbox/core', specs: ['@glassbox/core'], baseline: 'otel-deps:core' },
    {
      id: '@glassbox/core/instrumentation',
      specs: ['@glassbox/core/instrumentation'],
      baseline: '@opentelemetry/api',
      note: "its baseline is @opentelemetry/api alone, the only package it loads (its package's other dependencies would allow 40+ ms more)",
    },
    { id: '@glassbox/exporters', specs: ['@glassbox/exporters'], baseline: 'otel-deps:exporters' },
    { id: '@glassbox/adapters/openai', specs: ['@glassbox/adapters/openai'], baseline: adaptersBase },
    {
      id: '@glassbox/adapters/tools',
      specs: ['@glassbox/adapters/tools'],
      baseline: 'otel-deps:adapters+zod/v4/core',
      note: 'its baseline includes zod/v4/core, the optional peer it imports (an app using it already has zod)',
    },
    // Baselines.
    { id: 'nothing', specs: [], note: 'node itself: no import' },
    { id: '@opentelemetry/api', specs: ['@opentelemetry/api'] },
    { id: '@opentelemetry/sdk-trace-base', specs: ['@opentelemetry/sdk-trace-base'] },
    { id: 'otel-deps:core', specs: core },
    { id: 'otel-deps:exporters', specs: exporters },
    ...(same(adapters, core) ? [] : [{ id: 'otel-deps:adapters', specs: adapters }]),
    { id: 'otel-deps:adapters+zod/v4/core', specs: [...adapters, 'zod/v4/core'] },
    { id: 'zod/v4/core', specs: ['zod/v4/core'] },
    { id: 'zod', specs: ['zod'] },
    { id: '@arizeai/openinference-core', specs: ['@arizeai/openinference-core'] },
    { id: '@langfuse/tracing', specs: ['@langfuse/tracing'] },
    {
      id: 'openai',
      specs: ['openai'],
      note: 'the client the OpenAI adapter wraps (the adapter does not import it)',
    },
  ];
  const byId = new Map(list.map((v) => [v.id, v]));
  const own = list
    .filter((v) => v.baseline)
    .map((v) => ({ id: `own:${v.id}`, specs: [...byId.get(v.baseline!)!.specs, ...v.specs], own: true }));
  return [...list, ...own];
}

// The child scripts, written into the app so that bare specifiers resolve from its node_modules.
const ESM_SCRIPT = `const specs = process.argv.slice(2);
const steps = [];
const t0 = performance.now();
for (const spec of specs) {
  const t = performance.now();
  await import(spec);
  steps.push(performance.now() - t);
}
const t1 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, steps }));
`;
const CJS_SCRIPT = `'use strict';
const specs = process.argv.slice(2);
const steps = [];
const t0 = performance.now();
for (const spec of specs) {
  const t = performance.now();
  require(spec);
  steps.push(performance.now() - t);
}
const t1 = performance.now();
const packages = new Set();
for (const file of Object.keys(require.cache)) {
  const m = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)[\\\\/](?!.*node_modules)/.exec(file);
  if (m) packages.add(m[1].replace(/\\\\/g, '/'));
}
process.stdout.write(JSON.stringify({ importMs: t1 - t0, steps, packages: [...packages].sort() }));
`;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || /^(npm_|pnpm_|TSX_)/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

function sampleOnce(dir: string, mode: Mode, specs: string[], env: NodeJS.ProcessEnv): Sample | Error {
  const script = path.join(dir, mode === 'esm' ? 'measure.mjs' : 'measure.cjs');
  const t0 = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [script, ...specs], { cwd: dir, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (child.status !== 0) {
    const lines = (child.stderr || child.error?.message || `exit ${child.status}`).trim().split('\n');
    return new Error(lines.find((l) => /Error/.test(l)) ?? lines[0]);
  }
  const out = JSON.parse(child.stdout) as { importMs: number; steps: number[]; packages?: string[] };
  const lastMs = out.steps.at(-1) ?? 0;
  return { importMs: out.importMs, lastMs, wallMs, ...(out.packages ? { packages: out.packages } : {}) };
}

function figures(values: number[]): Figures | null {
  if (values.length === 0) return null;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

const ms = (f: Figures | null | undefined) => (f ? `${f.median.toFixed(1)}` : 'n/a');
const msRange = (f: Figures | null | undefined) =>
  f ? `${f.median.toFixed(1)} (${f.min.toFixed(0)}-${f.max.toFixed(0)})` : 'n/a';

export async function runImportTime(quick: boolean): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const app = importApp(log);
  writeFileSync(path.join(app.dir, 'measure.mjs'), ESM_SCRIPT);
  writeFileSync(path.join(app.dir, 'measure.cjs'), CJS_SCRIPT);
  const env = childEnv();
  const rounds = quick ? 3 : 7;
  const list = variants();
  const pairs = list.flatMap((v) => MODES.map((mode) => ({ v, mode })));
  const samples = new Map<string, Sample[]>();
  const errors = new Map<string, string>();
  const key = (id: string, mode: Mode) => `${mode} ${id}`;
  const loadBefore = os.loadavg();
  const started = Date.now();
  // Round 0 is the warm-up (file system cache, npm's first reads); its samples are dropped.
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < pairs.length; i++) {
      const { v, mode } = pairs[(i + round * 7) % pairs.length]!;
      const k = key(v.id, mode);
      if (errors.has(k)) continue;
      const s = sampleOnce(app.dir, mode, v.specs, env);
      if (s instanceof Error) {
        errors.set(k, s.message);
        continue;
      }
      if (round === 0) continue;
      if (!samples.has(k)) samples.set(k, []);
      samples.get(k)!.push(s);
    }
    log(
      `round ${round}${round === 0 ? ' (warm-up)' : ''} done, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }

  const results: VariantFigures[] = list.flatMap((v) =>
    MODES.map((mode) => {
      const k = key(v.id, mode);
      const s = samples.get(k) ?? [];
      const error = errors.get(k);
      return {
        id: v.id,
        specs: v.specs,
        mode,
        import: figures(s.map((x) => x.importMs)),
        last: figures(s.map((x) => x.lastMs)),
        wall: figures(s.map((x) => x.wallMs)),
        ...(error ? { error } : {}),
        ...(s[0]?.packages ? { packages: s[0].packages } : {}),
      };
    }),
  );
  const find = (id: string, mode: Mode) => results.find((r) => r.id === id && r.mode === mode);

  const entryRows = list
    .filter((v) => v.baseline)
    .map((v) => {
      const per = MODES.map((mode) => {
        const entry = find(v.id, mode)!;
        const base = find(v.baseline!, mode)!;
        const own = find(`own:${v.id}`, mode)!;
        const diff = entry.import && base.import ? entry.import.median - base.import.median : null;
        const wallDiff = entry.wall && base.wall ? entry.wall.median - base.wall.median : null;
        return { mode, entry, base, own, diff, wallDiff, met: diff !== null && diff <= LIMIT_MS };
      });
      return { variant: v, per, met: per.every((p) => p.met) };
    });

  const signed = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`);
  const entryTable = [
    '| entry | ESM import ms | CJS import ms | its OTel deps alone, ESM / CJS ms | difference ESM / CJS ms | entry after its deps, ESM / CJS ms | process wall ESM / CJS ms (deps alone) | target met (≤ 20 ms over) |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...entryRows.map(({ variant, per, met }) => {
      const [esm, cjs] = per as [(typeof per)[0], (typeof per)[0]];
      return `| \`${variant.id}\` | ${msRange(esm.entry.import)} | ${msRange(cjs.entry.import)} | ${ms(esm.base.import)} / ${ms(cjs.base.import)} | ${signed(esm.diff)} / ${signed(cjs.diff)} | ${ms(esm.own.last)} / ${ms(cjs.own.last)} | ${ms(esm.entry.wall)} / ${ms(cjs.entry.wall)} (${ms(esm.base.wall)} / ${ms(cjs.base.wall)}) | ${
        met
          ? 'yes'
          : `no (${per
              .filter((p) => !p.met)
              .map((p) => p.mode.toUpperCase())
              .join(', ')})`
      } |`;
    }),
  ].join('\n');
  const baselineTable = [
    '| baseline | imports | ESM import ms | CJS import ms | process wall ESM / CJS ms |',
    '|---|---|---:|---:|---:|',
    ...list
      .filter((v) => !v.baseline && !v.own)
      .map((v) => {
        const esm = find(v.id, 'esm')!;
        const cjs = find(v.id, 'cjs')!;
        const what = v.specs.length === 0 ? '—' : v.specs.map((s) => `\`${s}\``).join(', ');
        return `| ${v.id} | ${what} | ${esm.error ? `fails: ${esm.error}` : msRange(esm.import)} | ${cjs.error ? `fails: ${cjs.error}` : msRange(cjs.import)} | ${ms(esm.wall)} / ${ms(cjs.wall)} |`;
      }),
  ].join('\n');
  const notes = list.filter((v) => v.note).map((v) => `- \`${v.id}\`: ${v.note}`);
  const errorLines = [...errors].map(([k, e]) => `- FAILED ${k}: ${e}`);
  const loaded = entryRows.map(
    ({ variant }) =>
      `- \`${variant.id}\` (CJS) loads: ${(find(variant.id, 'cjs')?.packages ?? []).join(', ')}`,
  );
  const loadAfter = os.loadavg();
  const installed = Object.entries(app.installed)
    .map(([n, v]) => `${n} ${v}`)
    .join(', ');
  const header = `# Import time (issue 19)\n\n${new Date().toISOString()}, Node ${process.version}, npm ${app.npm}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${rounds} rounds after one warm-up round, every sample a fresh process; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after. Import ms: median (min-max) of \`performance.now()\` around the import(s) inside the child; process wall: spawn to exit, measured by the parent (includes Node's own start-up, see "nothing").\n\nApp: ${app.dir}${app.cached ? ' (cached)' : ''}; installed: ${installed}.\n`;
  const md = `${header}\n${entryTable}\n\n${baselineTable}\n\n${[...notes, ...loaded, ...errorLines].join('\n')}\n`;
  log(`\n${md}`);

  if (!quick) {
    const json = {
      date: new Date().toISOString(),
      node: process.version,
      npm: app.npm,
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      rounds,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAfter,
      limitMs: LIMIT_MS,
      app: { dir: app.dir, cached: app.cached, tarballs: app.tarballs, installed: app.installed },
      definitions: {
        importMs:
          'performance.now() around the import(s) inside a fresh node process; median and min-max over rounds',
        wallMs: 'the whole child process, spawn to exit, measured by the parent',
        difference: "entry's median import ms - its baseline's median import ms, same module system",
        entryAfterDeps:
          "one process imports the entry's baseline packages, then the entry: the entry's import alone (Glassbox's own modules), median",
      },
      entries: entryRows.map(({ variant, per, met }) => ({
        entry: variant.id,
        baseline: variant.baseline,
        met,
        esm: { differenceMs: per[0]!.diff, wallDifferenceMs: per[0]!.wallDiff },
        cjs: { differenceMs: per[1]!.diff, wallDifferenceMs: per[1]!.wallDiff },
        ownMs: { esm: per[0]!.own.last, cjs: per[1]!.own.last },
      })),
      results,
      samples: Object.fromEntries(
        [...samples].map(([k, s]) => [
          k,
          s.map((x) => ({ importMs: x.importMs, lastMs: x.lastMs, wallMs: x.wallMs })),
        ]),
      ),
    };
    writeFileSync(path.join(benchDir, 'results/import-time.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(path.join(benchDir, 'results/import-time.md'), md);
    log('wrote bench/results/import-time.json and bench/results/import-time.md');
  }
  // A baseline that cannot load (say an ESM-only peer under require) is reported; an entry that cannot
  // load, or whose baseline cannot, fails the scenario.
  const needed = new Set(list.filter((v) => v.baseline).flatMap((v) => [v.id, v.baseline!]));
  const failed = [...errors.keys()].filter((k) => needed.has(k.slice(4)));
  return {
    scenario: 'import-time',
    cases: [],
    ...(failed.length > 0 ? { skipped: `FAILED: ${failed.join(', ')} did not import` } : {}),
  };
}
