// Run: npx tsx examples/express-service/main.ts   then: curl -s localhost:3000/ask -H 'content-type: application/json' -d '{"question":"How much is the team plan?"}'
// The instrumentation must be set up before `express` (and through it `http`) is loaded: import it first,
// and load the app with a dynamic import so no tool can hoist or reorder it above the setup.
import type { AddressInfo } from 'node:net';
import { glassbox, provider } from './instrumentation.js';

const { createApp } = await import('./app.js');

const server = createApp().listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`support-api listening on http://127.0.0.1:${port} (Glassbox mode: ${glassbox.mode})`);
});

// Graceful stop: finish open requests, then export what is left through the app's provider.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => void provider.shutdown().then(() => process.exit(0)));
    server.closeIdleConnections();
  });
}
