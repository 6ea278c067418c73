/**
 * Child process for the crash test: appends big batches to a trace file in a tight loop until it is
 * killed. Prints "ready" once a few lines are on disk. Usage: node --import tsx write-until-killed.ts <path>
 */
import { jsonFileExporter } from '../../src/json-file-exporter.js';
import { recordSpans, sampleTrace } from '../sample-spans.js';

const path = process.argv[2];
if (!path) throw new Error('usage: write-until-killed.ts <path>');
const exporter = jsonFileExporter({ path, maxBytes: 1024 * 1024 * 1024 });
// ~100 KB per line, so a kill is likely to land while a line is being written.
const spans = recordSpans((tracer) => {
  for (let i = 0; i < 40; i++) sampleTrace(tracer);
});
let written = 0;
for (;;) {
  exporter.export(spans, () => undefined);
  if (++written === 5) process.stdout.write('ready\n');
}
