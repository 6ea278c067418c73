import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('package.json exports map', () => {
  it('has exactly one subpath export per adapter folder, with types for import and require', () => {
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, 'src', d.name, 'index.ts')))
      .map((d) => `./${d.name}`)
      .sort();
    const subpaths = Object.keys(pkg.exports)
      .filter((k) => k !== './package.json')
      .sort();
    expect(subpaths).toEqual(folders);
    for (const sub of subpaths) {
      const name = sub.slice(2);
      expect(pkg.exports[sub]).toEqual({
        import: { types: `./dist/${name}/index.d.ts`, default: `./dist/${name}/index.js` },
        require: { types: `./dist/${name}/index.d.cts`, default: `./dist/${name}/index.cjs` },
      });
    }
  });
});
