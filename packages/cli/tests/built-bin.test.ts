import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from './http-client.js';

const pkg = resolve(__dirname, '..');
const bin = join(pkg, 'dist/bin.js');
const built = existsSync(bin) && existsSync(join(pkg, 'dist/web/app.js'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

// The published build: the bin runs with plain node and serves the page from dist/web (no esbuild).
// CI builds before testing; a plain `pnpm test` on a fresh clone has no dist and skips this file.
describe.skipIf(!built)('the built glassbox bin', () => {
  it('prints its help with plain node', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/^Usage: glassbox <command>/);
  });

  it('serves the built page and stops on SIGTERM', async () => {
    const ui = spawn(process.execPath, [bin, 'ui', '--port', '0', '--db', ':memory:'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(ui);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      ui.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Glassbox viewer: (http:\/\/\S+)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      ui.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const page = await request(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<script[^>]+src="\/?app\.js"/);
    const script = await request(`${url}/app.js`);
    expect(script.status).toBe(200);
    expect(script.body.length).toBeGreaterThan(1000);
    expect((await request(`${url}/app.css`)).status).toBe(200);
    const exited = new Promise<number | null>((r) => ui.once('exit', r));
    ui.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
