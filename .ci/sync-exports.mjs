// Regenerates packages/adapters/package.json "exports" from its src/<name>/index.ts folders.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('../packages/adapters/', import.meta.url);
const pkgPath = new URL('package.json', dir);
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const names = readdirSync(new URL('src/', dir), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(new URL(`src/${d.name}/index.ts`, dir)))
  .map((d) => d.name)
  .sort();
const exportsMap = {};
for (const name of names) {
  exportsMap[`./${name}`] = {
    import: { types: `./dist/${name}/index.d.ts`, default: `./dist/${name}/index.js` },
    require: { types: `./dist/${name}/index.d.cts`, default: `./dist/${name}/index.cjs` },
  };
}
exportsMap['./package.json'] = './package.json';
pkg.exports = exportsMap;
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`exports: ${names.join(', ')}`);
