import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per subpath export: every folder of src/ with an index.ts.
const entries = Object.fromEntries(
  readdirSync('src', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`src/${d.name}/index.ts`))
    .map((d) => [`${d.name}/index`, `src/${d.name}/index.ts`]),
);

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  // One copy of each shared internal module for every subpath, in CJS too (ESM splits by default).
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: '../../tsconfig.base.json',
  external: [
    /^@glassbox\//,
    /^@opentelemetry\//,
    /^openai/,
    /^@anthropic-ai\//,
    /^zod/,
    /^ai(\/|$)/,
    /^@ai-sdk\//,
    /^@langchain\//,
    /^@modelcontextprotocol\//,
  ],
});
