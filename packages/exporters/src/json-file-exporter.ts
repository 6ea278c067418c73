import * as nodeFs from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { GlassboxConfigError } from '@glassbox/core';
import { logger, type Rule, rules } from '@glassbox/core/instrumentation';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { assertOptions, createdBy } from './check-options.js';

/** Options for `jsonFileExporter`. */
export interface JsonFileExporterOptions {
  /** The active file, e.g. `traces/traces.jsonl`; its directory is created when missing. */
  path: string;
  /** Rotate before a write would take the active file past this size, default 50 MiB. */
  maxBytes?: number;
  /** Rotated files kept beside the active one (`traces.1.jsonl` newest … `traces.N.jsonl`), default 5. */
  maxFiles?: number;
}

/**
 * The file system calls the exporter makes (`node:fs` by default). A seam for tests that need a write
 * to fail the way a full disk makes it fail; not part of the public API.
 * @internal
 */
export type JsonFileSystem = Pick<
  typeof nodeFs,
  | 'closeSync'
  | 'existsSync'
  | 'fdatasyncSync'
  | 'fstatSync'
  | 'ftruncateSync'
  | 'mkdirSync'
  | 'openSync'
  | 'readSync'
  | 'renameSync'
  | 'rmSync'
  | 'statSync'
  | 'writeSync'
>;

const OPTIONS = rules.object(
  {
    path: rules.custom('the path of a .jsonl file', (v) => typeof v === 'string' && v.trim() !== ''),
    maxBytes: rules.custom(
      'a whole number of bytes > 0',
      (v) => Number.isSafeInteger(v) && (v as number) > 0,
    ),
    maxFiles: rules.integer(0),
  } satisfies Record<keyof JsonFileExporterOptions, Rule>,
  { required: ['path'] },
);

const NEWLINE = 0x0a;
/** An unterminated last line longer than this (left by an earlier run) is dropped without parsing it. */
const MAX_TAIL_CHECK_BYTES = 64 * 1024 * 1024;

/** Bytes of a line this process wrote but could not finish: `[at, end)` of the active file. */
interface Cut {
  at: number;
  end: number;
}

/**
 * Appends one OTLP/JSON `ExportTraceServiceRequest` per export as one line. Each line is written
 * synchronously in one `write` call: lines from this process never interleave, and a crash (even
 * SIGKILL) can cut only the last line. The cost is one blocking write per batch, which the batch
 * processor already keeps off the traced code's path. One writing process per file.
 *
 * Every line but the last is valid JSON, always: a line cut by a failed or short write (a full disk)
 * is removed before anything else is written, the unterminated tail an earlier run left is ended or
 * removed when the file is opened, a file or directory removed under the exporter is recreated, and a
 * rotation that fails leaves the active file in use. An export whose line is not in the file is
 * reported as FAILED.
 */
export class JsonFileExporter implements SpanExporter {
  /** Absolute path of the active file. */
  readonly path: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly fs: JsonFileSystem;
  private fd: number | undefined;
  /** Size of the active file as of the last check or write. */
  private size = 0;
  private cut: Cut | undefined;
  private stopped = false;
  private rotationFailing = false;

  /** `fileSystem` is a test seam (@internal); leave it out. */
  constructor(options: JsonFileExporterOptions, fileSystem: JsonFileSystem = nodeFs) {
    assertOptions(options, OPTIONS, 'JsonFileExporter');
    this.path = resolve(options.path);
    this.maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.maxFiles = options.maxFiles ?? 5;
    this.fs = fileSystem;
    try {
      this.reopen();
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new GlassboxConfigError({
        option: 'JsonFileExporter.path',
        message: `cannot append to ${this.path} (${reason})`,
      });
    }
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
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
      this.prepare();
      if (this.size > 0 && this.size + line.length > this.maxBytes) this.rotate();
      this.append(line);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      // The line is not in the file (or was removed again): the batch is lost, and core counts it.
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** Asks the OS to put written lines on disk, so a resolved flush means persisted. */
  forceFlush(): Promise<void> {
    try {
      if (this.fd !== undefined) this.fs.fdatasyncSync(this.fd);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    if (this.fd === undefined) return Promise.resolve();
    const fd = this.fd;
    this.fd = undefined;
    let failure: unknown;
    try {
      if (this.cut) this.repair(fd);
      this.fs.fdatasyncSync(fd);
    } catch (error) {
      failure = error;
    }
    try {
      this.fs.closeSync(fd);
    } catch (error) {
      failure ??= error;
    }
    return failure === undefined ? Promise.resolve() : Promise.reject(failure);
  }

  /**
   * Makes the active file the one at `path`, open and ending with a whole line, before a write. A file
   * deleted or renamed away (fstat of our fd: no links left, or another inode than `stat` of the path
   * finds) is replaced by a new one, recreating its directory if that went too: otherwise every later
   * line would go into an unlinked inode and be lost while counted as exported.
   */
  private prepare(): void {
    if (this.fd !== undefined) {
      const own = this.fs.fstatSync(this.fd, { bigint: true });
      const atPath = this.fs.statSync(this.path, { bigint: true, throwIfNoEntry: false });
      if (own.nlink > 0n && atPath && atPath.ino === own.ino && atPath.dev === own.dev) {
        this.size = Number(own.size);
        if (this.cut) this.repair(this.fd);
        return;
      }
      const old = this.fd;
      this.fd = undefined;
      try {
        // A file renamed away is still someone's record: leave it without the cut line too.
        if (this.cut) this.repair(old);
      } catch {
        // Best effort: that file is no longer ours to write.
      }
      this.cut = undefined;
      this.closeQuietly(old);
    }
    this.reopen();
  }

  private reopen(): void {
    this.fs.mkdirSync(dirname(this.path), { recursive: true });
    // 'a+': every write appends, and the last byte can still be read.
    const fd = this.fs.openSync(this.path, 'a+');
    try {
      this.size = this.endWithWholeLine(fd, this.fs.fstatSync(fd).size);
    } catch (error) {
      this.closeQuietly(fd);
      throw error;
    }
    this.fd = fd;
  }

  /**
   * An earlier run died mid-line (or a short write stopped just before the newline): keep that last line
   * if it is whole JSON by adding its newline, else cut it off so the next line starts clean and no
   * fragment is left in the middle of the file. Returns the resulting size.
   */
  private endWithWholeLine(fd: number, size: number): number {
    if (size === 0 || this.byteAt(fd, size - 1) === NEWLINE) return size;
    const start = this.startOfLastLine(fd, size);
    const length = size - start;
    if (length <= MAX_TAIL_CHECK_BYTES) {
      const tail = Buffer.alloc(length);
      this.readFully(fd, tail, start);
      if (isJson(tail)) {
        this.writeFully(fd, Buffer.from([NEWLINE]));
        return size + 1;
      }
    }
    this.fs.ftruncateSync(fd, start);
    return start;
  }

  private startOfLastLine(fd: number, size: number): number {
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0; ) {
      const from = Math.max(0, end - chunk.length);
      const view = chunk.subarray(0, end - from);
      this.readFully(fd, view, from);
      const nl = view.lastIndexOf(NEWLINE);
      if (nl !== -1) return from + nl + 1;
      end = from;
    }
    return 0;
  }

  private byteAt(fd: number, position: number): number {
    const one = Buffer.alloc(1);
    this.readFully(fd, one, position);
    return one[0]!;
  }

  private readFully(fd: number, buffer: Buffer, position: number): void {
    for (let read = 0; read < buffer.length; ) {
      const n = this.fs.readSync(fd, buffer, read, buffer.length - read, position + read);
      if (n === 0) throw new Error(`${this.path} shrank while being read`);
      read += n;
    }
  }

  /**
   * Appends one line. If the write fails or stops short (ENOSPC, EIO, EFBIG...), the bytes it did write
   * are cut off again with ftruncate, now or, if that fails too, before the next write. Truncating
   * rather than writing a newline first: a newline would leave the fragment in the file as a line of
   * its own that is not JSON, in the middle of the file, and would itself need space a full disk lacks.
   * The fragment belongs to an export reported as FAILED, so nothing reported as exported is removed.
   */
  private append(line: Buffer): void {
    const fd = this.fd!;
    const at = this.size;
    let written = 0;
    try {
      written = this.writeFully(fd, line);
    } catch (error) {
      written = (error as { written?: number }).written ?? 0;
      if (written > 0) {
        this.cut = { at, end: at + written };
        try {
          this.repair(fd);
        } catch {
          // Retried before the next write, which fails rather than append after a fragment.
        }
      }
      throw error;
    }
    this.size = at + written;
  }

  /** Writes the whole buffer, looping over the short writes POSIX allows; a failure carries `written`. */
  private writeFully(fd: number, buffer: Buffer): number {
    let written = 0;
    try {
      while (written < buffer.length) {
        const n = this.fs.writeSync(fd, buffer, written, buffer.length - written);
        if (n <= 0) throw new Error(`write to ${this.path} made no progress`);
        written += n;
      }
    } catch (error) {
      if (error && typeof error === 'object') (error as { written?: number }).written = written;
      throw error;
    }
    return written;
  }

  /** Removes the fragment of `cut`, if the file still ends with it; throws when that cannot be done. */
  private repair(fd: number): void {
    const cut = this.cut!;
    const size = this.fs.fstatSync(fd).size;
    if (size === cut.end) {
      this.fs.ftruncateSync(fd, cut.at);
      this.size = cut.at;
    } else {
      // Someone else wrote or truncated the file since: the fragment is no longer its tail to remove.
      logger.once(
        'warn',
        `JsonFileExporter: ${this.path} changed under a cut line; it may hold one bad line`,
      );
    }
    this.cut = undefined;
  }

  /**
   * Renames `traces.jsonl` → `traces.1.jsonl` → … and starts a new active file. If any step fails (a
   * rotated name taken by a directory, permissions...), the active file stays in use and rotation is
   * tried again at the next export past `maxBytes`: a failed rotation must not fail the export.
   */
  private rotate(): void {
    try {
      if (this.maxFiles === 0) this.fs.rmSync(this.path, { force: true });
      else {
        this.fs.rmSync(this.rotatedPath(this.maxFiles), { force: true });
        for (let i = this.maxFiles - 1; i >= 1; i--) {
          if (this.fs.existsSync(this.rotatedPath(i)))
            this.fs.renameSync(this.rotatedPath(i), this.rotatedPath(i + 1));
        }
        this.fs.renameSync(this.path, this.rotatedPath(1));
      }
    } catch (error) {
      if (!this.rotationFailing) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        logger.once(
          'warn',
          `JsonFileExporter: cannot rotate ${this.path} (${reason}); appending to it, will retry`,
          `jsonl:rotate:${this.path}`,
        );
      }
      this.rotationFailing = true;
      return;
    }
    this.rotationFailing = false;
    const old = this.fd!;
    try {
      this.reopen();
    } catch {
      // No new file: keep appending to the old one (now the newest rotated file); `prepare` retries.
      return;
    }
    this.closeQuietly(old);
  }

  private rotatedPath(index: number): string {
    const ext = extname(this.path);
    return ext ? `${this.path.slice(0, -ext.length)}.${index}${ext}` : `${this.path}.${index}`;
  }

  private closeQuietly(fd: number): void {
    try {
      this.fs.closeSync(fd);
    } catch {
      // Nothing left to save in it.
    }
  }
}

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Creates an exporter that appends each batch as one OTLP/JSON line to a size-rotated `.jsonl` file. */
export function jsonFileExporter(options: JsonFileExporterOptions): JsonFileExporter {
  return createdBy('jsonFileExporter', 'JsonFileExporter', () => new JsonFileExporter(options));
}
