// The frame every backend suite shares: start the server, run the demo into it with the exporter under
// test, run the suite's tests against what it stored, stop the server. Only under `pnpm test:backends`.
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Backend } from './backend-process.js';
import { type DemoRun, runDemo } from './run-demo.js';

/** The service name the suites run the demo under. */
export const SERVICE = 'support-assistant-demo';

/** What a suite's tests read: the started server (as its `start` described it) and the demo run. */
export type BackendRun<T extends { server: Backend }> = T & { demo: DemoRun };

export interface BackendSuiteOptions<T extends { server: Backend }> {
  /** Starts the server (stopping it again itself when it fails after starting). */
  start: () => Promise<T>;
  /** The exporter under test, sending to that server. */
  exporter: (started: T) => SpanExporter;
}

/** Declares a suite against a real server; `tests` reads `run` once its `beforeAll` has filled it. */
export function backendSuite<T extends { server: Backend }>(
  title: string,
  options: BackendSuiteOptions<T>,
  tests: (run: BackendRun<T>) => void,
): void {
  const suite = process.env.GLASSBOX_BACKENDS_SUITE ? describe : describe.skip;
  suite(title, () => {
    const run = {} as BackendRun<T>;
    beforeAll(async () => {
      Object.assign(run, await options.start());
      run.demo = await runDemo(options.exporter(run), SERVICE);
    });
    afterAll(async () => {
      await run.server?.stop();
    });
    tests(run);
  });
}
