// Test helpers for the store's suites: span records made by hand, and real OpenTelemetry spans converted.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Attrs, AttrValue, SpanRecord } from '../span-record.js';

export const traceId = () => randomBytes(16).toString('hex');
export const spanId = () => randomBytes(8).toString('hex');

/** A span record with defaults: a root span of service `svc` starting at `startMs` (default 1,700,000,000,000). */
export function span(overrides: Partial<SpanRecord> = {}): SpanRecord {
  const startMs = overrides.startMs ?? 1_700_000_000_000;
  const durationMs = overrides.durationMs ?? 10;
  return {
    traceId: overrides.traceId ?? traceId(),
    spanId: overrides.spanId ?? spanId(),
    name: 'step',
    kind: 0,
    startTimeUnixNano: `${BigInt(Math.round(startMs * 1000)) * 1000n}`,
    endTimeUnixNano: `${BigInt(Math.round((startMs + durationMs) * 1000)) * 1000n}`,
    startMs,
    durationMs,
    statusCode: 0,
    serviceName: 'svc',
    attributes: {},
    events: [],
    links: [],
    resource: { 'service.name': overrides.serviceName ?? 'svc' },
    scope: { name: 'test' },
    ...overrides,
  };
}

/** A trace: a root and `children` child spans, all with the given trace id, each child 1 ms after the last. */
export function trace(
  options: {
    traceId?: string;
    startMs?: number;
    root?: Partial<SpanRecord>;
    children?: Partial<SpanRecord>[];
  } = {},
): SpanRecord[] {
  const id = options.traceId ?? traceId();
  const startMs = options.startMs ?? 1_700_000_000_000;
  const root = span({ traceId: id, startMs, durationMs: 100, name: 'root', ...options.root });
  const children = (options.children ?? []).map((c, i) =>
    span({ traceId: id, parentSpanId: root.spanId, startMs: startMs + 1 + i, durationMs: 5, ...c }),
  );
  return [root, ...children];
}

const nanos = (t: HrTime) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

function value(v: unknown): AttrValue {
  if (Array.isArray(v)) return v.map(value);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

function attrs(a: Record<string, unknown> | undefined): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(a ?? {})) if (v !== undefined) out[k] = value(v);
  return out;
}

/** A real SDK span as the receiver would store it. */
export function fromReadable(s: ReadableSpan): SpanRecord {
  const ctx = s.spanContext();
  const start = nanos(s.startTime);
  const end = nanos(s.endTime);
  const resource = attrs(s.resource.attributes as Record<string, unknown>);
  const record: SpanRecord = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    startMs: Number(BigInt(start) / 1000n) / 1000,
    durationMs: Number(BigInt(end) - BigInt(start)) / 1e6,
    statusCode: s.status.code,
    serviceName: typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service',
    attributes: attrs(s.attributes),
    events: s.events.map((e) => ({
      name: e.name,
      timeUnixNano: nanos(e.time),
      attributes: attrs(e.attributes),
    })),
    links: s.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: attrs(l.attributes),
    })),
    resource,
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version ?? '' },
  };
  const parent = s.parentSpanContext?.spanId;
  if (parent) record.parentSpanId = parent;
  if (s.status.message) record.statusMessage = s.status.message;
  return record;
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
