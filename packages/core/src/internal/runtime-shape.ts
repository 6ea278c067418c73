import type { CaptureSettings } from '../capture-settings.js';
import type { CostSettings } from '../cost/span-cost.js';
import type { Stats } from '../glassbox.js';
import type { DiagnosticLogger } from '../logger.js';

/**
 * Everything one Glassbox installation (an `init()` or a `createSpanProcessor()`) decides: what is
 * captured and how it is redacted, whether tracing is on, its counters and its diagnostic logger. Built
 * once from a resolved configuration and never changed, except `dropNewTraces`, set by `init()` once it
 * knows its mode.
 */
export interface Runtime {
  readonly capture: CaptureSettings;
  /** False when tracing is turned off (`enabled: false`): traced functions are plain calls. */
  readonly enabled: boolean;
  /** Standalone at sampleRatio 0: a call with no parent span would only make a root that is dropped. */
  dropNewTraces: boolean;
  readonly stats: Stats;
  readonly logger: DiagnosticLogger;
  readonly shutdownTimeoutMs: number;
  /** How LLM spans are priced, or undefined when cost is turned off (`prices: false`). */
  readonly cost: CostSettings | undefined;
}
