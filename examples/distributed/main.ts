// Starts the model service and the app as two real processes, then reads back both trace files and
// shows that they hold ONE trace, joined across the HTTP hop. Run: npx tsx examples/distributed/main.ts
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { runTs, startTs } from '../_support/processes.js';

const indent = (prefix: string, text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

async function read(file: string): Promise<TraceFileSpan[]> {
  const spans: TraceFileSpan[] = [];
  for await (const span of readTraceFile(file)) spans.push(span);
  return spans;
}

/** Runs both processes, prints their output and the joined trace; returns the two trace files. */
export async function main(
  outDir = fileURLToPath(new URL('./out/', import.meta.url)),
  log: (line: string) => void = console.log,
): Promise<{ appFile: string; serviceFile: string }> {
  const appFile = join(outDir, 'traces-app.jsonl');
  const serviceFile = join(outDir, 'traces-model-service.jsonl');
  rmSync(appFile, { force: true });
  rmSync(serviceFile, { force: true });

  const service = startTs('examples/distributed/model-service.ts', { TRACES_FILE: serviceFile });
  try {
    const [, url] = await service.waitFor(/listening on (http:\/\/\S+)/);
    const app = await runTs('examples/distributed/app.ts', { MODEL_URL: url!, TRACES_FILE: appFile });
    if ((await service.stop()) !== 0) throw new Error(`model-service failed:\n${service.stderr()}`);
    log(indent('[model-service] ', service.stdout()));
    log(indent('[app]           ', app.stdout));
    if (app.code !== 0) throw new Error(`app exited with ${app.code}:\n${app.stderr}`);
  } finally {
    await service.stop();
  }

  // Both files, read back: one trace id, and the service's entry span points at the app's call.
  const spans = [...(await read(appFile)), ...(await read(serviceFile))];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  log(`\n${spans.length} spans in ${new Set(spans.map((s) => s.traceId)).size} trace(s):`);
  for (const span of spans.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1))) {
    const service = String(span.resource['service.name']);
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    const hop = parent && parent.resource['service.name'] !== service ? '  <- across the HTTP hop' : '';
    log(
      `  ${service.padEnd(14)} ${span.name.padEnd(10)} trace ${span.traceId} span ${span.spanId} ` +
        `parent ${span.parentSpanId ?? '(root)'}${hop}`,
    );
  }
  log(`\nTrace files: ${appFile}\n             ${serviceFile}`);
  return { appFile, serviceFile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.env.OUT_DIR);
