// The model-serving service: continues the caller's trace from the W3C `traceparent` header.
// Run on its own: npx tsx examples/distributed/model-service.ts  (PORT, TRACES_FILE to override)
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { init, SpanType, trace, withRemoteParent, withSpan } from '@glassbox/core';
import { consoleExporter, jsonFileExporter, otlpExporter } from '@glassbox/exporters';
import { SpanKind } from '@opentelemetry/api';

const tracesFile =
  process.env.TRACES_FILE ?? fileURLToPath(new URL('./out/traces-model-service.jsonl', import.meta.url));
const glassbox = init({
  serviceName: 'model-service',
  exporters: [
    jsonFileExporter({ path: tracesFile }),
    consoleExporter(),
    ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? [otlpExporter()] : []),
  ],
});

const tokenize = trace(
  function tokenize(text: string): string[] {
    return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  },
  { type: SpanType.PARSER },
);

/** A stand-in model: deterministic, so the example needs no network or GPU. */
const generate = trace(
  async function generate(prompt: string): Promise<{ text: string; inputTokens: number }> {
    const tokens = tokenize(prompt);
    const text = await withSpan({ name: 'decode', type: SpanType.LLM }, (span) => {
      const reply = `You asked about ${tokens.slice(-3).join(' ')}: it ships in 2 days.`;
      span.setAttributes({
        'gen_ai.request.model': 'tiny-demo-model',
        'gen_ai.usage.input_tokens': tokens.length,
        'gen_ai.usage.output_tokens': reply.split(' ').length,
      });
      return reply;
    });
    return { text, inputTokens: tokens.length };
  },
  // SERVER: the entry point of this process's part of the trace.
  { type: SpanType.CHAIN, kind: SpanKind.SERVER },
);

async function readJson(req: IncomingMessage): Promise<{ prompt?: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/generate') {
    res.writeHead(404).end();
    return;
  }
  const { prompt = '' } = await readJson(req);
  // Everything traced inside joins the caller's trace, as a child of the caller's span.
  const result = await withRemoteParent(req.headers, () => generate(prompt));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`model-service listening on http://127.0.0.1:${port}`);
});

// Graceful stop: no new requests, then export what is left.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void glassbox.shutdown().then(() => process.exit(0));
  });
}
