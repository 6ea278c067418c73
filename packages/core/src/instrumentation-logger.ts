import { currentRuntime } from './internal/runtime.js';
import type { LogLevel } from './logger.js';

/** The diagnostic channel adapters and integrations report through (silenced by `logLevel: 'none'`). */
export interface InstrumentationLogger {
  /** Reports a problem at most once per `key` (default: the message) under the current runtime. */
  once(level: Exclude<LogLevel, 'none'>, message: string, key?: string): void;
  /** Reports a message every time. */
  log(level: Exclude<LogLevel, 'none'>, message: string): void;
}

/** Glassbox's diagnostic logger, as configured by the latest `init()` (`logLevel`, once-per-problem). */
export const logger: InstrumentationLogger = {
  once(level, message, key) {
    currentRuntime().logger.once(level, message, key);
  },
  log(level, message) {
    currentRuntime().logger.log(level, message);
  },
};
