import { createRedactor, type RedactOptions } from '../capture/redact.js';
import { captureContentFromEnv } from '../config.js';
import type { BudgetOptions, PriceTable } from '../cost/price-table.js';
import type { CostSettings } from '../cost/span-cost.js';
import { emptyStats } from '../glassbox.js';
import { DiagnosticLogger, type LogLevel } from '../logger.js';
import { CONFIG_TABLE } from './config-table.js';
import { incompatibleCopy, slot } from './global-slot.js';
import type { Runtime } from './runtime-shape.js';

export type { Runtime };

/** The options a runtime is built from (a resolved configuration has them all). */
export interface RuntimeConfig {
  captureContent: boolean;
  maxValueLength: number;
  redact: RedactOptions | false;
  logLevel: LogLevel;
  enabled: boolean;
  shutdownTimeoutMs: number;
  /** Default: the bundled table only. */
  prices?: PriceTable | false;
  budget?: BudgetOptions;
}

/** Builds the runtime of one installation. */
export function createRuntime(config: RuntimeConfig): Runtime {
  const logger = new DiagnosticLogger(config.logLevel);
  if (incompatibleCopy !== undefined) {
    logger.once(
      'warn',
      `another copy of @glassbox/core (version ${incompatibleCopy}) is loaded; this copy keeps its own configuration`,
      'incompatible-copy',
    );
  }
  return {
    capture: {
      captureContent: config.captureContent,
      maxValueLength: config.maxValueLength,
      redactor: createRedactor(config.redact),
    },
    enabled: config.enabled,
    dropNewTraces: false,
    stats: emptyStats(),
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    cost: costSettings(config.prices ?? {}, config.budget ?? {}),
  };
}

function costSettings(prices: PriceTable | false, budget: BudgetOptions): CostSettings | undefined {
  if (prices === false) return undefined;
  return {
    table: new Map(Object.entries(prices)),
    bundled: true,
    budgetUsd: budget.perTraceUsd,
  };
}

/** The runtime traced functions use now: the latest `init()`'s, else defaults (honouring the env switch). */
export function currentRuntime(): Runtime {
  return slot.current ?? installDefaultRuntime();
}

/** The runtime a just-started span captures under: its Glassbox processor's, else `fallback`. */
export function runtimeOfStarted(span: object, fallback: Runtime): Runtime {
  return slot.startingSpan === span ? (slot.startingRuntime ?? fallback) : fallback;
}

/** Whether a Glassbox processor saw this just-started span (and so applied its trace attributes). */
export function seenByProcessor(span: object): boolean {
  return slot.startingSpan === span;
}

function installDefaultRuntime(): Runtime {
  // Before `init` runs, content capture still honours the standard env switch, so an app that only uses
  // its own OpenTelemetry setup (no `init`) keeps its privacy choice.
  const runtime = createRuntime({
    captureContent: captureContentFromEnv(),
    maxValueLength: CONFIG_TABLE.maxValueLength.default,
    redact: {},
    logLevel: CONFIG_TABLE.logLevel.default,
    enabled: true,
    shutdownTimeoutMs: CONFIG_TABLE.shutdownTimeoutMs.default,
  });
  slot.current = runtime;
  return runtime;
}
