import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jsonFileExporter, otlpExporter } from '@glassbox/exporters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSpans, sampleTrace } from '../../exporters/tests/sample-spans.js';
import { type CliIo, runCli } from '../src/cli.js';
import { TraceStore } from '../src/store/trace-store.js';
import { request } from './http-client.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-cli-'));
const tracesFile = join(dir, 'traces.jsonl');
let traceId: string;

beforeAll(async () => {
  // A trace file as the real jsonFileExporter writes it: two exports, so two lines.
  const exporter = jsonFileExporter({ path: tracesFile });
  const spans = recordSpans(sampleTrace);
  traceId = spans[0]!.spanContext().traceId;
  for (const batch of [spans.slice(0, 2), spans.slice(2)]) {
    await new Promise<void>((done) => exporter.export(batch, () => done()));
  }
  await exporter.shutdown();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An io that records what a command prints. */
function capture(env: Record<string, string> = {}, signal?: AbortSignal) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    env,
    cwd: dir,
    ...(signal ? { signal } : {}),
  };
  return { io, out };
}

/** Runs a serving command until its URL is printed, hands the URL to `use`, then stops it like Ctrl+C. */
async function serving(argv: string[], env: Record<string, string>, use: (url: string) => Promise<void>) {
  const stop = new AbortController();
  const { io, out } = capture(env, stop.signal);
  let printed!: (url: string) => void;
  const urlPrinted = new Promise<string>((r) => (printed = r));
  const write = io.stdout.write;
  io.stdout.write = (t: string) => {
    write(t);
    const url = /Glassbox viewer: (http:\/\/\S+)/.exec(out.stdout)?.[1];
    if (url) printed(url);
    return true;
  };
  const running = runCli(argv, io);
  const first = await Promise.race([urlPrinted, running.then((code) => ({ code }))]);
  if (typeof first !== 'string') throw new Error(`exited with ${first.code} before serving: ${out.stderr}`);
  try {
    await use(first);
  } finally {
    stop.abort();
  }
  return { code: await running, ...out };
}

describe('glassbox (runCli)', () => {
  it('prints help and the version', async () => {
    const help = capture();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.out.stdout).toMatch(/^Usage: glassbox <command>/);
    for (const command of ['ui', 'view', 'stats', 'export', 'eval'])
      expect(help.out.stdout).toContain(`  ${command}`);
    const uiHelp = capture();
    expect(await runCli(['ui', '--help'], uiHelp.io)).toBe(0);
    expect(uiHelp.out.stdout).toContain('GLASSBOX_UI_TOKEN');
    const version = capture();
    expect(await runCli(['--version'], version.io)).toBe(0);
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8'));
    expect(version.out.stdout).toBe(`${pkg.version}\n`);
    expect(await runCli([], capture().io)).toBe(2);
  });

  it('hands `glassbox eval` to @glassbox/evals', async () => {
    const help = capture();
    expect(await runCli(['eval', '--help'], help.io)).toBe(0);
    expect(help.out.stdout).toMatch(/^Usage: glassbox eval --data/);
    const wrong = capture();
    expect(await runCli(['eval', '--data'], wrong.io)).toBe(2);
    expect(wrong.out.stderr).toMatch(/^glassbox eval: /);
  });

  it('refuses an unknown flag or command, naming it, with the usage (exit 2)', async () => {
    const flag = capture();
    expect(await runCli(['ui', '--prot', '9'], flag.io)).toBe(2);
    expect(flag.out.stderr).toMatch(/^glassbox ui: Unknown option '--prot'/);
    expect(flag.out.stderr).toContain('Usage: glassbox ui');
    const command = capture();
    expect(await runCli(['serve'], command.io)).toBe(2);
    expect(command.out.stderr).toMatch(/unknown command "serve"/);
    const stray = capture();
    expect(await runCli(['view', 'a.jsonl', 'b.jsonl'], stray.io)).toBe(2);
    expect(stray.out.stderr).toMatch(/unexpected argument "b\.jsonl"/);
    const missing = capture();
    expect(await runCli(['ui', '--port'], missing.io)).toBe(2);
    expect(missing.out.stderr).toMatch(/--port/);
  });

  it('checks settings from flags and env vars, naming both', async () => {
    const env = capture({ GLASSBOX_UI_PORT: 'eighty' });
    expect(await runCli(['ui'], env.io)).toBe(2);
    expect(env.out.stderr).toMatch(
      /--port \(or GLASSBOX_UI_PORT\): expected an integer in \[0, 65535\], got "eighty"/,
    );
    const open = capture();
    expect(await runCli(['ui', '--host', '0.0.0.0', '--port', '0', '--db', ':memory:'], open.io)).toBe(1);
    expect(open.out.stderr).toMatch(/--token/);
    expect(open.out.stderr).toMatch(/GLASSBOX_UI_TOKEN/);
  });

  it('ui: prints the URL and the env line to paste; env settings apply, flags win', async () => {
    const envDb = join(dir, 'from-env.db');
    const flagDb = join(dir, 'from-flag.db');
    const result = await serving(
      ['ui', '--db', flagDb],
      { GLASSBOX_UI_PORT: '0', GLASSBOX_UI_DB: envDb },
      async (url) => {
        const info = (await request(`${url}/api/info`)).json();
        expect(info.path).toBe(flagDb);
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\n/);
    expect(result.stdout).toContain(flagDb);
    expect(result.stderr).toContain('stopping');
    const fromEnv = await serving(['ui'], { GLASSBOX_UI_PORT: '0', GLASSBOX_UI_DB: envDb }, async (url) => {
      expect((await request(`${url}/api/info`)).json().path).toBe(envDb);
    });
    expect(fromEnv.code).toBe(0);
  });

  it('ui with a token prints the page address with it and the OTLP header to set', async () => {
    const result = await serving(
      ['ui', '--port', '0', '--db', ':memory:'],
      { GLASSBOX_UI_TOKEN: 'tok-123' },
      async (url) => {
        expect((await request(`${url}/api/info`)).status).toBe(401);
        expect(
          (await request(`${url}/api/info`, { headers: { Authorization: 'Bearer tok-123' } })).status,
        ).toBe(200);
      },
    );
    expect(result.stdout).toMatch(/\/\?token=tok-123/);
    expect(result.stdout).toContain('OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20tok-123');
  });

  it('view: serves a JSONL trace file written by jsonFileExporter', async () => {
    const result = await serving(['view', 'traces.jsonl', '--port', '0'], {}, async (url) => {
      const list = (await request(`${url}/api/traces`)).json();
      expect(list.traces.map((t: { traceId: string }) => t.traceId)).toEqual([traceId]);
      expect(list.traces[0].spanCount).toBe(4);
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Imported 4 spans from/);
    const missing = capture();
    expect(await runCli(['view', 'nope.jsonl'], missing.io)).toBe(2);
    expect(missing.out.stderr).toMatch(/no file .*nope\.jsonl/);
  });

  it('view --db FILE: the file gets retention limits, for the import and for live ingest', async () => {
    const db = join(dir, 'view-limits.db');
    const seed = TraceStore.open({ path: db });
    const { importTraceFile } = await import('../src/store/import-trace-file.js');
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `seed-${i}.jsonl`);
      const exporter = jsonFileExporter({ path: file });
      await new Promise<void>((done) => exporter.export(recordSpans(sampleTrace), () => done()));
      await exporter.shutdown();
      await importTraceFile(seed, file);
    }
    expect(seed.info().traceCount).toBe(3);
    seed.close();
    const result = await serving(
      ['view', 'traces.jsonl', '--db', db, '--max-traces', '2', '--port', '0'],
      {},
      async (url) => {
        expect((await request(`${url}/api/info`)).json().traceCount).toBe(2);
        const exporter = otlpExporter({ endpoint: `${url}/v1/traces` });
        for (let i = 0; i < 3; i++) {
          const sent = await new Promise<{ code: number }>((done) =>
            exporter.export(recordSpans(sampleTrace), done),
          );
          expect(sent.code).toBe(0);
        }
        await exporter.shutdown();
        // Traces sent while it runs do not grow the file past its limit.
        expect((await request(`${url}/api/info`)).json().traceCount).toBe(2);
      },
    );
    expect(result.code).toBe(0);
    const after = TraceStore.open({ path: db, maxTraces: 1_000 });
    expect(after.info().traceCount).toBe(2);
    after.close();
    const usage = capture();
    expect(await runCli(['view', '--help'], usage.io)).toBe(0);
    expect(usage.out.stdout).toMatch(/--max-traces/);
    expect(usage.out.stdout).toMatch(/Retention:/);
  });

  it('stats: a text report and --json, over a JSONL file and over --db', async () => {
    const text = capture();
    expect(await runCli(['stats', 'traces.jsonl'], text.io)).toBe(0);
    expect(text.out.stdout).toContain('chat gpt-4o');
    expect(text.out.stdout).toContain('execute_tool search');
    const json = capture();
    expect(await runCli(['stats', tracesFile, '--json'], json.io)).toBe(0);
    const report = JSON.parse(json.out.stdout);
    expect(JSON.stringify(report)).toContain('gpt-4o');

    const db = join(dir, 'stats.db');
    const store = TraceStore.open({ path: db });
    const { importTraceFile } = await import('../src/store/import-trace-file.js');
    await importTraceFile(store, tracesFile);
    store.close();
    const fromDb = capture();
    expect(await runCli(['stats', '--db', db, '--json'], fromDb.io)).toBe(0);
    expect(JSON.parse(fromDb.out.stdout)).toEqual(report);
    const both = capture();
    expect(await runCli(['stats', 'traces.jsonl', '--db', db], both.io)).toBe(2);
    const none = capture();
    expect(await runCli(['stats', '--db', join(dir, 'missing.db')], none.io)).toBe(2);
    expect(none.out.stderr).toMatch(/no file/);
  });

  it('export: refuses what it cannot do, naming it', async () => {
    const what = capture();
    expect(await runCli(['export', 'spans', '--db', tracesFile], what.io)).toBe(2);
    expect(what.out.stderr).toMatch(/feedback or dataset, not "spans"/);
    const format = capture();
    expect(await runCli(['export', 'dataset', '--format', 'otlp'], format.io)).toBe(2);
    expect(format.out.stderr).toMatch(/--format otlp is for feedback/);
    const noDb = capture();
    expect(await runCli(['export', 'feedback'], noDb.io)).toBe(2);
    expect(noDb.out.stderr).toMatch(/no trace store .*\.glassbox.*traces\.db/);
  });
});
