import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startViewer } from '../server/viewer-server.js';
import { type CliIo, parseFlags, pick } from './cli-io.js';
import { LIMIT_FLAGS, limitSettings, SERVE_FLAGS, serveSettings, serveUntilStopped } from './serve.js';
import { COMMAND_USAGE } from './usage.js';

/** The store `glassbox ui` keeps by default, under the directory it is started in. */
export const DEFAULT_DB = join('.glassbox', 'traces.db');

/** `glassbox ui`: the receiver and the page over a SQLite store, until Ctrl+C. */
export async function runUi(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('ui', argv, { ...SERVE_FLAGS, ...LIMIT_FLAGS }, { min: 0, max: 0 });
  if (values.help) {
    io.stdout.write(COMMAND_USAGE.ui!);
    return 0;
  }
  const settings = serveSettings(values, io, 'ui');
  const limits = limitSettings(values, 'ui');
  const db = pick(values.db, io.env, 'GLASSBOX_UI_DB') ?? DEFAULT_DB;
  const path = db === ':memory:' ? db : resolve(io.cwd, db);
  if (path !== ':memory:') prepareDirectory(path, db === DEFAULT_DB);
  const viewer = await startViewer({
    ...settings,
    db: path,
    ...limits,
  });
  const info = viewer.store.info();
  const note = `Store: ${path === ':memory:' ? ':memory: (kept until the viewer stops)' : path} (${info.traceCount} traces)`;
  return serveUntilStopped(viewer, io, {
    ...(settings.token !== undefined ? { token: settings.token } : {}),
    ...(values.open ? { open: true } : {}),
    note,
  });
}

/** Creates the store's directory; the default one gets a `.gitignore` so traces are not committed by accident. */
function prepareDirectory(path: string, isDefault: boolean): void {
  const dir = dirname(path);
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  if (isDefault)
    writeFileSync(
      join(dir, '.gitignore'),
      '# Traces captured by `glassbox ui`: not for version control.\n*\n',
    );
}
