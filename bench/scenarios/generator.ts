/**
 * An async generator of 100 items (a token stream)d with `for await`. Figures are per item and
 * include the span's own fixed cost spread over the 100 items (so they overstate the marginal cost).
 *
 * Peers are left out on purpose: OpenInference `withSpan`, Langfuse `observe` and Traceloop `withTask`
 * end the span as soon as the generator object is returned (docs/peers.md), so they do no per-item work
 * and their figures would compare a span that covers the stream with one that covers nothing. The
 * hand-written OpenTelemetry variant does what Glassbox does: one span around the whole iteration, each
 * `next()` run in the span's context, the items joined into the output attribute.
 */
import { context, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { type MeasureOptions, measure, releaseSink, type Variant } from '../harness.js';
import { below, type CaseReport, glassboxRow, type ScenarioReport } from '../report.js';
import { setupSdks } from '../sdks.js';

const ITEMS = 100;
const TOKENS = ['The', ' batch', ' API', ' runs', ' in', ' three', ' regions', '.', '\n', ' Results'];

async function* tokens(count: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) yield TOKENS[i % TOKENS.length]!;
}

async function drain(stream: AsyncIterable<string>): Promise<number> {
  let chars = 0;
  for await (const token of stream) chars += token.length;
  return chars;
}

/** Hand-written OpenTelemetry around an async generator: the span covers the iteration. */
function rawOtelGenerator(
  tracer: Tracer,
  name: string,
  fn: (count: number) => AsyncGenerator<string>,
): (count: number) => AsyncGenerator<string> {
  return async function* (count: number) {
    const span = tracer.startSpan(name);
    const ctx = trace.setSpan(context.active(), span);
    if (span.isRecording()) span.setAttribute('input.value', JSON.stringify([count]));
    const items: string[] = [];
    try {
      const inner = context.with(ctx, () => fn(count));
      for (;;) {
        const result = await context.with(ctx, () => inner.next());
        if (result.done) break;
        items.push(result.value);
        yield result.value;
      }
      if (span.isRecording()) span.setAttribute('output.value', JSON.stringify(items.join('')));
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
}

export async function runGenerator(quick: boolean): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  const sdks = await setupSdks('active');
  const options: MeasureOptions = quick
    ? {
        rounds: 8,
        warmupRounds: 2,
        callsPerSample: 100,
        yieldEvery: 50,
        opsPerCall: ITEMS,
        heapProbeCalls: 300,
      }
    : {
        rounds: 30,
        warmupRounds: 5,
        callsPerSample: 200,
        yieldEvery: 100,
        opsPerCall: ITEMS,
        heapProbeCalls: 1000,
      };
  const raw = rawOtelGenerator(sdks.rawTracer, 'tokens', tokens);
  const traced = sdks.glassbox.trace(tokens, { name: 'tokens', type: 'LLM' });
  const variants: Variant[] = [
    { name: 'plain', call: () => drain(tokens(ITEMS)), async: true, spansPerCall: 0 },
    {
      name: 'raw-otel',
      call: () => drain(raw(ITEMS)),
      async: true,
      spansPerCall: 1,
      exporter: sdks.exporters['raw-otel'],
    },
    {
      name: 'glassbox',
      call: () => drain(traced(ITEMS)),
      async: true,
      spansPerCall: 1,
      exporter: sdks.exporters.glassbox,
    },
  ];
  const results = await measure(variants, options, sdks.flush);
  releaseSink();
  const generatorCase: CaseReport = {
    id: 'generator',
    title: `Async generator of ${ITEMS} items (figures per item)`,
    unit: 'item',
    results,
    targets: [
      below('Glassbox per-item overhead < 1 µs', Math.round(glassboxRow(results).overheadNs), 1000, ' ns'),
    ],
    notes: [
      'per item = per call / 100, so the span start/end is included, spread over the items',
      'peers not measured: their wrappers end the span when the generator object is returned',
      'retained heap is per call (one 100-item stream)',
    ],
  };
  return { scenario: 'generator', cases: [generatorCase] };
}
