// The app's own OpenTelemetry setup, loaded BEFORE anything imports `http` or `express`.
// Bring-your-own-OpenTelemetry: the app owns the tracer provider; Glassbox adds its processor to it and
// then `init()` finds the provider already registered and attaches to it (mode 'attached').
import { fileURLToPath } from 'node:url';
import { createSpanProcessor, init } from '@glassbox/core';
import { consoleExporter, jsonFileExporter, otlpExporter } from '@glassbox/exporters';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const tracesFile =
  process.env.TRACES_FILE ?? fileURLToPath(new URL('./out/traces-express.jsonl', import.meta.url));

export const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'support-api' }),
  spanProcessors: [
    // Glassbox's processing (exporters, session/user attributes, stats) inside the app's provider.
    createSpanProcessor({
      exporters: [
        jsonFileExporter({ path: tracesFile }),
        consoleExporter(),
        ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? [otlpExporter()] : []),
      ],
    }),
  ],
});
// Registers the provider, an AsyncLocalStorage context manager and the W3C propagators globally.
provider.register();

// Patches `http` through require hooks: it sees every later `require('http')`, such as Express's.
registerInstrumentations({
  instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/health' })],
});

// A provider is registered already, so Glassbox attaches to it instead of installing its own.
export const glassbox = init();
