// Runs the pipeline once and prints its trace. The example proper is pipeline.test.ts, which asserts on
// these traces in vitest: npx vitest run examples/testing
import { pathToFileURL } from 'node:url';
import { init } from '@glassbox/core';
import { consoleExporter } from '@glassbox/exporters';
import { answer } from './pipeline.js';

export async function main(write?: (line: string) => void): Promise<string> {
  const glassbox = init({ serviceName: 'testing-example', exporters: [consoleExporter({ write })] });
  try {
    return await answer('How do I reset my password?');
  } finally {
    await glassbox.shutdown();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await main());
}
