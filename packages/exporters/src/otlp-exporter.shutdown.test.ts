/**
 * A dead backend must not hold up the app's exit: shutdown and forceFlush give up within their bound,
 * abort what is in flight and report it as FAILED, and nothing the exporter leaves behind keeps the
 * event loop alive. A slow but alive backend still gets its spans. Real servers on 127.0.0.1 and real
 * child processes; time bounds are generous (several times the configured bound).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { type BlackHole, closedPort, startBlackHole, startOtlpReceiver } from '../tests/otlp-receiver.js';
import { recordSpans, sampleTrace } from '../tests/sample-spans.js';
import { otlpExporter } from './otlp-exporter.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function blackHole(): Promise<BlackHole> {
  const hole = await startBlackHole();
  open.push(hole);
  return hole;
}

/** Starts an export; `result` settles when its callback is called. */
function startExport(exporter: SpanExporter, spans: ReadableSpan[] = recordSpans(sampleTrace)) {
  let settled: ExportResult | undefined;
  const result = new Promise<ExportResult>((resolve) =>
    exporter.export(spans, (r) => {
      settled = r;
      resolve(r);
    }),
  );
  return { result, settled: () => settled };
}

/** Milliseconds `promise` took, failing the test if it takes longer than `limitMs`. */
async function timed(promise: Promise<unknown>, limitMs: number, what: string): Promise<number> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not resolve within ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - started;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('OtlpExporter.shutdown with a dead backend', () => {
  it('gives up on a server that never answers within the bound, aborting and failing the export', async () => {
    const hole = await blackHole();
    const exporter = otlpExporter({ endpoint: hole.url, timeoutMs: 30_000, shutdownTimeoutMs: 1000 });
    const pending = startExport(exporter);
    await hole.waitForRequests(1);

    await timed(exporter.shutdown(), 3000, 'shutdown()');
    // Reported by the time shutdown resolves, as a failure.
    expect(pending.settled()?.code).toBe(ExportResultCode.FAILED);
    expect(pending.settled()?.error).toBeInstanceOf(Error);
    // The request was aborted: its connection is closed, not left to the server.
    await eventually(() => hole.open() === 0, 'the aborted connection to close');
    expect((await startExport(exporter).result).code).toBe(ExportResultCode.FAILED);
  });

  it('cancels the retries of an export to a closed port and fails it', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    const exporter = otlpExporter({ endpoint, timeoutMs: 30_000, shutdownTimeoutMs: 1000 });
    const pending = startExport(exporter);
    await new Promise((resolve) => setTimeout(resolve, 100)); // refused at once; now waiting to retry

    await timed(exporter.shutdown(), 3000, 'shutdown()');
    expect(pending.settled()?.code).toBe(ExportResultCode.FAILED);
  });

  it('fails every export in flight, up to the concurrency limit, and refuses more past it', async () => {
    const hole = await blackHole();
    const exporter = otlpExporter({ endpoint: hole.url, timeoutMs: 30_000, shutdownTimeoutMs: 200 });
    const exports = Array.from({ length: 30 }, () => startExport(exporter));
    const refused = await startExport(exporter).result;
    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect(String(refused.error?.message)).toMatch(/concurren/i);

    await timed(exporter.shutdown(), 3000, 'shutdown()');
    const results = await Promise.all(exports.map((e) => e.result));
    expect(results.every((r) => r.code === ExportResultCode.FAILED)).toBe(true);
    await eventually(() => hole.open() === 0, 'every aborted connection to close');
  });

  it('bounds forceFlush too, without aborting the export it waited for', async () => {
    const hole = await blackHole();
    const exporter = otlpExporter({ endpoint: hole.url, timeoutMs: 30_000, shutdownTimeoutMs: 500 });
    const pending = startExport(exporter);
    await hole.waitForRequests(1);

    await timed(exporter.forceFlush(), 3000, 'forceFlush()');
    expect(pending.settled()).toBeUndefined();
    expect(hole.open()).toBe(1);
    await timed(exporter.shutdown(), 3000, 'shutdown()');
    expect(pending.settled()?.code).toBe(ExportResultCode.FAILED);
  });

  it('ends an export that outlives timeoutMs on its own, closing its connection', async () => {
    const hole = await blackHole();
    const exporter = otlpExporter({ endpoint: hole.url, timeoutMs: 500 });
    const pending = startExport(exporter);
    await timed(pending.result, 3000, 'the export');
    expect(pending.settled()?.code).toBe(ExportResultCode.FAILED);
    await eventually(() => hole.open() === 0, 'the timed-out connection to close');
    await exporter.shutdown();
  });
});

describe('OtlpExporter with a slow but alive backend', () => {
  it('completes an export in flight normally when nothing shuts it down', async () => {
    const r = await startOtlpReceiver(() => ({ status: 200, delayMs: 1500 }));
    open.push(r);
    const exporter = otlpExporter({ endpoint: r.url, timeoutMs: 10_000 });
    const result = await startExport(exporter).result;
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(r.spans()).toHaveLength(4);
    await exporter.shutdown();
  });

  it('lets an export in flight finish when it answers within the shutdown bound', async () => {
    const r = await startOtlpReceiver(() => ({ status: 200, delayMs: 500 }));
    open.push(r);
    const exporter = otlpExporter({ endpoint: r.url, shutdownTimeoutMs: 5000 });
    const pending = startExport(exporter);
    await r.waitForExports(1);
    await timed(exporter.shutdown(), 8000, 'shutdown()');
    expect(pending.settled()).toEqual({ code: ExportResultCode.SUCCESS });
  });

  it('retries a dropped connection, then delivers', async () => {
    const r = await startOtlpReceiver((n) => (n === 0 ? { status: 200, reset: true } : { status: 200 }));
    open.push(r);
    const exporter = otlpExporter({ endpoint: r.url, timeoutMs: 8000 });
    expect((await startExport(exporter).result).code).toBe(ExportResultCode.SUCCESS);
    expect(r.attempts).toHaveLength(2);
    expect(r.spans()).toHaveLength(4);
    await exporter.shutdown();
  });
});

const script = fileURLToPath(new URL('../tests/__fixtures__/otlp-export-then-exit.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface ChildRun {
  /** Milliseconds from the child's "exporting" line to its exit. */
  afterExportMs: number;
  lines: string[];
  code: number | null;
}

/** Runs the fixture in a real child process that ends on its own; SIGKILLs it after `killAfterMs`. */
function runChild(url: string, mode: 'shutdown' | 'no-shutdown', killAfterMs = 25_000): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, url, mode], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exportingAt: number | undefined;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (exportingAt === undefined && stdout.includes('exporting\n')) exportingAt = performance.now();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      if (exportingAt === undefined) {
        reject(new Error(`child never started exporting (${code ?? signal}): ${stderr}`));
        return;
      }
      if (signal) {
        reject(new Error(`child still running after ${killAfterMs} ms; output: ${stdout}`));
        return;
      }
      resolve({ afterExportMs: performance.now() - exportingAt, lines: stdout.trim().split('\n'), code });
    });
  });
}

describe('a process using OtlpExporter directly (no init) ends on time', () => {
  it('exits within a few seconds after shutdown() when the backend never answers', async () => {
    const hole = await blackHole();
    const run = await runChild(hole.url, 'shutdown');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(['exporting', 'result FAILED', 'shut down']);
    // Default bound 1 s; the export's own timeoutMs (10 s) must not matter.
    expect(run.afterExportMs).toBeLessThan(5000);
  }, 30_000);

  it('exits within a few seconds after shutdown() when the port is closed', async () => {
    const run = await runChild(`http://127.0.0.1:${await closedPort()}/v1/traces`, 'shutdown');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(['exporting', 'result FAILED', 'shut down']);
    expect(run.afterExportMs).toBeLessThan(5000);
  }, 30_000);

  it('is not kept alive by a retry timer when it never calls shutdown()', async () => {
    const run = await runChild(`http://127.0.0.1:${await closedPort()}/v1/traces`, 'no-shutdown');
    expect(run.code).toBe(0);
    expect(run.afterExportMs).toBeLessThan(5000);
  }, 30_000);

  it('still delivers to a slow backend before ending when it never calls shutdown()', async () => {
    const r = await startOtlpReceiver(() => ({ status: 200, delayMs: 1500 }));
    open.push(r);
    const run = await runChild(r.url, 'no-shutdown');
    expect(run.code).toBe(0);
    expect(run.lines).toEqual(['exporting', 'result SUCCESS']);
    expect(r.spans()).toHaveLength(4);
  }, 30_000);
});
