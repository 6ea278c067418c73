import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This module's file: a TypeScript source when run from the repo, a bundle in dist/ when built. */
export function moduleFile(): string {
  // tsup's `shims` give the CommonJS build an import.meta.url too.
  return fileURLToPath(import.meta.url);
}

let root: { dir: string; version: string } | undefined;

function find(): { dir: string; version: string } {
  if (root) return root;
  const from = moduleFile();
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === '@glassbox/cli') return (root = { dir, version: pkg.version ?? '0.0.0' });
      } catch {
        // Not ours (or unreadable): keep looking upward.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Glassbox: cannot find @glassbox/cli's package.json above ${from}`);
    dir = parent;
  }
}

/** The directory of `@glassbox/cli`'s package.json, found upward from this module (source or bundle alike). */
export function packageRoot(): string {
  return find().dir;
}

/** The version of `@glassbox/cli`, from its package.json. */
export function packageVersion(): string {
  return find().version;
}
