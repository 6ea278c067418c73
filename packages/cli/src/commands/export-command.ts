import { createWriteStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { feedbackOtlpRequest } from '../server/feedback-otlp.js';
import { packageVersion } from '../server/package-root.js';
import { TraceStore } from '../store/trace-store.js';
import { type CliIo, parseFlags, pick, UsageError } from './cli-io.js';
import { KEEP_ALL } from './import-file.js';
import { DEFAULT_DB } from './ui-command.js';
import { COMMAND_USAGE } from './usage.js';

/** `glassbox export feedback|dataset`: what the page's export buttons download, from the command line. */
export async function runExport(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    'export',
    argv,
    {
      db: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    { min: 0, max: 1 },
  );
  if (values.help) {
    io.stdout.write(COMMAND_USAGE.export!);
    return 0;
  }
  const what = positionals[0];
  if (what !== 'feedback' && what !== 'dataset') {
    throw new UsageError(
      `what to export? feedback or dataset${what === undefined ? '' : `, not ${JSON.stringify(what)}`}`,
      'export',
    );
  }
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'otlp') {
    throw new UsageError(`--format: expected jsonl or otlp, got ${JSON.stringify(format)}`, 'export');
  }
  if (what === 'dataset' && format === 'otlp') {
    throw new UsageError('--format otlp is for feedback; a dataset is JSONL', 'export');
  }
  const db = resolve(io.cwd, pick(values.db, io.env, 'GLASSBOX_UI_DB') ?? DEFAULT_DB);
  if (!existsSync(db)) throw new UsageError(`no trace store ${db} (give it with --db FILE)`, 'export');
  // Limits off: the store is trimmed at open, and exporting must not delete what `glassbox ui` kept.
  const store = TraceStore.open({ path: db, ...KEEP_ALL });
  try {
    const lines =
      what === 'dataset'
        ? jsonLines(store.dataset())
        : format === 'otlp'
          ? [
              `${JSON.stringify(
                feedbackOtlpRequest(store.feedbackRecords(), packageVersion(), (id) =>
                  store.rootSpanIdOf(id),
                ),
              )}\n`,
            ]
          : jsonLines(store.feedbackRecords());
    const count = await write(lines, values.out === undefined ? undefined : resolve(io.cwd, values.out), io);
    if (values.out !== undefined)
      io.stderr.write(`glassbox export: wrote ${count} line(s) to ${values.out}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function* jsonLines(items: Iterable<unknown>): Generator<string> {
  for (const item of items) yield `${JSON.stringify(item)}\n`;
}

async function write(lines: Iterable<string>, out: string | undefined, io: CliIo): Promise<number> {
  let count = 0;
  if (out === undefined) {
    for (const line of lines) {
      io.stdout.write(line);
      count++;
    }
    return count;
  }
  const stream = createWriteStream(out);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => {}); // awaited through the races below
  for (const line of lines) {
    count++;
    if (!stream.write(line))
      await Promise.race([new Promise<void>((r) => stream.once('drain', () => r())), failed]);
  }
  await Promise.race([new Promise<void>((r) => stream.end(() => r())), failed]);
  return count;
}
