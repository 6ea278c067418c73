import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');

interface Child {
  child: ChildProcess;
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitFor: (pattern: RegExp) => Promise<RegExpMatchArray>;
}

function run(fixture: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '__fixtures__', fixture), ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const waiters: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of waiters) w();
  });
  child.stderr!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((res) =>
    child.once('exit', (code, signal) => res({ code, signal, at: Date.now() })),
  );
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((res, rej) => {
      const check = () => {
        const m = out.match(pattern);
        if (m) res(m);
      };
      waiters.push(check);
      check();
      void exit.then(() => setTimeout(() => rej(new Error(`exited before ${pattern}: ${out}`)), 50));
    });
  return { child, stdout: () => out, exit, waitFor };
}

function spanCount(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .reduce(
      (n, l) =>
        n +
        JSON.parse(l).resourceSpans.reduce(
          (m: number, rs: any) => m + rs.scopeSpans.reduce((k: number, ss: any) => k + ss.spans.length, 0),
          0,
        ),
      0,
    );
}

describe('a process that ends with a dead backend', () => {
  let server: Server;
  const held: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never answers.
    server = createServer((socket) => void held.push(socket));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => {
    for (const s of held) s.destroy();
    server.close();
  });

  it('exits at most shutdownTimeoutMs late, telling the exporter to give up', async () => {
    const port = (server.address() as { port: number }).port;
    const c = run('dead-backend-exit.ts', [String(port)]);
    const [, doneAt] = await c.waitFor(/done (\d+)/);
    const { code, at } = await c.exit;
    expect(code).toBe(0);
    const late = at - Number(doneAt);
    // shutdownTimeoutMs is 1000 (flushing for the first half, exporters closing in the rest): at most
    // about a second late, never the 35-48 s of an unbounded flush.
    expect(late).toBeGreaterThanOrEqual(400);
    expect(late).toBeLessThan(4000);
    expect(c.stdout()).toContain('exporter shutdown');
  }, 30_000);
});

describe('SIGTERM and SIGINT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-signal-'));

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} without an app handler: every queued span is written, then the process ends by ${signal}`, async () => {
      const file = join(dir, `${signal}.jsonl`);
      const c = run('signal-flush.ts', [file]);
      await c.waitFor(/ready/);
      await new Promise((r) => setTimeout(r, 100));
      c.child.kill(signal);
      const { code, signal: endedBy } = await c.exit;
      expect(endedBy).toBe(signal);
      expect(code).toBeNull();
      expect(spanCount(file)).toBe(1000);
    }, 30_000);
  }

  it('with an app handler: Glassbox leaves the exit to it; its await glassbox.shutdown() writes every span', async () => {
    const file = join(dir, 'handler.jsonl');
    const c = run('signal-flush.ts', [file], { HANDLER: '1' });
    await c.waitFor(/ready/);
    await new Promise((r) => setTimeout(r, 100));
    c.child.kill('SIGTERM');
    const { code, signal } = await c.exit;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(c.stdout()).toContain('app handler done');
    expect(spanCount(file)).toBe(1000);
  }, 30_000);
});
