import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlassboxConfigError } from '@glassbox/core';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../tests/otlp-receiver.js';
import { recordSpans, sampleTrace } from '../tests/sample-spans.js';
import { jsonFileExporter } from './json-file-exporter.js';
import { readTraceFile, type TraceFileLineError } from './read-trace-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-jsonl-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

describe('jsonFileExporter', () => {
  it('appends one OTLP/JSON ExportTraceServiceRequest per export, with hex ids and string nanosecond times', async () => {
    const path = join(dir, 'traces.jsonl');
    const exporter = jsonFileExporter({ path });
    const spans = recordSpans(sampleTrace);
    expect(await exportSpans(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(await exportSpans(exporter, [])).toEqual({ code: ExportResultCode.SUCCESS });
    expect(await exportSpans(exporter, spans.slice(0, 1))).toEqual({ code: ExportResultCode.SUCCESS });
    await exporter.shutdown();

    const written = lines(path);
    expect(written).toHaveLength(2);
    const request = JSON.parse(written[0]!);
    const [resourceSpans] = request.resourceSpans;
    expect(resourceSpans.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'glassbox-test' },
    });
    const otlpSpans = resourceSpans.scopeSpans[0].spans;
    expect(otlpSpans).toHaveLength(4);
    for (const s of otlpSpans) {
      expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(s.startTimeUnixNano).toMatch(/^\d{19}$/);
    }
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });

  it('writes lines that replay as-is to an OTLP/HTTP endpoint', async () => {
    const path = join(dir, 'traces.jsonl');
    const exporter = jsonFileExporter({ path });
    const spans = recordSpans(sampleTrace);
    await exportSpans(exporter, spans);
    await exporter.shutdown();

    const receiver = await startOtlpReceiver();
    try {
      // What `curl -X POST -H 'content-type: application/json' --data-binary @line` does.
      const response = await fetch(receiver.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: lines(path)[0],
      });
      expect(response.status).toBe(200);
      const received = receiver.spans();
      expect(received.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
      const llm = received.find((s) => s.name === 'chat gpt-4o')!;
      expect(llm.attributes['gen_ai.usage.input_tokens']).toEqual({ intValue: 512 });
      expect(llm.kind).toBe(3);
    } finally {
      await receiver.close();
    }
  });

  it('creates a missing directory', async () => {
    const path = join(dir, 'a', 'b', 'traces.jsonl');
    const exporter = jsonFileExporter({ path });
    await exportSpans(exporter, recordSpans(sampleTrace));
    await exporter.shutdown();
    expect(lines(path)).toHaveLength(1);
  });

  it('rotates by size: traces.jsonl -> traces.1.jsonl -> ..., keeping maxFiles old files', async () => {
    const path = join(dir, 'traces.jsonl');
    const spans = recordSpans(sampleTrace);
    const probe = jsonFileExporter({ path: join(dir, 'probe', 'p.jsonl') });
    await exportSpans(probe, spans);
    await probe.shutdown();
    const lineBytes = statSync(join(dir, 'probe', 'p.jsonl')).size;

    const exporter = jsonFileExporter({ path, maxBytes: lineBytes * 3, maxFiles: 2 });
    for (let i = 0; i < 20; i++) await exportSpans(exporter, spans);
    await exporter.shutdown();

    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('traces'))
        .sort(),
    ).toEqual(['traces.1.jsonl', 'traces.2.jsonl', 'traces.jsonl']);
    // 20 lines, 3 per file: the active file holds the last 2, the kept files the 6 before them.
    expect(lines(path)).toHaveLength(2);
    expect(lines(join(dir, 'traces.1.jsonl'))).toHaveLength(3);
    expect(lines(join(dir, 'traces.2.jsonl'))).toHaveLength(3);
    for (const f of ['traces.jsonl', 'traces.1.jsonl', 'traces.2.jsonl']) {
      expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(lineBytes * 3);
    }
  });

  it('never interleaves lines, also with two exporters appending to one file', async () => {
    const path = join(dir, 'traces.jsonl');
    const a = jsonFileExporter({ path });
    const b = jsonFileExporter({ path });
    const spans = recordSpans((t) => {
      for (let i = 0; i < 25; i++) sampleTrace(t);
    });
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, i % 3));
        return exportSpans(i % 2 ? a : b, spans);
      }),
    );
    await Promise.all([a.shutdown(), b.shutdown()]);
    const written = lines(path);
    expect(written).toHaveLength(40);
    for (const line of written)
      expect(JSON.parse(line).resourceSpans[0].scopeSpans[0].spans).toHaveLength(100);
  });

  it('removes a line cut by an earlier crash before appending, so no bad line is left mid-file', async () => {
    const path = join(dir, 'traces.jsonl');
    const first = jsonFileExporter({ path });
    await exportSpans(first, recordSpans(sampleTrace));
    await first.shutdown();
    appendFileSync(path, '{"resourceSpans":[{"resource":{"attr'); // a crash mid-line

    const second = jsonFileExporter({ path });
    await exportSpans(second, recordSpans(sampleTrace));
    await second.shutdown();

    const errors: TraceFileLineError[] = [];
    const read = [];
    for await (const span of readTraceFile(path, { onError: (e) => errors.push(e) })) read.push(span);
    expect(read).toHaveLength(8);
    expect(errors).toEqual([]);
    expect(lines(path)).toHaveLength(2);
  });

  it('keeps a whole last line that only lacks its newline, and ends it', async () => {
    const path = join(dir, 'traces.jsonl');
    const first = jsonFileExporter({ path });
    await exportSpans(first, recordSpans(sampleTrace));
    await first.shutdown();
    // A short write that stopped just before the newline.
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, -1));

    const second = jsonFileExporter({ path });
    await exportSpans(second, recordSpans(sampleTrace));
    await second.shutdown();

    const read = [];
    for await (const span of readTraceFile(path)) read.push(span);
    expect(read).toHaveLength(8);
    for (const line of lines(path)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('rejects an unwritable path or bad sizes at construction with GlassboxConfigError', () => {
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    for (const path of [dir, join(file, 'traces.jsonl')]) {
      expect(() => jsonFileExporter({ path })).toThrow(GlassboxConfigError);
      try {
        jsonFileExporter({ path });
      } catch (error) {
        expect((error as GlassboxConfigError).issues[0]).toMatchObject({ option: 'jsonFileExporter.path' });
      }
    }
    expect(() => jsonFileExporter({ path: '' })).toThrow(/`jsonFileExporter\.path`/);
    expect(() => jsonFileExporter({ path: join(dir, 't.jsonl'), maxBytes: 0, maxFiles: -1 })).toThrow(
      /`jsonFileExporter\.maxBytes`[\s\S]*`jsonFileExporter\.maxFiles`/,
    );
  });

  it('fails exports after shutdown instead of throwing', async () => {
    const exporter = jsonFileExporter({ path: join(dir, 'traces.jsonl') });
    await exporter.forceFlush();
    await exporter.shutdown();
    await exporter.shutdown();
    expect((await exportSpans(exporter, recordSpans(sampleTrace))).code).toBe(ExportResultCode.FAILED);
  });
});
