/** How much Glassbox reports about its own telemetry problems. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * The diagnostic logger for telemetry failures: they never reach the application, and each distinct
 * problem is reported once rather than once per span.
 */
export class DiagnosticLogger {
  private level = ORDER.warn;
  private readonly seen = new Set<string>();
  sink: (level: LogLevel, message: string) => void = defaultSink;

  setLevel(level: LogLevel): void {
    this.level = ORDER[level];
  }

  /** Reports a message at most once per `key` (default: the message itself). */
  once(level: Exclude<LogLevel, 'none'>, message: string, key: string = message): void {
    if (ORDER[level] > this.level || this.seen.has(key)) return;
    if (this.seen.size > 1000) this.seen.clear(); // bounded: a flood of distinct keys must not grow memory
    this.seen.add(key);
    this.emit(level, message);
  }

  log(level: Exclude<LogLevel, 'none'>, message: string): void {
    if (ORDER[level] > this.level) return;
    this.emit(level, message);
  }

  resetSeen(): void {
    this.seen.clear();
  }

  private emit(level: LogLevel, message: string): void {
    try {
      this.sink(level, message);
    } catch {
      // A broken sink must not break the host application either.
    }
  }
}

function defaultSink(level: LogLevel, message: string): void {
  const line = `[glassbox] ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.debug(line);
}

/** The process-wide diagnostic logger. */
export const logger = new DiagnosticLogger();
