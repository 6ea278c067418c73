import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const built = ['core', 'exporters', 'adapters'].every((p) => existsSync(join(root, 'packages', p, 'dist')));

// The published builds (ESM + CJS), loaded the way users load them: through the package exports maps.
// CI builds before testing; a plain `pnpm test` on a fresh clone has no dist and skips this file.
describe.skipIf(!built)('built packages', () => {
  const run = (code: string, type: 'module' | 'commonjs') =>
    execFileSync(
      process.execPath,
      [type === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', code],
      {
        cwd: join(root, 'examples'),
        encoding: 'utf8',
        timeout: 20_000,
      },
    ).trim();

  it('CommonJS: require() the packages and trace a call into the in-memory exporter', () => {
    const out = run(
      `
      const { init, trace, SpanType } = require('@glassbox/core');
      const { InMemoryExporter } = require('@glassbox/exporters');
      const { traceRewrite } = require('@glassbox/adapters/rewrite');
      const exporter = new InMemoryExporter();
      const gb = init({ exporters: [exporter], exportMode: 'immediate', logLevel: 'none' });
      const add = trace((a, b) => a + b, { name: 'add', type: SpanType.TOOL });
      const rewrite = traceRewrite((q) => q + ' please');
      rewrite('orders');
      add(1, 2);
      gb.flush().then(() => console.log(JSON.stringify(exporter.spans().map((s) => [s.name, s.attributes['glassbox.inputs']]))));
      `,
      'commonjs',
    );
    expect(JSON.parse(out)).toEqual([
      ['query_rewrite', expect.anything()],
      ['add', '{"a":1,"b":2}'],
    ]);
  });

  it('ESM: import the packages, and one init reaches a second (CJS) copy of core too', () => {
    const out = run(
      `
      import { createRequire } from 'node:module';
      import { init, trace } from '@glassbox/core';
      import { InMemoryExporter } from '@glassbox/exporters';
      const cjsCore = createRequire(import.meta.url)('@glassbox/core');
      const exporter = new InMemoryExporter();
      const gb = init({ exporters: [exporter], exportMode: 'immediate', captureContent: false, logLevel: 'none' });
      trace((secret) => secret, { name: 'esm' })('s1');
      cjsCore.trace((secret) => secret, { name: 'cjs' })('s2');
      await gb.flush();
      console.log(JSON.stringify(exporter.spans().map((s) => [s.name, s.attributes['glassbox.inputs'] ?? null])));
      `,
      'module',
    );
    expect(JSON.parse(out)).toEqual([
      ['esm', null],
      ['cjs', null],
    ]);
  });
});
