import { importTraceFile } from '../store/import-trace-file.js';
import type { TraceStore } from '../store/trace-store.js';
import type { CliIo } from './cli-io.js';

/** Store options that turn retention off. */
export const KEEP_ALL = { maxTraces: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };

/** Imports a JSONL trace file, reporting unreadable lines on stderr; returns the number of spans read. */
export async function importFile(store: TraceStore, path: string, io: CliIo): Promise<number> {
  const result = await importTraceFile(store, path, {
    onError: (error) => {
      if (!error.partial)
        io.stderr.write(`glassbox: ${path}:${error.line}: skipped: ${error.error.message}\n`);
    },
  });
  return result.spans;
}
