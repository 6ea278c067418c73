// A small traced app for the process test: sends its spans to OTEL_EXPORTER_OTLP_ENDPOINT, as any app would.
import { init, logFeedback, SpanType, trace, withSpan } from '@glassbox/core';
import { otlpExporter } from '@glassbox/exporters';

const glassbox = init({ serviceName: 'child-app', exporters: [otlpExporter()], logLevel: 'none' });

const answer = trace(
  async (question: string) =>
    withSpan({ name: 'chat fake-model', type: SpanType.LLM }, (span) => {
      span.setAttributes({ 'gen_ai.request.model': 'fake-model', 'gen_ai.usage.input_tokens': 12 });
      return `You asked: ${question}`;
    }),
  { name: 'answer', type: SpanType.CHAIN },
);

let ids: { traceId: string; spanId: string } | undefined;
await withSpan({ name: 'request', type: SpanType.AGENT }, async (span) => {
  ids = { traceId: span.traceId, spanId: span.spanId };
  await answer('what is OTLP?');
});
logFeedback({ ...ids!, name: 'thumbs', value: true, source: 'human' });
await glassbox.shutdown();
process.stdout.write(`${JSON.stringify(ids)}\n`);
