import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources, so no build is needed before `pnpm test`.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@glassbox\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@glassbox\/exporters$/, replacement: src('./packages/exporters/src/index.ts') },
      { find: /^@glassbox\/adapters\/(.*)$/, replacement: src('./packages/adapters/src/$1/index.ts') },
      { find: /^@glassbox\/fake-llm$/, replacement: src('./tools/fake-llm/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/tests/**/*.test.ts', 'tools/*/src/**/*.test.ts', 'examples/**/*.test.ts', 'tests/**/*.test.ts', 'docs/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20000,
    hookTimeout: 20000,
    pool: 'forks',
  },
});
