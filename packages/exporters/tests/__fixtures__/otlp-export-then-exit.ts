/**
 * Child process for the exit tests: uses an OtlpExporter directly (no `init`), sends one batch to
 * `<url>`, optionally shuts the exporter down, then lets the process end on its own.
 * Usage: node --import tsx otlp-export-then-exit.ts <url> <shutdown|no-shutdown>
 * Prints "exporting", "result <SUCCESS|FAILED>" when the export settles and "shut down" after shutdown().
 */
import { ExportResultCode } from '@opentelemetry/core';
import { otlpExporter } from '../../src/otlp-exporter.js';
import { recordSpans, sampleTrace } from '../sample-spans.js';

const [url, mode] = process.argv.slice(2);
if (!url || (mode !== 'shutdown' && mode !== 'no-shutdown')) {
  throw new Error('usage: otlp-export-then-exit.ts <url> <shutdown|no-shutdown>');
}
// Defaults throughout (timeoutMs 10 s), as an app would have them.
const exporter = otlpExporter({ endpoint: url });
const spans = recordSpans(sampleTrace);
process.stdout.write('exporting\n');
exporter.export(spans, (result) => {
  process.stdout.write(`result ${result.code === ExportResultCode.SUCCESS ? 'SUCCESS' : 'FAILED'}\n`);
});
if (mode === 'shutdown') {
  // Let the first attempt start (at a closed port: fail and wait for its retry).
  await new Promise((resolve) => setTimeout(resolve, 200));
  await exporter.shutdown();
  process.stdout.write('shut down\n');
}
