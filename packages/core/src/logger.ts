/** How much Glassbox reports about its own telemetry problems. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Where diagnostic messages go: `console` by default, replaceable for tests or an app's own logger. */
export type LogSink = (level: Exclude<LogLevel, 'none'>, message: string) => void;

/** At most this many distinct "once" keys are remembered; a flood of distinct keys must not grow memory. */
const MAX_SEEN = 1000;

/**
 * The diagnostic logger of one Glassbox runtime, for telemetry problems: they never reach the
 * application, and each distinct problem is reported once rather than once per span.
 */
export class DiagnosticLogger {
  private level: number;
  private readonly seen = new Set<string>();
  sink: LogSink;

  constructor(level: LogLevel = 'warn', sink: LogSink = consoleSink) {
    this.level = ORDER[level] ?? ORDER.warn;
    this.sink = sink;
  }

  /** Whether a message of `level` would be reported. */
  enabled(level: Exclude<LogLevel, 'none'>): boolean {
    return ORDER[level] <= this.level;
  }

  /** Reports a message at most once per `key` (default: the message itself). */
  once(level: Exclude<LogLevel, 'none'>, message: string, key: string = message): void {
    if (ORDER[level] > this.level || this.seen.has(key)) return;
    if (this.seen.size >= MAX_SEEN) this.seen.clear();
    this.seen.add(key);
    this.emit(level, message);
  }

  /** Reports a message every time. */
  log(level: Exclude<LogLevel, 'none'>, message: string): void {
    if (ORDER[level] > this.level) return;
    this.emit(level, message);
  }

  private emit(level: Exclude<LogLevel, 'none'>, message: string): void {
    try {
      this.sink(level, message);
    } catch {
      // A broken sink must not break the host application either.
    }
  }
}

function consoleSink(level: Exclude<LogLevel, 'none'>, message: string): void {
  const line = `[glassbox] ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.debug(line);
}
