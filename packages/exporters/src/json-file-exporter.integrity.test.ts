/**
 * The trace file is the user's record: every line but the last must stay valid JSON whatever the disk
 * or the user does to it, and an export that did not reach the file must be reported as FAILED.
 * Real file system throughout; disk-full runs on a real, tiny tmpfs when this process may mount one.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordSpans, sampleTrace } from '../tests/sample-spans.js';
import { JsonFileExporter, jsonFileExporter } from './json-file-exporter.js';
import { readTraceFile, type TraceFileLineError } from './read-trace-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-integrity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Every line of the file; the last one may be '' (the file ends with a newline). */
function rawLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

/** Asserts that every line but the last parses and that the file ends with a newline; returns the lines. */
function expectAllLinesValid(path: string): string[] {
  const lines = rawLines(path);
  expect(lines.pop()).toBe('');
  lines.forEach((line, i) => {
    expect(() => JSON.parse(line), `line ${i + 1} of ${path}`).not.toThrow();
  });
  return lines;
}

async function spansIn(path: string): Promise<{ spanIds: string[]; errors: TraceFileLineError[] }> {
  const errors: TraceFileLineError[] = [];
  const spanIds: string[] = [];
  for await (const span of readTraceFile(path, { onError: (e) => errors.push(e) })) spanIds.push(span.spanId);
  return { spanIds, errors };
}

const ids = (spans: ReadableSpan[]) => spans.map((s) => s.spanContext().spanId);

describe('jsonFileExporter when the file or its directory goes away', () => {
  it('recreates a deleted file, so the spans after the deletion land in a new file at the path', async () => {
    const path = join(dir, 'traces.jsonl');
    const exporter = jsonFileExporter({ path });
    const before = recordSpans(sampleTrace);
    const after = recordSpans(sampleTrace);
    expect((await exportSpans(exporter, before)).code).toBe(ExportResultCode.SUCCESS);
    rmSync(path);

    expect((await exportSpans(exporter, after)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect(expectAllLinesValid(path)).toHaveLength(1);
    expect((await spansIn(path)).spanIds).toEqual(ids(after));
  });

  it('follows a file renamed away (e.g. by logrotate) and appends to a new file at the path', async () => {
    const path = join(dir, 'traces.jsonl');
    const exporter = jsonFileExporter({ path });
    await exportSpans(exporter, recordSpans(sampleTrace));
    fs.renameSync(path, join(dir, 'traces.jsonl.old'));

    const after = recordSpans(sampleTrace);
    expect((await exportSpans(exporter, after)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect((await spansIn(path)).spanIds).toEqual(ids(after));
    expect(expectAllLinesValid(join(dir, 'traces.jsonl.old'))).toHaveLength(1);
  });

  it('recreates a removed directory, and uses a directory the user recreated', async () => {
    const traces = join(dir, 'traces');
    const path = join(traces, 'traces.jsonl');
    const exporter = jsonFileExporter({ path });
    await exportSpans(exporter, recordSpans(sampleTrace));

    rmSync(traces, { recursive: true });
    const first = recordSpans(sampleTrace);
    expect((await exportSpans(exporter, first)).code).toBe(ExportResultCode.SUCCESS);
    expect((await spansIn(path)).spanIds).toEqual(ids(first));

    rmSync(traces, { recursive: true });
    mkdirSync(traces);
    const second = recordSpans(sampleTrace);
    expect((await exportSpans(exporter, second)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect(expectAllLinesValid(path)).toHaveLength(1);
    expect((await spansIn(path)).spanIds).toEqual(ids(second));
  });

  it('reports FAILED while the path cannot be recreated, and recovers once it can', async () => {
    const traces = join(dir, 'traces');
    const path = join(traces, 'traces.jsonl');
    const exporter = jsonFileExporter({ path });
    rmSync(traces, { recursive: true });
    writeFileSync(traces, 'a file where the directory was');

    const lost = await exportSpans(exporter, recordSpans(sampleTrace));
    expect(lost.code).toBe(ExportResultCode.FAILED);
    expect(lost.error).toBeInstanceOf(Error);

    rmSync(traces);
    const kept = recordSpans(sampleTrace);
    expect((await exportSpans(exporter, kept)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect((await spansIn(path)).spanIds).toEqual(ids(kept));
  });
});

describe('jsonFileExporter when rotation fails', () => {
  it('keeps appending to the active file and rotates once the obstacle is gone', async () => {
    const path = join(dir, 'traces.jsonl');
    const spans = recordSpans(sampleTrace);
    const exporter = jsonFileExporter({ path, maxBytes: 1, maxFiles: 1 });
    // The rotated file's name is taken by a non-empty directory: neither rm nor rename can replace it.
    const blocker = join(dir, 'traces.1.jsonl');
    mkdirSync(blocker);
    writeFileSync(join(blocker, 'keep'), 'user data');

    for (let i = 0; i < 4; i++)
      expect((await exportSpans(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    expect(expectAllLinesValid(path)).toHaveLength(4);
    expect(readFileSync(join(blocker, 'keep'), 'utf8')).toBe('user data');

    rmSync(blocker, { recursive: true });
    expect((await exportSpans(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect(expectAllLinesValid(blocker)).toHaveLength(4);
    expect(expectAllLinesValid(path)).toHaveLength(1);
  });
});

describe('jsonFileExporter after a failed or partial write', () => {
  const enospc = () =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });

  /**
   * Real fs on a disk with `room` bytes left, behaving like write(2) on a full disk: a write that does
   * not fit puts what fits on disk and returns that short count, the next one fails with ENOSPC.
   * `failTruncates` makes that many ftruncate calls fail (EIO) first.
   */
  function smallDisk() {
    const disk = { room: Number.POSITIVE_INFINITY, failTruncates: 0 };
    // The exporter always calls writeSync(fd, buffer, offset, length).
    const writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      if (disk.room <= 0) throw enospc();
      const written = fs.writeSync(fd, buffer, offset, Math.min(length, disk.room));
      disk.room -= written;
      return written;
    }) as typeof fs.writeSync;
    const ftruncateSync = ((fd: number, len?: number) => {
      if (disk.failTruncates-- > 0)
        throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
      fs.ftruncateSync(fd, len);
    }) as typeof fs.ftruncateSync;
    return { disk, fs: { ...fs, writeSync, ftruncateSync } };
  }

  it('removes the cut line at once and reports the lost exports as FAILED', async () => {
    const path = join(dir, 'traces.jsonl');
    const { disk, fs: io } = smallDisk();
    const exporter = new JsonFileExporter({ path }, io);
    const batches = [0, 1, 2, 3].map(() => recordSpans(sampleTrace));

    const results = [(await exportSpans(exporter, batches[0]!)).code];
    disk.room = 700; // the next line stops after 700 bytes
    results.push((await exportSpans(exporter, batches[1]!)).code);
    expect(expectAllLinesValid(path)).toHaveLength(1);
    results.push((await exportSpans(exporter, batches[2]!)).code); // still full: nothing written at all
    disk.room = Number.POSITIVE_INFINITY;
    results.push((await exportSpans(exporter, batches[3]!)).code);
    await exporter.shutdown();

    expect(results).toEqual([
      ExportResultCode.SUCCESS,
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.SUCCESS,
    ]);
    expect(expectAllLinesValid(path)).toHaveLength(2);
    const { spanIds, errors } = await spansIn(path);
    expect(errors).toEqual([]);
    expect(spanIds).toEqual([...ids(batches[0]!), ...ids(batches[3]!)]);
  });

  it('removes the cut line before the next write when it could not be removed at once', async () => {
    const path = join(dir, 'traces.jsonl');
    const { disk, fs: io } = smallDisk();
    const exporter = new JsonFileExporter({ path }, io);
    const batches = [0, 1, 2, 3].map(() => recordSpans(sampleTrace));

    expect((await exportSpans(exporter, batches[0]!)).code).toBe(ExportResultCode.SUCCESS);
    disk.room = 1000;
    disk.failTruncates = 2; // the repair right after the short write fails, and so does the next try
    expect((await exportSpans(exporter, batches[1]!)).code).toBe(ExportResultCode.FAILED);
    disk.room = Number.POSITIVE_INFINITY;
    // The fragment is still there and cannot be removed: appending after it would corrupt a line.
    expect((await exportSpans(exporter, batches[2]!)).code).toBe(ExportResultCode.FAILED);
    expect((await exportSpans(exporter, batches[3]!)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();

    expect(expectAllLinesValid(path)).toHaveLength(2);
    const { spanIds, errors } = await spansIn(path);
    expect(errors).toEqual([]);
    expect(spanIds).toEqual([...ids(batches[0]!), ...ids(batches[3]!)]);
  });
});

/** A real, tiny tmpfs, so ENOSPC and the short write before it come from the kernel. Needs mount rights (root). */
function mountTinyTmpfs(at: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'glassbox-test', at], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const probe = mkdtempSync(join(tmpdir(), 'glassbox-mount-probe-'));
const canMount = mountTinyTmpfs(probe, '64k');
if (canMount) execFileSync('umount', [probe]);
rmSync(probe, { recursive: true, force: true });

describe.skipIf(!canMount)('jsonFileExporter on a full disk (real tmpfs)', () => {
  let disk: string;
  beforeEach(() => {
    disk = join(dir, 'disk');
    mkdirSync(disk);
    expect(mountTinyTmpfs(disk, '256k')).toBe(true);
  });
  afterEach(() => {
    // Lazy, so a failed test that left the file open cannot keep the mount behind.
    execFileSync('umount', ['-l', disk]);
  });

  it('keeps every line valid through ENOSPC and resumes when space is freed', async () => {
    const path = join(disk, 'traces.jsonl');
    // Room to free later, so the test can show recovery.
    writeFileSync(join(disk, 'ballast'), Buffer.alloc(96 * 1024));
    const exporter = jsonFileExporter({ path });
    const batch = recordSpans((tracer) => {
      for (let i = 0; i < 12; i++) sampleTrace(tracer);
    });
    const results: ExportResultCode[] = [];
    while (results.length < 100 && results.at(-1) !== ExportResultCode.FAILED) {
      results.push((await exportSpans(exporter, batch)).code);
    }
    const succeeded = results.filter((c) => c === ExportResultCode.SUCCESS).length;
    expect(results.at(-1)).toBe(ExportResultCode.FAILED);
    expect(succeeded).toBeGreaterThan(1);
    // Still full: fails again, and still leaves no fragment behind.
    expect((await exportSpans(exporter, batch)).code).toBe(ExportResultCode.FAILED);
    expect(expectAllLinesValid(path)).toHaveLength(succeeded);

    rmSync(join(disk, 'ballast'));
    expect((await exportSpans(exporter, batch)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    expect(expectAllLinesValid(path)).toHaveLength(succeeded + 1);
    const { spanIds, errors } = await spansIn(path);
    expect(errors).toEqual([]);
    expect(spanIds).toHaveLength((succeeded + 1) * batch.length);
    expect(statSync(path).size).toBeGreaterThan(0);
  });
});
