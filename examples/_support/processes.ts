import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: child processes run from here so tsx finds tsconfig.json and its `paths`. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A TypeScript file run as a child process with `node --import tsx`. */
export interface TsProcess {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout match of `pattern` (rejects if the process exits first or after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (a signal that killed it counts as 128 + number, like a shell). */
  exited: Promise<number>;
  /** Sends SIGTERM and waits for the exit code; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number>;
}

/** Starts `file` (a path relative to the repository root) under tsx, with extra env vars. */
export function startTs(file: string, env: Record<string, string> = {}): TsProcess {
  // Plain output (no ANSI colours) whatever the parent's terminal (vitest sets FORCE_COLOR), and no
  // OTEL_* settings of the developer's shell: a test run must not send spans to a local Jaeger.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== 'FORCE_COLOR' && !key.startsWith('OTEL_')),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: REPO_ROOT,
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (err += chunk));
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15));
      for (const listener of listeners) listener();
    });
  });
  const waitFor = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
      const check = () => {
        const match = out.match(pattern);
        if (match) done(undefined, match);
        else if (child.exitCode !== null || child.signalCode !== null)
          done(
            new Error(`${file} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}`),
          );
      };
      const done = (error?: Error, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(new Error(`${error.message}\nstdout:\n${out}\nstderr:\n${err}`));
        else resolve(match!);
      };
      listeners.add(check);
      check();
    });
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  return { child, stdout: () => out, stderr: () => err, waitFor, exited, stop };
}

/** Runs `file` to completion and returns its exit code and output. */
export async function runTs(
  file: string,
  env: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = startTs(file, env);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}
