import { setupGlassbox } from '@glassbox/test-harness';
import { trace as otelTrace, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { logFeedback, startSpan, trace, updateCurrentTrace, withSpan, withTraceContext } from './index.js';

// Every path a string takes out of the process, other than captured inputs and outputs, must redact.
const KEY = `sk-proj-${'a1B2c3D4'.repeat(6)}`;
const GITHUB = `ghp_${'Zx9Yw8Vu7'.repeat(4)}`;

const { spans, exporter } = setupGlassbox();

/** Everything of a span that an exporter writes: name, attributes, events, links, status. */
function exported(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: span.links.map((l) => l.attributes),
    status: span.status,
  });
}

async function leaks(): Promise<string[]> {
  const all = await spans();
  return all.filter((s) => exported(s).includes(KEY) || exported(s).includes(GITHUB)).map((s) => s.name);
}

describe('secrets are redacted on every path, not only in inputs and outputs', () => {
  it('span names of trace, withSpan and startSpan', async () => {
    exporter.reset();
    trace(() => 1, { name: `call with ${KEY}` })();
    withSpan(`block ${GITHUB}`, () => 1);
    startSpan({ name: `manual ${KEY}` }).end();
    expect(await spans()).toHaveLength(3);
    expect(await leaks()).toEqual([]);
  });

  it('the attributes option of trace, withSpan and startSpan, under secret keys and in values', async () => {
    exporter.reset();
    trace(() => 1, { name: 't', attributes: { 'app.note': `key ${KEY}`, 'app.api_key': 'plain' } })();
    withSpan(
      { name: 'w', attributes: { 'http.request.header.authorization': 'Basic dXNlcjpwYXNz' } },
      () => 1,
    );
    startSpan({ name: 's', attributes: { tags: [`x ${GITHUB}`, 'ok'] } }).end();
    expect(await leaks()).toEqual([]);
    const t = (await spans()).find((s) => s.name === 't')!;
    expect(t.attributes['app.api_key']).toBe('[REDACTED]');
    const w = (await spans()).find((s) => s.name === 'w')!;
    expect(w.attributes['http.request.header.authorization']).toBe('[REDACTED]');
    const s = (await spans()).find((sp) => sp.name === 's')!;
    expect(s.attributes.tags).toEqual(['x [REDACTED]', 'ok']);
  });

  it('setAttribute (strings, string arrays, secret keys, objects) and events (names and attributes)', async () => {
    exporter.reset();
    withSpan('handle', (span) => {
      span.setAttribute('note', `called with ${KEY}`);
      span.setAttribute('list', ['a', `b ${GITHUB}`]);
      span.setAttribute('password', 'hunter2-is-long');
      span.setAttribute('config', { nested: { token: 'abc' }, text: KEY });
      span.addEvent(`retry ${KEY}`, { reason: `auth ${GITHUB}`, secret: 'x', detail: { api_key: 'k' } });
    });
    expect(await leaks()).toEqual([]);
    const s = (await spans())[0]!;
    expect(s.attributes.password).toBe('[REDACTED]');
    expect(JSON.stringify(s)).not.toContain('hunter2');
    expect(s.events[0]!.attributes!.secret).toBe('[REDACTED]');
  });

  it('withTraceContext and updateCurrentTrace: session, user, tags and metadata (keys and values)', async () => {
    exporter.reset();
    await withTraceContext(
      { sessionId: `s-${KEY}`, userId: GITHUB, tags: [`t ${KEY}`], metadata: { token: 'abc', note: KEY } },
      async () => {
        await withSpan('root', async () => {
          updateCurrentTrace({ metadata: { password: 'pw-1234567', other: `x ${GITHUB}` } });
          trace(() => 1, { name: 'child' })();
        });
      },
    );
    expect(await leaks()).toEqual([]);
    const child = (await spans()).find((s) => s.name === 'child')!;
    expect(child.attributes['glassbox.trace.metadata.token']).toBe('[REDACTED]');
    expect(child.attributes['glassbox.trace.metadata.password']).toBe('[REDACTED]');
    expect(JSON.stringify(child.attributes)).not.toContain('pw-1234567');
  });

  it('error status messages and exception events', async () => {
    exporter.reset();
    const fail = trace(
      () => {
        throw new Error(`401 for key ${KEY}`);
      },
      { name: 'fails' },
    );
    expect(() => fail()).toThrow(KEY);
    expect(await leaks()).toEqual([]);
    expect((await spans())[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('link attributes, and logFeedback name, value and rationale', async () => {
    exporter.reset();
    const target = startSpan({ name: 'target' });
    target.end();
    startSpan({
      name: 'linked',
      links: [{ context: target.otelSpan.spanContext(), attributes: { why: `see ${KEY}` } }],
    }).end();
    logFeedback({
      traceId: target.traceId,
      spanId: target.spanId,
      name: 'helpful',
      value: `quoted ${GITHUB}`,
      rationale: `the answer leaked ${KEY}`,
      source: 'human',
    });
    expect(await leaks()).toEqual([]);
  });

  it("other libraries' spans: names, url.query without '?', apiKey= in url.full, events, links, status", async () => {
    exporter.reset();
    const tracer = otelTrace.getTracer('@opentelemetry/instrumentation-http');
    const other = tracer.startSpan(`GET /v1?key=${KEY}`, {
      attributes: {
        'url.full': `https://api.example.com/v1/models?apiKey=${KEY}`,
        'http.request.header.x-api-key': ['abc-123-def'],
      },
      links: [
        {
          context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 },
          attributes: { k: KEY },
        },
      ],
    });
    other.addEvent(`sent ${GITHUB}`, { body: `{"auth":"Bearer ${KEY}"}` });
    other.setStatus({ code: SpanStatusCode.ERROR, message: `failed with ${KEY}` });
    other.end();
    expect(await leaks()).toEqual([]);
    const s = (await spans())[0]!;
    expect(s.attributes['http.request.header.x-api-key']).toBe('[REDACTED]');
  });
});
