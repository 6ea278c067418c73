// A short script that never flushes: its last spans must still be exported when the event loop drains.
import { init, trace } from '@glassbox/core';
import { jsonFileExporter } from '@glassbox/exporters';

const path = process.argv[2]!;
init({ exporters: [jsonFileExporter({ path })], batch: { scheduledDelayMs: 60_000 }, logLevel: 'none' });
const work = trace(async function lastWork(n: number) {
  await new Promise((r) => setTimeout(r, 5));
  return n + 1;
});
await work(1);
console.log('done');
