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
  tsconfig: '../../tsconfig.base.json',
});
