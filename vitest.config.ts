import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// vitest 5's reporters call Map.groupBy (Node 21+); on Node 20 a failing test would crash the reporter
// and hide the failure, so supply it here (this file runs in vitest's main process).
if (typeof (Map as any).groupBy !== 'function') {
  (Map as any).groupBy = <T, K>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> => {
    const groups = new Map<K, T[]>();
    let i = 0;
    for (const item of items) {
      const k = key(item, i++);
      const list = groups.get(k);
      if (list) list.push(item);
      else groups.set(k, [item]);
    }
    return groups;
  };
}
if (typeof (Object as any).groupBy !== 'function') {
  (Object as any).groupBy = <T>(items: Iterable<T>, key: (item: T, index: number) => PropertyKey) =>
    Object.fromEntries((Map as any).groupBy(items, key));
}

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, so no build is needed before `pnpm test`.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@glassbox\/core$/, replacement: src('./packages/core/src/index.ts') },
      {
        find: /^@glassbox\/core\/instrumentation$/,
        replacement: src('./packages/core/src/instrumentation.ts'),
      },
      { find: /^@glassbox\/exporters$/, replacement: src('./packages/exporters/src/index.ts') },
      { find: /^@glassbox\/evals$/, replacement: src('./packages/evals/src/index.ts') },
      { find: /^@glassbox\/cli$/, replacement: src('./packages/cli/src/index.ts') },
      { find: /^@glassbox\/adapters\/(.*)$/, replacement: src('./packages/adapters/src/$1/index.ts') },
      { find: /^@glassbox\/fake-llm$/, replacement: src('./tools/fake-llm/src/index.ts') },
      { find: /^@glassbox\/test-harness$/, replacement: src('./tools/test-harness/src/index.ts') },
      {
        find: /^@glassbox\/test-harness\/fake-llm$/,
        replacement: src('./tools/test-harness/src/fake-llm.ts'),
      },
    ],
  },
  test: {
    // CI asks for a JSON report beside the usual output (.ci/run counts tests from it).
    reporters: process.env.VITEST_JSON_REPORT
      ? ['default', ['json', { outputFile: process.env.VITEST_JSON_REPORT }]]
      : ['default'],
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/tests/**/*.test.ts',
      'tools/*/src/**/*.test.ts',
      'examples/**/*.test.ts',
      'tests/**/*.test.ts',
      'docs/**/*.test.ts',
    ],
    // The real-backend suites (Jaeger, Phoenix, MLflow) run with `pnpm test:backends` only.
    exclude: ['**/node_modules/**', '**/dist/**', 'tests/backends/**'],
    testTimeout: 20000,
    hookTimeout: 20000,
    pool: 'forks',
  },
});
