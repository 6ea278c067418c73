import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/instrumentation.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // One copy of every shared module for both entry points, in CJS too (the runtime and the handle class).
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // `import.meta.url` in the CJS build too (cost/bundled-prices.ts loads genai-prices with createRequire).
  shims: true,
  tsconfig: '../../tsconfig.base.json',
});
