// docs/configuration.md and the JSDoc of InitOptions say what the config table says. The table section of
// the doc is generated: `UPDATE_CONFIG_DOCS=1 pnpm vitest run packages/core/src/config-docs.test.ts`
// rewrites it from internal/config-table.ts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_TABLE, type OptionRow } from './internal/config-table.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docPath = join(root, 'docs/configuration.md');
const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';
const rows = Object.entries(CONFIG_TABLE) as [string, OptionRow<unknown>][];
/**
 * Env vars that are not `init()` options, with the folder whose code reads them: the viewer's settings
 * (`glassbox ui`) and switches of our own test suites.
 */
const OTHER_ENV = new Map([
  ['GLASSBOX_UI_PORT', 'packages/cli/src'],
  ['GLASSBOX_UI_HOST', 'packages/cli/src'],
  ['GLASSBOX_UI_DB', 'packages/cli/src'],
  ['GLASSBOX_UI_TOKEN', 'packages/cli/src'],
  ['GLASSBOX_CHROMIUM', 'packages/cli/tests/web'],
  ['GLASSBOX_REQUIRE_BROWSER', 'packages/cli/tests/web'],
  ['GLASSBOX_SHOTS_DIR', 'packages/cli/tests/web'],
  ['GLASSBOX_BACKENDS_CACHE', 'tests/backends'],
]);
const envNames = new Set(rows.flatMap(([, row]) => row.env.map((e) => e.name)));

/** The markdown table of every option, as docs/configuration.md carries it. */
function renderConfigTable(): string {
  const header = ['option', 'env var', 'default', 'meaning'];
  const body = rows.map(([path, row]) => [
    `\`${path}\``,
    row.env.map((e) => `\`${e.name}\`${e.note ? ` (${e.note})` : ''}`).join(', ') || '–',
    defaultCell(row),
    row.description,
  ]);
  for (const cells of body)
    for (const cell of cells) expect(cell, 'a table cell cannot hold a pipe').not.toContain('|');
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function defaultCell(row: OptionRow<unknown>): string {
  if (row.defaultText !== undefined) return row.defaultText;
  return `\`${typeof row.default === 'string' ? row.default : JSON.stringify(row.default)}\``;
}

describe('docs/configuration.md', () => {
  it('carries the table generated from the config table', () => {
    const doc = readFileSync(docPath, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    expect(start, `docs/configuration.md lacks ${START}`).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const current = doc.slice(start + START.length, end).trim();
    const wanted = renderConfigTable();
    if (current !== wanted && process.env.UPDATE_CONFIG_DOCS === '1') {
      writeFileSync(docPath, `${doc.slice(0, start + START.length)}\n${wanted}\n${doc.slice(end)}`);
      return;
    }
    expect(
      current,
      'docs/configuration.md is out of date: UPDATE_CONFIG_DOCS=1 pnpm vitest run packages/core/src/config-docs.test.ts',
    ).toBe(wanted);
  });

  it('lists every option, env var and default of the table', () => {
    const doc = readFileSync(docPath, 'utf8');
    for (const [path, row] of rows) {
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${path}\` `));
      expect(line, `no row for ${path}`).toBeDefined();
      for (const e of row.env) expect(line).toContain(`\`${e.name}\``);
      const [, , , stated] = line!.split('|').map((c) => c.trim());
      expect(stated, `default of ${path}`).toBe(defaultCell(row));
    }
  });

  it('names no GLASSBOX_ env var that the table does not have, in any doc or source', () => {
    const files = [
      join(root, 'README.md'),
      ...readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(root, 'docs', f)),
      ...readdirSync(join(root, 'packages'), { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.(ts|md)$/.test(f) && !f.includes('node_modules') && !f.includes('dist'))
        .map((f) => join(root, 'packages', f)),
    ];
    const unknown = new Set<string>();
    for (const file of files)
      for (const [name] of readFileSync(file, 'utf8').matchAll(/\bGLASSBOX_[A-Z0-9_]*[A-Z0-9]\b/g))
        if (!envNames.has(name) && !OTHER_ENV.has(name)) unknown.add(`${name} (${file.slice(root.length)})`);
    expect([...unknown]).toEqual([]);
  });

  it('every env var outside the table is read by the code that owns it', () => {
    for (const [name, owner] of OTHER_ENV) {
      const dir = join(root, owner);
      const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('node_modules'))
        .map((f) => readFileSync(join(dir, f), 'utf8'));
      expect(
        sources.some((s) => s.includes(`'${name}'`) || s.includes(`.${name}`)),
        `${name} is not read under ${owner}`,
      ).toBe(true);
    }
  });
});

describe('the JSDoc of InitOptions and BatchOptions', () => {
  it('names the env vars and defaults of the table', () => {
    const source = ['./init-options.ts', './cost/price-table.ts']
      .map((file) => readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8'))
      .join('\n');
    const seen = new Set<string>();
    for (const [, iface, body] of source.matchAll(
      /export interface (InitOptions|BatchOptions|BudgetOptions) \{([\s\S]*?)\n\}/g,
    )) {
      for (const [, doc, key] of body!.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(\w+)\?:/g)) {
        if (key === 'batch' || key === 'budget') continue;
        const group = iface === 'BatchOptions' ? 'batch.' : iface === 'BudgetOptions' ? 'budget.' : '';
        const path = `${group}${key}`;
        const row = (CONFIG_TABLE as Record<string, OptionRow<unknown>>)[path];
        expect(row, `${path} is documented in init-options.ts but not in the table`).toBeDefined();
        const named = [...doc!.matchAll(/\b(?:OTEL|GLASSBOX)_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]);
        expect(named.sort(), `env vars in the JSDoc of ${path}`).toEqual(row!.env.map((e) => e.name).sort());
        const stated = /\(default ([^)]+)\)/.exec(doc!)?.[1];
        if (stated !== undefined)
          expect(stated, `default in the JSDoc of ${path}`).toBe(String(row!.default));
        seen.add(path);
      }
    }
    expect([...seen].sort()).toEqual(rows.map(([path]) => path).sort());
  });
});
