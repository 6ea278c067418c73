// Simulates a cold start and two invocations of a serverless function, as a runtime would do them.
// Run: npx tsx examples/serverless/main.ts   (set OTEL_EXPORTER_OTLP_ENDPOINT to send to Jaeger)
import { pathToFileURL } from 'node:url';
import { init } from '@glassbox/core';
import { consoleExporter, otlpExporter } from '@glassbox/exporters';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createHandler } from './handler.js';

export async function main(exporters?: SpanExporter[]): Promise<void> {
  // Cold start: set up once per container, outside the handler.
  const glassbox = init({
    serviceName: 'faq-function',
    exporters: exporters ?? [
      consoleExporter(),
      ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? [otlpExporter()] : []),
    ],
  });
  const handler = createHandler(glassbox);

  for (const event of [
    { requestId: 'req-1', userId: 'u-1', question: 'When do I get my refund?' },
    { requestId: 'req-2', question: 'Can I pay in bitcoin?' },
  ]) {
    const response = await handler(event);
    // By now the invocation's spans are exported: the runtime could freeze the process here.
    console.log(`${event.requestId} -> ${response.statusCode} ${response.body}`);
    console.log(`   spans exported so far: ${glassbox.stats().spansExported}`);
  }
  await glassbox.shutdown();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
