/**
 * Cross-package: `@glassbox/core`'s `init` puts each exporter behind a bounded batch processor and
 * counts what it drops and what fails. With a dead OTLP backend the app keeps running and the
 * counters, not an exception or a growing queue, tell the story.
 */
import { init, startSpan } from '@glassbox/core';
import { describe, expect, it } from 'vitest';
import { otlpExporter } from '../src/otlp-exporter.js';
import { closedPort } from './otlp-receiver.js';

describe('init({ exporters: [otlpExporter()] }) with a dead backend', () => {
  it('never throws into the app and counts dropped spans or failed exports', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    const glassbox = init({
      serviceName: 'dead-backend',
      exporters: [otlpExporter({ endpoint, timeoutMs: 300 })],
    });
    let thrown = 0;
    for (let i = 0; i < 50_000; i++) {
      try {
        startSpan({ name: 'work' }).end();
      } catch {
        thrown++;
      }
      if (i % 5000 === 4999) await new Promise((resolve) => setImmediate(resolve));
    }
    await glassbox.flush();
    const stats = glassbox.stats();
    await glassbox.shutdown();

    expect(thrown).toBe(0);
    expect(stats.spansExported).toBe(0);
    expect(stats.spansDropped > 0 || stats.exportErrors > 0).toBe(true);
  });
});
