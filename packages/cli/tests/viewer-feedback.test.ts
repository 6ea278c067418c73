import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otlpExporter } from '@glassbox/exporters';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSpans, sampleTrace } from '../../exporters/tests/sample-spans.js';
import { runCli } from '../src/cli.js';
import { startViewer, type Viewer } from '../src/server/viewer-server.js';
import { request } from './http-client.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-feedback-'));
const db = join(dir, 'traces.db');
let viewer: Viewer;
let spans: ReadableSpan[];
let traceId: string;
let rootSpanId: string;
let llmSpanId: string;

function exportSpans(exporter: SpanExporter, batch: ReadableSpan[]): Promise<{ code: number }> {
  return new Promise((resolve) => exporter.export(batch, resolve));
}

const post = (body: unknown) =>
  request(`${viewer.url}/api/feedback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: viewer.url },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  viewer = await startViewer({ port: 0, db });
  spans = recordSpans(sampleTrace);
  const root = spans.find((s) => s.name === 'answer_question')!;
  traceId = root.spanContext().traceId;
  rootSpanId = root.spanContext().spanId;
  llmSpanId = spans.find((s) => s.name === 'chat gpt-4o')!.spanContext().spanId;
  const exporter = otlpExporter({ endpoint: `${viewer.url}/v1/traces` });
  expect((await exportSpans(exporter, spans)).code).toBe(0);
  await exporter.shutdown();
});

afterAll(async () => {
  await viewer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feedback through the viewer API', () => {
  it('stores thumbs, comments and expected answers from the page, and lists them', async () => {
    const thumbs = await post({
      traceId,
      spanId: rootSpanId,
      name: 'thumbs',
      value: false,
      rationale: 'It should say what the acronym stands for.',
      expectations: { expected_answer: 'OTLP is the OpenTelemetry Protocol.' },
      source: { type: 'human' },
    });
    expect(thumbs.status).toBe(201);
    const record = thumbs.json();
    expect(record).toMatchObject({
      traceId,
      spanId: rootSpanId,
      name: 'thumbs',
      value: false,
      source: { type: 'human' },
    });
    expect(typeof record.id).toBe('string');
    expect(Number.isNaN(Date.parse(record.createdAt))).toBe(false);
    expect((await post({ traceId, spanId: llmSpanId, name: 'thumbs', value: true })).status).toBe(201);

    const listed = (await request(`${viewer.url}/api/feedback?traceId=${traceId}`)).json();
    expect(listed.feedback).toHaveLength(2);
    expect((await request(`${viewer.url}/api/feedback?spanId=${llmSpanId}`)).json().feedback).toHaveLength(1);
    const withFeedback = (await request(`${viewer.url}/api/traces?feedback=1`)).json();
    expect(withFeedback.traces.map((t: { traceId: string }) => t.traceId)).toEqual([traceId]);
    const detail = (await request(`${viewer.url}/api/traces/${traceId}`)).json();
    expect(detail.feedback).toHaveLength(2);
  });

  it('exports feedback as JSONL records', async () => {
    const reply = await request(`${viewer.url}/api/export/feedback.jsonl`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-disposition']).toBe('attachment; filename="feedback.jsonl"');
    const lines = reply.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.spanId).sort()).toEqual([rootSpanId, llmSpanId].sort());
  });

  it('exports feedback as OTLP/JSON feedback spans linked to their targets, with evaluation events', async () => {
    const reply = await request(`${viewer.url}/api/export/feedback.otlp.json`);
    expect(reply.status).toBe(200);
    const otlp = reply.json();
    const exported = otlp.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
    expect(exported).toHaveLength(2);
    const onRoot = exported.find((s: any) => s.parentSpanId === rootSpanId);
    expect(onRoot).toMatchObject({
      name: 'feedback thumbs',
      traceId,
      links: [{ traceId, spanId: rootSpanId }],
    });
    expect(onRoot.spanId).toMatch(/^[0-9a-f]{16}$/);
    const attrs = Object.fromEntries(onRoot.attributes.map((a: any) => [a.key, a.value]));
    expect(attrs['glassbox.feedback.name']).toEqual({ stringValue: 'thumbs' });
    expect(attrs['glassbox.feedback.value']).toEqual({ boolValue: false });
    expect(attrs['glassbox.feedback.target.span_id']).toEqual({ stringValue: rootSpanId });
    expect(JSON.parse(attrs['glassbox.feedback.expectations'].stringValue)).toEqual({
      expected_answer: 'OTLP is the OpenTelemetry Protocol.',
    });
    const event = onRoot.events[0];
    expect(event.name).toBe('gen_ai.evaluation.result');
    const eventAttrs = Object.fromEntries(event.attributes.map((a: any) => [a.key, a.value]));
    expect(eventAttrs).toMatchObject({
      'gen_ai.evaluation.name': { stringValue: 'thumbs' },
      'gen_ai.evaluation.score.value': { intValue: '0' },
      'gen_ai.evaluation.score.label': { stringValue: 'fail' },
    });

    // Any OTLP receiver takes it: a second viewer files the spans as feedback on the same trace.
    const other = await startViewer({ port: 0 });
    try {
      const sent = await request(`${other.url}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: reply.body,
      });
      expect(sent.status).toBe(200);
      expect(other.store.listFeedback({ traceId }).feedback.map((f) => f.name)).toEqual(['thumbs', 'thumbs']);
    } finally {
      await other.close();
    }
  });

  it('exports a JSONL dataset of inputs, outputs and expectations', async () => {
    const reply = await request(`${viewer.url}/api/export/dataset.jsonl?service=glassbox-test`);
    expect(reply.status).toBe(200);
    const examples = reply.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(examples).toHaveLength(1);
    expect(examples[0]).toMatchObject({
      traceId,
      inputs: { question: 'What is OTLP?\nExplain briefly.' },
      outputs: 'OTLP is the OpenTelemetry protocol.',
      expectations: { expected_answer: 'OTLP is the OpenTelemetry Protocol.' },
    });
    expect((await request(`${viewer.url}/api/export/dataset.jsonl?service=nobody`)).text).toBe('');
  });

  it('`glassbox export` writes the same files from the store on disk', async () => {
    const out = (name: string) => join(dir, name);
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: dir };
    expect(await runCli(['export', 'feedback', '--db', db, '--out', 'feedback.jsonl'], io)).toBe(0);
    expect(readFileSync(out('feedback.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(
      await runCli(['export', 'feedback', '--format', 'otlp', '--db', db, '--out', 'feedback.otlp.json'], io),
    ).toBe(0);
    const otlp = JSON.parse(readFileSync(out('feedback.otlp.json'), 'utf8'));
    expect(otlp.resourceSpans[0].scopeSpans[0].spans.map((s: any) => s.name)).toEqual([
      'feedback thumbs',
      'feedback thumbs',
    ]);
    expect(await runCli(['export', 'dataset', '--db', db, '--out', 'dataset.jsonl'], io)).toBe(0);
    const example = JSON.parse(readFileSync(out('dataset.jsonl'), 'utf8').trim());
    expect(example.traceId).toBe(traceId);
    let stdout = '';
    const toStdout = { ...io, stdout: { write: (t: string) => (stdout += t) } };
    expect(await runCli(['export', 'dataset'], { ...toStdout, env: { GLASSBOX_UI_DB: db } })).toBe(0);
    expect(JSON.parse(stdout.trim()).traceId).toBe(traceId);
  });
});

describe('exported feedback sent back to a viewer', () => {
  it('keeps one record per judgement, and trace-level feedback hangs off the trace root', async () => {
    const own = await startViewer({ port: 0 });
    try {
      const exporter = otlpExporter({ endpoint: `${own.url}/v1/traces` });
      expect((await exportSpans(exporter, spans)).code).toBe(0);
      await exporter.shutdown();
      const give = (body: unknown) =>
        request(`${own.url}/api/feedback`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: own.url },
          body: JSON.stringify(body),
        });
      const onTrace = (await give({ traceId, name: 'thumbs', value: true })).json();
      const onSpan = (await give({ traceId, spanId: llmSpanId, name: 'thumbs', value: false })).json();

      const exportOnce = async () => {
        const reply = await request(`${own.url}/api/export/feedback.otlp.json`);
        expect(reply.status).toBe(200);
        return reply;
      };
      const first = await exportOnce();
      const exported = first
        .json()
        .resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
      const idOf = (s: any) => s.attributes.find((a: any) => a.key === 'glassbox.feedback.id')?.value;
      expect(exported.map(idOf).sort((x: any, y: any) => x.stringValue.localeCompare(y.stringValue))).toEqual(
        [onTrace.id, onSpan.id].sort().map((id) => ({ stringValue: id })),
      );
      // Trace-level feedback: a child of and linked to the trace's root span, not a second root.
      const traceLevel = exported.find((s: any) => idOf(s).stringValue === onTrace.id);
      expect(traceLevel.parentSpanId).toBe(rootSpanId);
      expect(traceLevel.links).toEqual([
        {
          traceId,
          spanId: rootSpanId,
          attributes: [{ key: 'glassbox.feedback.name', value: { stringValue: 'thumbs' } }],
        },
      ]);
      expect(
        traceLevel.attributes.find((a: any) => a.key === 'glassbox.feedback.target.span_id'),
      ).toBeUndefined();

      for (let i = 0; i < 2; i++) {
        const sent = await request(`${own.url}/v1/traces`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: (await exportOnce()).body,
        });
        expect(sent.status).toBe(200);
      }
      const records = own.store.listFeedback({ traceId }).feedback;
      expect(records.map((r) => r.id).sort()).toEqual([onTrace.id, onSpan.id].sort());
      const detail = own.store.getTrace(traceId)!;
      expect(detail.summary.feedbackCount).toBe(2);
      expect(detail.summary.rootSpanId).toBe(rootSpanId);
      // The stored record keeps its trace-level target.
      expect(records.find((r) => r.id === onTrace.id)?.spanId).toBeUndefined();
      // And exporting again gives the same request.
      expect((await exportOnce()).text).toBe(first.text);
    } finally {
      await own.close();
    }
  });

  it('`glassbox stats --db` counts feedback given on the page once, with the feedback spans', async () => {
    const statsDir = mkdtempSync(join(tmpdir(), 'glassbox-stats-'));
    const statsDb = join(statsDir, 'traces.db');
    try {
      const own = await startViewer({ port: 0, db: statsDb });
      try {
        const exporter = otlpExporter({ endpoint: `${own.url}/v1/traces` });
        expect((await exportSpans(exporter, spans)).code).toBe(0);
        await exporter.shutdown();
        own.store.addFeedback({ traceId, name: 'thumbs', value: true });
        own.store.addFeedback({ traceId, spanId: llmSpanId, name: 'thumbs', value: false });
        // Both go back in as feedback spans; a third judgement is only a record.
        const reply = await request(`${own.url}/api/export/feedback.otlp.json`);
        const sent = await request(`${own.url}/v1/traces`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: reply.body,
        });
        expect(sent.status).toBe(200);
        own.store.addFeedback({ traceId, name: 'thumbs', value: true });
      } finally {
        await own.close();
      }
      let stdout = '';
      const io = {
        stdout: {
          write: (t: string) => {
            stdout += t;
            return true;
          },
        },
        stderr: { write: () => true },
        env: {},
        cwd: statsDir,
      };
      expect(await runCli(['stats', '--db', statsDb, '--json'], io)).toBe(0);
      const thumbs = JSON.parse(stdout).feedback.find(
        (f: any) => f.name === 'thumbs' && f.kind === 'feedback',
      );
      expect(thumbs).toMatchObject({ count: 3, positive: 2, negative: 1 });
    } finally {
      rmSync(statsDir, { recursive: true, force: true });
    }
  });
});
