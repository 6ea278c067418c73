import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GlassboxConfigError } from '@glassbox/core';
import { expectConfigError } from '@glassbox/test-harness';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsoleExporter, type ConsoleExporterOptions, consoleExporter } from './console-exporter.js';
import { InMemoryExporter, type InMemoryExporterOptions } from './in-memory-exporter.js';
import { JsonFileExporter, type JsonFileExporterOptions, jsonFileExporter } from './json-file-exporter.js';
import { OtlpExporter, otlpExporter } from './otlp-exporter.js';
import type { OtlpExporterOptions } from './otlp-options.js';
import { type ReadTraceFileOptions, readTraceFile } from './read-trace-file.js';

// Every exporter checks its options as `init()` does: a typo is refused, named under the factory the
// caller used, with the known options and a suggestion; every documented option passes.

const dir = mkdtempSync(join(tmpdir(), 'glassbox-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = expectConfigError;

async function accepted(exporter: SpanExporter): Promise<void> {
  expect(exporter).toBeDefined();
  await exporter.shutdown();
}

/** The known options an unknown-option message lists. */
function known(error: GlassboxConfigError): string[] {
  return /\(known: ([^)]*)\)/.exec(error.issues[0]!.message)![1]!.split(', ');
}

describe('exporter options', () => {
  it('otlpExporter: refuses a typo and takes every documented option', async () => {
    const error = refusal(() => otlpExporter({ headrs: { authorization: 'x' } } as never));
    expect(error.issues).toEqual([
      {
        option: 'otlpExporter.headrs',
        message: expect.stringMatching(/^unknown option \(known: .*\); did you mean `headers`\?$/),
      },
    ]);
    const documented: OtlpExporterOptions[] = [
      {
        endpoint: 'http://127.0.0.1:4318/v1/traces',
        protocol: 'http/json',
        headers: { 'x-team': 'support' },
        timeoutMs: 5000,
        shutdownTimeoutMs: 500,
        compression: 'gzip',
      },
      { url: 'http://127.0.0.1:4318/v1/traces', protocol: 'http/protobuf', compression: 'none' },
      { preset: 'jaeger', conventions: 'glassbox' },
      { preset: 'phoenix', baseUrl: 'http://127.0.0.1:6006', apiKey: 'k', projectName: 'support-bot' },
      { preset: 'langfuse', baseUrl: 'http://127.0.0.1:3000', publicKey: 'pk-lf-1', secretKey: 'sk-lf-1' },
      { preset: 'mlflow', baseUrl: 'http://127.0.0.1:5000', experimentId: '42' },
    ];
    for (const options of documented) await accepted(otlpExporter(options));
    expect(new Set(documented.flatMap(Object.keys))).toEqual(new Set(known(error)));
    // The URL option of OpenTelemetry's OTLPTraceExporter means what it means there.
    expect(otlpExporter({ url: 'http://127.0.0.1:9/v1/traces' }).url).toBe('http://127.0.0.1:9/v1/traces');
  });

  it('OtlpExporter: names the class', () => {
    const error = refusal(() => new OtlpExporter({ endpiont: 'http://x/v1/traces' } as never));
    expect(error.issues[0]).toMatchObject({ option: 'OtlpExporter.endpiont' });
    expect(error.message).toContain('did you mean `endpoint`?');
    expect(refusal(() => new OtlpExporter({ publicKey: 'pk' })).issues[0]!.option).toBe(
      'OtlpExporter.publicKey',
    );
  });

  it('jsonFileExporter: refuses a typo, requires path and takes every documented option', async () => {
    const path = join(dir, 'traces.jsonl');
    const error = refusal(() => jsonFileExporter({ path, maxFile: 3 } as never));
    expect(error.message).toBe(
      'Glassbox: invalid option `jsonFileExporter.maxFile`: unknown option (known: path, maxBytes, maxFiles); did you mean `maxFiles`?',
    );
    expect(refusal(() => jsonFileExporter({} as never)).issues).toEqual([
      { option: 'jsonFileExporter.path', message: 'required, expected the path of a .jsonl file' },
    ]);
    expect(refusal(() => jsonFileExporter(undefined as never)).issues[0]!.option).toBe('jsonFileExporter');
    const documented: Required<JsonFileExporterOptions> = { path, maxBytes: 1024 * 1024, maxFiles: 0 };
    await accepted(jsonFileExporter(documented));
  });

  it('JsonFileExporter: names the class', () => {
    const error = refusal(() => new JsonFileExporter({ path: join(dir, 'x.jsonl'), maxbytes: 1 } as never));
    expect(error.issues[0]).toMatchObject({ option: 'JsonFileExporter.maxbytes' });
    expect(error.message).toContain('did you mean `maxBytes`?');
  });

  it('consoleExporter: refuses a typo and wrong types, and takes every documented option', async () => {
    const error = refusal(() => consoleExporter({ colour: false } as never));
    expect(error.issues[0]).toMatchObject({ option: 'consoleExporter.colour' });
    expect(error.message).toContain('did you mean `colors`?');
    expect(refusal(() => consoleExporter({ maxValueChars: '80' as never })).issues).toEqual([
      { option: 'consoleExporter.maxValueChars', message: 'expected an integer >= 8, got the string "80"' },
    ]);
    const documented: Required<ConsoleExporterOptions> = {
      write: () => undefined,
      colors: false,
      maxValueChars: 120,
      showAttributes: true,
      orphanTimeoutMs: 1000,
      maxHeldSpans: 100,
      maxHeldTraces: 10,
    };
    await accepted(consoleExporter(documented));
  });

  it('ConsoleExporter: names the class', () => {
    const error = refusal(() => new ConsoleExporter({ showAttribute: true } as never));
    expect(error.issues[0]).toMatchObject({ option: 'ConsoleExporter.showAttribute' });
    expect(error.message).toContain('did you mean `showAttributes`?');
  });

  it('InMemoryExporter: refuses a typo and takes every documented option', async () => {
    const error = refusal(() => new InMemoryExporter({ maxSpan: 10 } as never));
    expect(error.message).toBe(
      'Glassbox: invalid option `InMemoryExporter.maxSpan`: unknown option (known: maxSpans); did you mean `maxSpans`?',
    );
    expect(refusal(() => new InMemoryExporter({ maxSpans: -1 })).issues[0]!.message).toBe(
      'expected an integer >= 0 or Infinity, got -1',
    );
    const documented: Required<InMemoryExporterOptions> = { maxSpans: 10 };
    await accepted(new InMemoryExporter(documented));
    await accepted(new InMemoryExporter({ maxSpans: Number.POSITIVE_INFINITY }));
  });

  it('readTraceFile: refuses a typo at the call, before any read, and takes every documented option', async () => {
    const missing = join(dir, 'never-written.jsonl');
    const error = refusal(() => readTraceFile(missing, { onErorr: () => undefined } as never));
    expect(error.issues[0]).toMatchObject({ option: 'readTraceFile.onErorr' });
    expect(error.message).toContain('did you mean `onError`?');
    const path = join(dir, 'empty.jsonl');
    await jsonFileExporter({ path }).shutdown();
    const documented: Required<ReadTraceFileOptions> = { onError: () => undefined };
    const spans: unknown[] = [];
    for await (const span of readTraceFile(path, documented)) spans.push(span);
    expect(spans).toEqual([]);
  });
});
