import { copyFileSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// esbuild is only loaded by the source tree (the page bundled in memory for tests and `pnpm glassbox`).
const external = ['better-sqlite3', 'esbuild'];

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Everything in dist/ but the page, which the third build writes at the same time.
    clean: ['!web/**'],
    target: 'node20',
    tsconfig: '../../tsconfig.base.json',
    external,
    // import.meta.url (used to find the package's own files) in the CommonJS build too.
    shims: true,
  },
  {
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    tsconfig: '../../tsconfig.base.json',
    external,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The page: one browser script beside its HTML and CSS, served by the viewer from dist/web/.
    entry: { app: 'src/web/app.ts' },
    outDir: 'dist/web',
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    clean: true,
    sourcemap: false,
    tsconfig: '../../tsconfig.base.json',
    outExtension: () => ({ js: '.js' }),
    async onSuccess() {
      mkdirSync('dist/web', { recursive: true });
      for (const file of ['index.html', 'app.css']) copyFileSync(`src/web/${file}`, `dist/web/${file}`);
    },
  },
]);
