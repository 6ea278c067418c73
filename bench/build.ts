/**
 * Bundles the bench (and the Glassbox sources it measures) the way the published packages are built,
 * before anything is timed.
 *
 * Why not run the TypeScript sources through tsx: tsx compiles with esbuild's `keepNames`, which wraps
 * every named closure in `__name(fn, "...")`, an `Object.defineProperty` on each creation. Closures
 * created per call (promise callbacks, error handlers) then cost ~100 ns each that no published build
 * pays (tsup leaves `keepNames` off), and the peers, shipped as plain JS, never pay. So the bench is
 * bundled with the esbuild that tsup uses, tsup's target (node20) and no `keepNames`; the bench's own
 * dependencies (the peers, OpenTelemetry, openai) stay external and load from bench/node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface EsbuildResult {
  errors: { text: string }[];
}
interface Esbuild {
  version: string;
  build(options: Record<string, unknown>): Promise<EsbuildResult>;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');

/** Where the bundle is written (git-ignored by bench/.gitignore). */
export const BUNDLE = path.join(benchDir, '.build', 'run.mjs');

const ADAPTER = '@glassbox/adapters/openai';

// tsup's own esbuild: the compiler of the published packages.
function loadEsbuild(): Esbuild {
  const fromRoot = createRequire(path.join(repoRoot, 'package.json'));
  const fromTsup = createRequire(fromRoot.resolve('tsup/package.json'));
  return fromTsup('esbuild') as Esbuild;
}

/** Builds bench/.build/run.mjs; returns a note when the OpenAI adapter had to be left out. */
export async function buildBench(): Promise<{ bundle: string; esbuild: string; adapterNote?: string }> {
  const esbuild = loadEsbuild();
  const manifest = JSON.parse(readFileSync(path.join(benchDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const external = Object.keys(manifest.dependencies);
  const build = (extraExternal: string[]) =>
    esbuild.build({
      entryPoints: [path.join(benchDir, 'run.ts')],
      outfile: BUNDLE,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      keepNames: false,
      sourcemap: 'linked',
      tsconfig: path.join(repoRoot, 'tsconfig.json'),
      external: [...external, ...extraExternal],
      logLevel: 'silent',
      // Bundled CommonJS dependencies (of the exporters) may call require() for externals.
      banner: {
        js: "import { createRequire as __benchCreateRequire } from 'node:module';\nconst require = __benchCreateRequire(import.meta.url);",
      },
    });
  const adapterSource = path.join(repoRoot, 'packages/adapters/src/openai/index.ts');
  if (!existsSync(adapterSource)) {
    await build([ADAPTER]);
    return { bundle: BUNDLE, esbuild: esbuild.version, adapterNote: `${ADAPTER} does not exist yet` };
  }
  try {
    await build([]);
    return { bundle: BUNDLE, esbuild: esbuild.version };
  } catch (error) {
    // The adapter is being written in this same tree: a half-edited file must not stop the other scenarios.
    await build([ADAPTER]);
    const message = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    return { bundle: BUNDLE, esbuild: esbuild.version, adapterNote: `${ADAPTER} did not build: ${message}` };
  }
}
