import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { computeStats } from '../stats/compute-stats.js';
import { formatStats } from '../stats/format-stats.js';
import { TraceStore } from '../store/trace-store.js';
import { type CliIo, parseFlags, UsageError } from './cli-io.js';
import { importFile, KEEP_ALL } from './import-file.js';
import { COMMAND_USAGE } from './usage.js';

/** `glassbox stats FILE.jsonl | --db FILE [--json]`: the terminal report. */
export async function runStats(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    'stats',
    argv,
    { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    { min: 0, max: 1 },
  );
  if (values.help) {
    io.stdout.write(COMMAND_USAGE.stats!);
    return 0;
  }
  const file = positionals[0];
  if ((file === undefined) === (values.db === undefined)) {
    throw new UsageError('give either a trace file or --db FILE', 'stats');
  }
  const path = resolve(io.cwd, (file ?? values.db)!);
  if (!existsSync(path)) throw new UsageError(`no file ${path}`, 'stats');
  const store = TraceStore.open({ path: file === undefined ? path : ':memory:', ...KEEP_ALL });
  try {
    if (file !== undefined) await importFile(store, path, io);
    // Feedback given on the page is a record with no span: count it with the feedback spans.
    const report = computeStats(store.spans(), { feedbackRecords: store.feedbackRecords() });
    io.stdout.write(
      values.json ? `${JSON.stringify(report, null, 2)}\n` : ensureNewline(formatStats(report)),
    );
    return 0;
  } finally {
    store.close();
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
