import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `pnpm test:backends`: the exporters against real Jaeger, Phoenix and MLflow servers, which the suites
// install (tools/backends/install.sh, cached under GLASSBOX_BACKENDS_CACHE) and start themselves. Same
// source aliases as `pnpm test`; one file at a time, since each starts a server on a 2-core machine.
export default defineConfig({
  resolve: base.resolve,
  test: {
    reporters: process.env.VITEST_JSON_REPORT
      ? ['default', ['json', { outputFile: process.env.VITEST_JSON_REPORT }]]
      : ['default'],
    include: ['tests/backends/**/*.test.ts'],
    // Read by the suites: they run only under this config, never as part of `pnpm test`.
    env: { GLASSBOX_BACKENDS_SUITE: '1' },
    // A first run builds Jaeger from source and fills two venvs (minutes); later runs take seconds.
    hookTimeout: 20 * 60_000,
    testTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
