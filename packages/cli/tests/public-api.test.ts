// The package's entry point: every value it exports is there and works as `@glassbox/cli` users call it.
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { span } from '../src/store/__fixtures__/spans.js';

describe('@glassbox/cli entry point', () => {
  it('exports exactly the documented values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'TraceStore',
      'ViewerStartError',
      'computeStats',
      'formatStats',
      'runCli',
      'startViewer',
    ]);
  });

  it('stores spans, computes and formats stats over them', () => {
    const store = api.TraceStore.open({ path: ':memory:' });
    try {
      const root = span({ name: 'answer', attributes: { 'glassbox.span.type': 'CHAIN' } });
      expect(store.insertSpans([root]).inserted).toBe(1);
      expect(store.getTrace(root.traceId)?.spans.map((s) => s.name)).toEqual(['answer']);
      const report: api.StatsReport = api.computeStats([root]);
      expect(report.spanCount).toBe(1);
      expect(api.formatStats(report)).toContain('answer');
    } finally {
      store.close();
    }
  });

  it('starts a viewer, and rejects a taken port with a ViewerStartError', async () => {
    const viewer: api.Viewer = await api.startViewer({ port: 0, db: ':memory:' });
    try {
      expect(viewer.url).toBe(`http://127.0.0.1:${viewer.port}`);
      const taken = api.startViewer({ port: viewer.port, db: ':memory:' });
      await expect(taken).rejects.toBeInstanceOf(api.ViewerStartError);
      await expect(taken).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await viewer.close();
    }
  });

  it('runs the command line', async () => {
    let stdout = '';
    const io: Partial<api.CliIo> = { stdout: { write: (t: string) => (stdout += t) } };
    expect(await api.runCli(['--help'], io)).toBe(0);
    expect(stdout).toMatch(/^Usage: glassbox <command>/);
  });
});
