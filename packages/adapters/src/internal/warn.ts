import { logger } from '@glassbox/core/instrumentation';
import { errorText } from './error-text.js';

// A warning quotes at most this much of an error: enough to recognise it, not a whole payload.
const MAX_QUOTED_ERROR = 500;

/**
 * Reports an adapter problem through Glassbox's logger (so `logLevel` governs it; `'none'` silences it),
 * once per adapter and kind of problem, as `{adapter}: {message}`. Telemetry problems are never thrown
 * into the application.
 */
export function warnOnce(adapter: string, kind: string, message: string): void {
  logger.once('warn', `${adapter}: ${message}`, `@glassbox/adapters:${adapter}:${kind}`);
}

/** Reports a failure once per adapter and kind, as `{adapter}: {what}: {error}`. */
export function warnFailureOnce(adapter: string, kind: string, what: string, error: unknown): void {
  const text = errorText(error);
  const quoted = text.length > MAX_QUOTED_ERROR ? `${text.slice(0, MAX_QUOTED_ERROR)}...` : text;
  warnOnce(adapter, kind, `${what}: ${quoted}`);
}

/** Runs `work`; if it throws, reports the failure once per adapter and kind and returns undefined. */
export function tryOrWarn<T>(adapter: string, kind: string, what: string, work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    warnFailureOnce(adapter, kind, what, error);
    return undefined;
  }
}
