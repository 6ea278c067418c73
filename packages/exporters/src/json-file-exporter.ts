import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { type ConfigIssue, GlassboxConfigError } from '@glassbox/core';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Options for `jsonFileExporter`. */
export interface JsonFileExporterOptions {
  /** The active file, e.g. `traces/traces.jsonl`; its directory is created when missing. */
  path: string;
  /** Rotate before a write would take the active file past this size, default 50 MiB. */
  maxBytes?: number;
  /** Rotated files kept beside the active one (`traces.1.jsonl` newest … `traces.N.jsonl`), default 5. */
  maxFiles?: number;
}

const NEWLINE = 0x0a;

/**
 * Appends one OTLP/JSON `ExportTraceServiceRequest` per export as one line. Each line is written
 * synchronously in one `write` call: lines from this process never interleave, and a crash (even
 * SIGKILL) can cut only the last line. The cost is one blocking write per batch, which the batch
 * processor already keeps off the traced code's path. One writing process per file.
 */
export class JsonFileExporter implements SpanExporter {
  /** Absolute path of the active file. */
  readonly path: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private fd: number | undefined;
  private size = 0;

  constructor(options: JsonFileExporterOptions) {
    const issues: ConfigIssue[] = [];
    if (typeof options?.path !== 'string' || options.path.trim() === '') {
      issues.push({ option: 'path', message: 'expected the path of a .jsonl file' });
    }
    const maxBytes = options?.maxBytes ?? 50 * 1024 * 1024;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      issues.push({ option: 'maxBytes', message: `expected a whole number of bytes > 0, got ${maxBytes}` });
    }
    const maxFiles = options?.maxFiles ?? 5;
    if (!Number.isSafeInteger(maxFiles) || maxFiles < 0) {
      issues.push({ option: 'maxFiles', message: `expected a whole number >= 0, got ${maxFiles}` });
    }
    if (issues.length > 0) throw new GlassboxConfigError(issues);
    this.path = resolve(options.path);
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.open();
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new GlassboxConfigError({ option: 'path', message: `cannot append to ${this.path} (${reason})` });
    }
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.fd === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('JsonFileExporter is shut down') });
      return;
    }
    if (spans.length === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    try {
      const json = JsonTraceSerializer.serializeRequest(spans);
      if (!json) throw new Error('the OTLP/JSON serializer returned nothing');
      // JSON.stringify escapes every newline inside values, so the only newline is the terminator.
      const line = Buffer.allocUnsafe(json.length + 1);
      line.set(json, 0);
      line[json.length] = NEWLINE;
      if (this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
      this.writeAll(line);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** Asks the OS to put written lines on disk, so a resolved flush means persisted. */
  forceFlush(): Promise<void> {
    if (this.fd !== undefined) fdatasyncSync(this.fd);
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    return Promise.resolve();
  }

  private open(): void {
    // 'a+': every write appends, and the last byte can still be read.
    const fd = openSync(this.path, 'a+');
    this.fd = fd;
    this.size = fstatSync(fd).size;
    if (this.size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, this.size - 1);
      // A previous run died mid-line: end that line so the next one starts clean.
      if (last[0] !== NEWLINE) this.writeAll(Buffer.from([NEWLINE]));
    }
  }

  private writeAll(buffer: Buffer): void {
    let offset = 0;
    // One call in practice; the loop only covers the short writes POSIX allows.
    while (offset < buffer.length) offset += writeSync(this.fd!, buffer, offset, buffer.length - offset);
    this.size += buffer.length;
  }

  private rotate(): void {
    closeSync(this.fd!);
    this.fd = undefined;
    try {
      if (this.maxFiles === 0) rmSync(this.path, { force: true });
      else {
        rmSync(this.rotatedPath(this.maxFiles), { force: true });
        for (let i = this.maxFiles - 1; i >= 1; i--) {
          if (existsSync(this.rotatedPath(i))) renameSync(this.rotatedPath(i), this.rotatedPath(i + 1));
        }
        renameSync(this.path, this.rotatedPath(1));
      }
    } finally {
      // Even if a rename failed, keep appending somewhere rather than losing every later export.
      this.open();
    }
  }

  private rotatedPath(index: number): string {
    const ext = extname(this.path);
    return ext ? `${this.path.slice(0, -ext.length)}.${index}${ext}` : `${this.path}.${index}`;
  }
}

/** Creates an exporter that appends each batch as one OTLP/JSON line to a size-rotated `.jsonl` file. */
export function jsonFileExporter(options: JsonFileExporterOptions): JsonFileExporter {
  return new JsonFileExporter(options);
}
