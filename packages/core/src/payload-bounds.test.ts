import { setupGlassbox } from '@glassbox/test-harness';
import { trace as otelTrace, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { startSpan, trace, withSpan } from './index.js';

const MAX = 1024;
const { spans, exporter } = setupGlassbox({ maxValueLength: MAX });

/** The longest string anywhere in what an exporter writes of a span. */
function longest(span: ReadableSpan): number {
  let max = span.name.length;
  const visit = (v: unknown) => {
    if (typeof v === 'string') max = Math.max(max, v.length);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(span.attributes);
  for (const e of span.events) {
    max = Math.max(max, e.name.length);
    visit(e.attributes);
  }
  for (const l of span.links) visit(l.attributes);
  visit(span.status.message);
  return max;
}

function totalChars(span: ReadableSpan): number {
  return JSON.stringify({
    n: span.name,
    a: span.attributes,
    e: span.events.map((e) => [e.name, e.attributes]),
    l: span.links.map((l) => l.attributes),
    s: span.status,
  }).length;
}

describe('every string that leaves is bounded', () => {
  it('span names of 5M characters, event names of 1M, attribute values of 3M, arrays of 1.2M', async () => {
    exporter.reset();
    const huge = 'n'.repeat(5_000_000);
    trace(() => 1, { name: huge, attributes: { big: 'a'.repeat(3_000_000) } })();
    withSpan(
      { name: huge.slice(0, 2_000_000), attributes: { list: Array(1200).fill('x'.repeat(1000)) } },
      (span) => {
        span.addEvent('e'.repeat(1_000_000), {
          payload: { text: 'p'.repeat(3_800_000) },
          plain: 'q'.repeat(2e6),
        });
        span.setAttribute('strings', Array(1200).fill('y'.repeat(1000)));
        span.setAttribute(
          'numbers',
          Array.from({ length: 1_000_000 }, (_, i) => i),
        );
      },
    );
    startSpan({
      name: 'linked',
      links: [
        {
          context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 },
          attributes: { note: 'l'.repeat(1e6) },
        },
      ],
    }).end();
    const all = await spans();
    expect(all).toHaveLength(3);
    for (const s of all) {
      expect(s.name.length).toBeLessThanOrEqual(256);
      expect(longest(s)).toBeLessThanOrEqual(MAX);
      // A handful of bounded values: the whole span stays small (it was 14 MB for a few spans).
      expect(totalChars(s)).toBeLessThan(20 * MAX);
    }
  });

  it("other libraries' spans are bounded on their way out", async () => {
    exporter.reset();
    const span = otelTrace.getTracer('db').startSpan('q'.repeat(100_000), {
      attributes: { 'db.query.text': 'SELECT '.repeat(200_000) },
    });
    span.addEvent('x'.repeat(10_000), { detail: 'd'.repeat(1e6) });
    span.end();
    const [s] = await spans();
    expect(s!.name.length).toBeLessThanOrEqual(256);
    expect(longest(s!)).toBeLessThanOrEqual(MAX);
  });

  it('status messages are cut on a code point boundary', async () => {
    exporter.reset();
    const message = `${'a'.repeat(1023)}😀 and more`;
    const fail = trace(
      () => {
        throw new Error(message);
      },
      { name: 'emoji' },
    );
    expect(() => fail()).toThrow();
    const [s] = await spans();
    expect(s!.status.code).toBe(SpanStatusCode.ERROR);
    const cut = s!.status.message!;
    expect(cut.length).toBeLessThanOrEqual(1024);
    const last = cut.charCodeAt(cut.length - 1);
    expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
  });
});
