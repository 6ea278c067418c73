import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startViewer } from '../server/viewer-server.js';
import { TraceStore } from '../store/trace-store.js';
import { type CliIo, parseFlags, UsageError } from './cli-io.js';
import { importFile, KEEP_ALL } from './import-file.js';
import { LIMIT_FLAGS, limitSettings, SERVE_FLAGS, serveSettings, serveUntilStopped } from './serve.js';
import { COMMAND_USAGE } from './usage.js';

/** `glassbox view FILE.jsonl`: imports a trace file and serves the page over it, until Ctrl+C. */
export async function runView(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    'view',
    argv,
    { ...SERVE_FLAGS, ...LIMIT_FLAGS },
    { min: 0, max: 1 },
  );
  if (values.help) {
    io.stdout.write(COMMAND_USAGE.view!);
    return 0;
  }
  const file = positionals[0];
  if (file === undefined) throw new UsageError('which trace file? (glassbox view FILE.jsonl)', 'view');
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UsageError(`no file ${path}`, 'view');
  const settings = serveSettings(values, io, 'view');
  const db = values.db === undefined || values.db === ':memory:' ? ':memory:' : resolve(io.cwd, values.db);
  // In memory the whole file is shown, whatever its size (and goes when the viewer stops), unless limits
  // are asked for. A --db file keeps receiving traces after the import and outlives the viewer, so it gets
  // the limits `glassbox ui` gives it (its defaults, or --max-traces / --max-mb), for the import too.
  const limits = limitSettings(values, 'view');
  const store = TraceStore.open({
    path: db,
    ...(db === ':memory:' && Object.keys(limits).length === 0 ? KEEP_ALL : limits),
  });
  try {
    const imported = await importFile(store, path, io);
    const viewer = await startViewer({ ...settings, db: store });
    return await serveUntilStopped(viewer, io, {
      ...(settings.token !== undefined ? { token: settings.token } : {}),
      ...(values.open ? { open: true } : {}),
      note: `Imported ${imported} spans from ${path}${db === ':memory:' ? '' : ` into ${db}`}`,
    });
  } finally {
    store.close();
  }
}
