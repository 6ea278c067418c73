import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleFile, packageRoot } from './package-root.js';

/** The three files of the page. */
export interface WebAssets {
  'index.html': Buffer;
  'app.js': Buffer;
  'app.css': Buffer;
}

/** The names the page's files are served under, with their content types. */
export const ASSET_TYPES: Readonly<Record<keyof WebAssets, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

let cached: Promise<WebAssets> | undefined;

/**
 * Loads the page once: the built `dist/web/` files when running from a build, else (running the
 * TypeScript sources: tests, `pnpm glassbox`) `src/web/app.ts` bundled in memory with esbuild, a
 * development dependency the published package never loads.
 */
export function loadWebAssets(): Promise<WebAssets> {
  if (!cached) {
    const file = moduleFile();
    cached = (file.endsWith('.ts') ? fromSource(packageRoot()) : fromDist(packageRoot())).catch(
      (error: unknown) => {
        cached = undefined;
        throw error;
      },
    );
  }
  return cached;
}

async function fromDist(root: string): Promise<WebAssets> {
  const dir = join(root, 'dist', 'web');
  const [html, js, css] = await Promise.all(
    ['index.html', 'app.js', 'app.css'].map((name) => readFile(join(dir, name))),
  );
  return { 'index.html': html!, 'app.js': js!, 'app.css': css! };
}

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { contents: Uint8Array }[] }>;
}

async function fromSource(root: string): Promise<WebAssets> {
  const dir = join(root, 'src', 'web');
  // A variable specifier keeps bundlers from following it: only the source tree ever loads esbuild.
  const specifier = 'esbuild';
  const esbuild = (await import(specifier)) as Esbuild;
  const result = await esbuild.build(webBuildOptions(join(dir, 'app.ts')));
  const js = result.outputFiles?.[0]?.contents;
  if (!js) throw new Error('Glassbox viewer: bundling src/web/app.ts produced no output');
  const [html, css] = await Promise.all([readFile(join(dir, 'index.html')), readFile(join(dir, 'app.css'))]);
  return { 'index.html': html, 'app.js': Buffer.from(js), 'app.css': css };
}

/** The browser build of the page (tsup.config.ts builds dist/web/app.js with the same settings). */
function webBuildOptions(entry: string): Record<string, unknown> {
  return {
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  };
}
