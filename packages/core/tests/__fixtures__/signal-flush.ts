// 1,000 spans queued under batch defaults, then the process waits for a signal. With HANDLER=1 the app
// has its own SIGTERM handler that shuts Glassbox down and exits 0.
import { init, trace } from '@glassbox/core';
import { jsonFileExporter } from '@glassbox/exporters';

const path = process.argv[2]!;
const glassbox = init({ exporters: [jsonFileExporter({ path })], logLevel: 'none' });
if (process.env.HANDLER === '1') {
  process.on('SIGTERM', async () => {
    await glassbox.shutdown();
    console.log('app handler done');
    process.exit(0);
  });
}
const step = trace((i: number) => i, { name: 'step' });
for (let i = 0; i < 1000; i++) step(i);
setInterval(() => undefined, 1000);
console.log('ready');
