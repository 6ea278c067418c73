import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from './http-client.js';

const repo = resolve(__dirname, '../../..');
const bin = join(repo, 'packages/cli/src/bin.ts');
const fixture = join(__dirname, '__fixtures__/traced-app.ts');
const dir = mkdtempSync(join(tmpdir(), 'glassbox-cli-process-'));
const children: ChildProcess[] = [];
// tsx's loader by absolute URL: `--import tsx` would resolve it from the child's working directory.
const tsxLoader = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Node with tsx's loader and the repo's tsconfig, whose paths resolve the workspace packages to their sources. */
function tsx(args: string[], env: Record<string, string> = {}, cwd = repo): ChildProcess {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && !k.startsWith('GLASSBOX_')),
  );
  const child = spawn(process.execPath, ['--import', tsxLoader, ...args], {
    cwd,
    env: { ...clean, TSX_TSCONFIG_PATH: join(repo, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}: ${out}\n${err}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (child.exitCode !== null) return resolve({ code: child.exitCode, stderr });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('glassbox ui as a process, fed by another process', () => {
  it('receives the OTLP of a traced app, serves it, and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'store', 'traces.db');
    const ui = tsx([bin, 'ui', '--port', '0', '--db', db]);
    const [, url] = await waitFor(ui, /Glassbox viewer: (http:\/\/127\.0\.0\.1:\d+)\n/);
    expect(url).not.toMatch(/:0$/);
    const info = (await request(`${url}/api/info`)).json();
    expect(info).toMatchObject({ traceCount: 0, tokenRequired: false });

    const app = tsx([fixture], { OTEL_EXPORTER_OTLP_ENDPOINT: url! });
    const [line] = await waitFor(app, /\{.*\}\n/);
    const ids = JSON.parse(line!) as { traceId: string; spanId: string };
    expect((await exited(app)).code).toBe(0);

    const list = (await request(`${url}/api/traces?service=child-app`)).json();
    expect(list.traces.map((t: { traceId: string }) => t.traceId)).toContain(ids.traceId);
    const detail = (await request(`${url}/api/traces/${ids.traceId}`)).json();
    expect(detail.spans.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(['request', 'answer', 'chat fake-model']),
    );
    // logFeedback's span became feedback on the judged span.
    expect(detail.feedback).toEqual([
      expect.objectContaining({ traceId: ids.traceId, spanId: ids.spanId, name: 'thumbs', value: true }),
    ]);

    const done = exited(ui);
    ui.kill('SIGTERM');
    const { code } = await done;
    expect(code).toBe(0);
    expect(existsSync(db)).toBe(true);

    // The store outlives the process: `glassbox stats --db` reads it.
    const stats = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', tsxLoader, bin, 'stats', '--db', db, '--json'],
        { cwd: repo },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    expect(stats).toContain('chat fake-model');
  });

  it('creates .glassbox/traces.db (git-ignored) under the directory it starts in by default', async () => {
    const project = join(dir, 'project');
    mkdirSync(project);
    const ui = tsx([bin, 'ui', '--port', '0'], {}, project);
    await waitFor(ui, /Glassbox viewer: http:\/\/127\.0\.0\.1:\d+\n/);
    const done = exited(ui);
    ui.kill('SIGINT');
    expect((await done).code).toBe(0);
    expect(existsSync(join(project, '.glassbox', 'traces.db'))).toBe(true);
    expect(readFileSync(join(project, '.glassbox', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });
});
