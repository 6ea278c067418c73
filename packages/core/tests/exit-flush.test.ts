import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(__dirname, '../../..');

describe('a process that ends naturally', () => {
  it('exports its queued spans before exiting, without an explicit flush', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'glassbox-exit-')), 'traces.jsonl');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '__fixtures__/exit-script.ts'), file],
      {
        cwd: root,
        timeout: 20_000,
      },
    );
    expect(stdout.trim()).toBe('done');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const names = lines.flatMap((l) =>
      JSON.parse(l).resourceSpans.flatMap((rs: any) =>
        rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.name)),
      ),
    );
    expect(names).toEqual(['lastWork']);
  });
});
