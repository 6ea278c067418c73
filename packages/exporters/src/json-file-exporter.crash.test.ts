import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTraceFile, type TraceFileLineError } from './read-trace-file.js';

const script = fileURLToPath(new URL('../tests/__fixtures__/write-until-killed.ts', import.meta.url));
// The repository root, where tsx is installed and tsconfig.json maps @glassbox/core to its sources.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-crash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer in a real child process and SIGKILLs it once `minBytes` are on disk. */
async function writeThenKill(path: string, minBytes: number): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, path], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    while (statSync(path).size < minBytes) await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    child.kill('SIGKILL');
  }
  return exited;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonFileExporter crash safety', () => {
  it('leaves every line but possibly the last valid when the writer is SIGKILLed mid-stream', async () => {
    const path = join(dir, 'traces.jsonl');
    expect(await writeThenKill(path, 4 * 1024 * 1024)).toBe('SIGKILL');

    const raw = readFileSync(path, 'utf8');
    const lines = raw.split('\n');
    const last = lines.pop()!; // '' when the kill fell between two lines
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    if (last !== '') expect(raw.endsWith('\n')).toBe(false);

    const errors: TraceFileLineError[] = [];
    let spans = 0;
    for await (const _ of readTraceFile(path, { onError: (e) => errors.push(e) })) spans++;
    // A short write could in theory stop just before the newline, leaving a whole but unterminated line.
    const lastIsWhole = last !== '' && isJson(last);
    expect(spans).toBe((lines.length + (lastIsWhole ? 1 : 0)) * 160);
    // At most the cut last line is reported, and it is flagged as partial rather than corrupt.
    expect(errors.every((e) => e.partial && e.line === lines.length + 1)).toBe(true);
  }, 20_000);
});
