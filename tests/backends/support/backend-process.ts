// Installing and running the real backends for the `pnpm test:backends` suite: each server is a child
// process in its own process group on a free loopback port, its output in a log file whose tail is
// shown whenever something fails or times out.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where tools/backends/install.sh keeps the backends (`GLASSBOX_BACKENDS_CACHE`). */
export const CACHE = process.env.GLASSBOX_BACKENDS_CACHE || join(homedir(), '.cache/glassbox-backends');

/** The installed executables, by backend. */
export const INSTALLED = {
  jaeger: join(CACHE, 'go-bin/jaeger-v1.75.0'),
  phoenix: join(CACHE, 'phoenix-20.26.1/bin/python'),
  mlflow: join(CACHE, 'mlflow-3.18.0/bin/python'),
} as const;

const MARKERS = {
  jaeger: INSTALLED.jaeger,
  phoenix: join(CACHE, 'phoenix-20.26.1/.complete'),
  mlflow: join(CACHE, 'mlflow-3.18.0/.complete'),
} as const;

/** Installs a backend unless the cache has it (tools/backends/install.sh); throws with its output on failure. */
export async function ensureInstalled(backend: keyof typeof INSTALLED, timeoutMs: number): Promise<string> {
  if (existsSync(MARKERS[backend])) return INSTALLED[backend];
  await new Promise<void>((done, fail) => {
    execFile(
      join(ROOT, 'tools/backends/install.sh'),
      [backend],
      {
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, GLASSBOX_BACKENDS_CACHE: CACHE },
      },
      (error, stdout, stderr) => {
        if (!error) return done();
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        fail(new Error(`tools/backends/install.sh ${backend} failed (${error.message}):\n${output}`));
      },
    );
  });
  return INSTALLED[backend];
}

/** A port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A temporary directory, removed by `stop()` of the backend that uses it. */
export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `glassbox-${name}-`));
}

export interface BackendOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Working directory, also where the log goes; removed on stop. */
  dir: string;
  /** Resolves true once the server answers. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
}

export interface Backend {
  /** The last lines the server wrote. */
  logTail(lines?: number): string;
  /** Ends the server's whole process group (SIGTERM, then SIGKILL), and removes its directory. */
  stop(): Promise<void>;
}

/** Starts a server and waits until `ready()`; on timeout or early exit, throws with the log tail. */
export async function startBackend(options: BackendOptions): Promise<Backend> {
  const logFile = join(options.dir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.dir,
    // Its own process group, so stop() also ends the workers a Python server forks.
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...options.env },
  });
  closeSync(fd);
  let exit: string | undefined;
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exit = `exited with ${signal ?? code}`;
      done();
    }),
  );
  const logTail = (lines = 40) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const stop = async () => {
    if (exit === undefined && child.pid !== undefined) {
      killGroup(child.pid, 'SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(8000).then(() => false)]);
      if (!killed) killGroup(child.pid, 'SIGKILL');
      await Promise.race([exited, sleep(2000)]);
    }
    // A worker that outlived its parent still holds the group: end it too.
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    rmSync(options.dir, { recursive: true, force: true });
  };

  const until = performance.now() + options.timeoutMs;
  for (;;) {
    if (exit !== undefined) {
      const tail = logTail();
      await stop();
      throw new Error(`${options.name} ${exit} before it was ready; log tail:\n${tail}`);
    }
    if (await options.ready().catch(() => false)) return { logTail, stop };
    if (performance.now() > until) {
      const tail = logTail();
      await stop();
      throw new Error(`${options.name} was not ready within ${options.timeoutMs} ms; log tail:\n${tail}`);
    }
    await sleep(250);
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; then throws `describe()`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > until) throw new Error(describe());
    await sleep(250);
  }
}

/** GETs or POSTs JSON; throws with the status and body on a non-2xx answer. */
export async function fetchJson<T = any>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { accept: 'application/json', 'content-type': 'application/json', ...init?.headers },
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Whether a URL answers at all with a status below 500. */
export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url).catch(() => undefined);
  return response !== undefined && response.status < 500;
}
