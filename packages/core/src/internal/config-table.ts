/**
 * The one table of `init` options: for each option path, the env vars that set it (first set one wins),
 * how their text is parsed, the rule an argument must pass, the default and a line of docs. Resolution,
 * error messages, `ENV_VARS` and the table in docs/configuration.md all come from here; this is the only
 * place an env var name is written.
 */
import { type BudgetOptions, PRICES_RULE } from '../cost/price-table.js';
import type { BatchOptions, InitOptions, ResolvedConfig } from '../init-options.js';
import type { LogLevel } from '../logger.js';
import { type Rule, rules } from '../option-check.js';

/** The environment, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** An env parser's answer when the variable says nothing here: the next env var (or the default) decides. */
export const SKIP: unique symbol = Symbol('glassbox.config.skip');

/** One env var behind an option. */
export interface EnvVar<T> {
  readonly name: string;
  /** What a valid text is, for `NAME="text" is not <expected>`. */
  readonly expected: string;
  /** Parses the trimmed, non-empty text: the value, `undefined` when it is not valid, or `SKIP`. */
  readonly parse: (text: string, env: Env) => T | undefined | typeof SKIP;
  /** For the docs: the syntax, or when the variable counts. */
  readonly note?: string;
}

/** One option: where it can come from, what it accepts, its default and what it means. */
export interface OptionRow<T> {
  /** Env vars in precedence order; the argument beats them all. */
  readonly env: readonly EnvVar<T>[];
  /** What an argument must be. */
  readonly rule: Rule;
  /** The value when neither the argument nor an env var sets it. */
  readonly default: T;
  /** The default as the docs say it, when `default` does not say it well (markdown). */
  readonly defaultText?: string;
  /** One line for the docs (markdown). */
  readonly description: string;
  /** How an argument combines with the env value (or the default); without it the argument wins whole. */
  merge?(argument: T, base: T): T;
}

/** Every option path: the keys of `InitOptions`, with `batch` and `budget` spelled out as `batch.<key>`. */
export type OptionPath =
  | Exclude<keyof InitOptions, 'batch' | 'budget'>
  | `batch.${keyof BatchOptions}`
  | `budget.${keyof BudgetOptions}`;

type ValueAt<P extends OptionPath> = P extends `batch.${infer K extends keyof BatchOptions}`
  ? ResolvedConfig['batch'][K]
  : P extends `budget.${infer K extends keyof BudgetOptions}`
    ? ResolvedConfig['budget'][K]
    : P extends keyof ResolvedConfig
      ? ResolvedConfig[P]
      : never;

/** The longest delay a Node timer takes; a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

const EXPORT_MODES = ['batch', 'immediate'] as const;
const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug'] as const satisfies readonly LogLevel[];
const RATIO_SAMPLERS = ['traceidratio', 'parentbased_traceidratio'];
const BOOL_TEXT = 'a boolean (true/false, 1/0, yes/no, on/off)';
const DIGITS = /^\d+$/;

const SAMPLER: EnvVar<number> = {
  name: 'OTEL_TRACES_SAMPLER',
  expected:
    'a supported sampler (always_on, always_off, traceidratio, or one of those with the parentbased_ prefix)',
  parse(text) {
    switch (text.toLowerCase()) {
      case 'always_on':
      case 'parentbased_always_on':
        return 1;
      case 'always_off':
      case 'parentbased_always_off':
        return 0;
      case 'traceidratio':
      case 'parentbased_traceidratio':
        return SKIP; // the ratio is OTEL_TRACES_SAMPLER_ARG's, next; without it, the default (1)
      default:
        return undefined;
    }
  },
};

const SAMPLER_ARG: EnvVar<number> = {
  name: 'OTEL_TRACES_SAMPLER_ARG',
  expected: 'a number in [0, 1]',
  note: 'the ratio, read with `traceidratio`',
  parse(text, env) {
    if (!RATIO_SAMPLERS.includes(env[SAMPLER.name]?.trim().toLowerCase() ?? '')) return SKIP;
    const n = text === '' ? Number.NaN : Number(text);
    return n >= 0 && n <= 1 ? n : undefined;
  },
};

/** The options of `init`, in the order the docs list them. */
export const CONFIG_TABLE: { readonly [P in OptionPath]: OptionRow<ValueAt<P>> } = {
  serviceName: {
    env: [{ name: 'OTEL_SERVICE_NAME', expected: 'a name', parse: (text) => text }],
    rule: rules.string({ nonEmpty: true }),
    default: undefined,
    defaultText: '`unknown_service:node`',
    description: 'the `service.name` resource attribute (the service you pick in Jaeger)',
  },
  resourceAttributes: {
    env: [
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        expected: 'a list of key=value pairs',
        note: '`k=v,k2=v2`, percent-encoded',
        parse: parseResourceAttributes,
      },
    ],
    rule: rules.recordOf(rules.anyOf(rules.string(), rules.number(), rules.boolean())),
    default: {},
    defaultText: '–',
    description: "extra resource attributes; the argument's keys win over the env var's",
    merge: (argument, base) => ({ ...base, ...argument }),
  },
  exporters: {
    env: [],
    rule: rules.arrayOf(rules.withMethods('a SpanExporter', ['export', 'shutdown'])),
    default: [],
    description:
      '`SpanExporter`s; each gets its own bounded export queue (exporters read their own env vars: see [exporters](exporters.md))',
  },
  spanProcessors: {
    env: [],
    rule: rules.arrayOf(rules.withMethods('a SpanProcessor', ['onStart', 'onEnd', 'forceFlush', 'shutdown'])),
    default: [],
    description: 'extra OpenTelemetry `SpanProcessor`s, added as they are',
  },
  exportMode: {
    env: [choice('GLASSBOX_EXPORT_MODE', EXPORT_MODES)],
    rule: rules.oneOf(EXPORT_MODES),
    default: 'batch',
    description:
      '`batch`: export in batches every `batch.scheduledDelayMs`; `immediate`: export as soon as each span ends (tests, short-lived functions)',
  },
  sampleRatio: {
    env: [SAMPLER, SAMPLER_ARG],
    rule: rules.number(0, 1),
    default: 1,
    description:
      'fraction of traces kept, in [0, 1]. Sampling is always parent-based, so a trace is kept or dropped whole. `always_on`/`always_off`/`traceidratio` and their `parentbased_` forms are understood',
  },
  captureContent: {
    env: [bool('GLASSBOX_CAPTURE_CONTENT'), bool('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT')],
    rule: rules.boolean(),
    default: true,
    description:
      '`false`: no inputs, outputs, messages, documents or tool arguments leave the process (see [privacy](privacy.md))',
  },
  redact: {
    env: [],
    rule: rules.anyOf(
      rules.oneOf([false]),
      rules.object({
        keys: rules.arrayOf(rules.anyOf(rules.string(), rules.instanceOf(RegExp))),
        patterns: rules.arrayOf(rules.instanceOf(RegExp)),
        replace: rules.func(),
      }),
    ),
    default: {},
    defaultText: 'defaults on',
    description: '`{ keys, patterns, replace }` added to the default rules, or `false` to turn redaction off',
  },
  maxValueLength: {
    env: [int('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 64)],
    rule: rules.integer(64),
    default: 16384,
    description: 'characters per captured value (min 64); longer values are cut and stay valid JSON',
  },
  logLevel: {
    env: [choice('GLASSBOX_LOG_LEVEL', LOG_LEVELS)],
    rule: rules.oneOf(LOG_LEVELS),
    default: 'warn',
    description:
      '`none`, `error`, `warn`, `info`, `debug`: how much Glassbox reports about its own problems (each distinct problem once)',
  },
  'batch.maxQueueSize': {
    env: [int('OTEL_BSP_MAX_QUEUE_SIZE', 1)],
    rule: rules.integer(1),
    default: 2048,
    description:
      'spans waiting per exporter; past this they are dropped and counted in `stats().spansDropped`',
  },
  'batch.maxExportBatchSize': {
    env: [int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 1)],
    rule: rules.integer(1),
    default: 512,
    description:
      'spans per export call; a larger value than `batch.maxQueueSize` is lowered to it, with a warning',
  },
  'batch.scheduledDelayMs': {
    env: [int('OTEL_BSP_SCHEDULE_DELAY', 0, MAX_TIMER_MS)],
    rule: rules.integer(0, MAX_TIMER_MS),
    default: 1000,
    description: 'milliseconds a partial batch waits before it is exported',
  },
  'batch.exportTimeoutMs': {
    env: [int('OTEL_BSP_EXPORT_TIMEOUT', 1, MAX_TIMER_MS)],
    rule: rules.integer(1, MAX_TIMER_MS),
    default: 30000,
    description: 'milliseconds after which an export that has not answered counts as failed',
  },
  shutdownTimeoutMs: {
    env: [int('GLASSBOX_SHUTDOWN_TIMEOUT_MS', 0, MAX_TIMER_MS)],
    rule: rules.integer(0, MAX_TIMER_MS),
    default: 5000,
    description:
      'milliseconds `glassbox.shutdown()`, and the flush when the process exits or gets a signal, wait for the exporters before giving up',
  },
  enabled: {
    env: [
      bool('GLASSBOX_ENABLED'),
      {
        name: 'OTEL_SDK_DISABLED',
        expected: BOOL_TEXT,
        note: '`true` turns it off',
        parse: (text) => (text.toLowerCase() === 'true' ? false : SKIP),
      },
    ],
    rule: rules.boolean(),
    default: true,
    description: '`false`: every traced function is a plain call',
  },
  prices: {
    env: [],
    rule: PRICES_RULE,
    default: {},
    defaultText: 'bundled table',
    description:
      'model prices (USD per million tokens) by `provider/model` or `model`, used before the bundled table; `false`: no cost attributes (see [cost](adapters.md#cost))',
  },
  'budget.perTraceUsd': {
    env: [usd('GLASSBOX_BUDGET_PER_TRACE_USD')],
    rule: rules.number(0),
    default: undefined,
    defaultText: '–',
    description:
      'USD; a trace whose LLM calls cost more gets `glassbox.trace.over_budget = true` on its root span, and a warning',
  },
};

/** Parses an env boolean: true/1/yes/on or false/0/no/off, any case; `undefined` for anything else. */
export function parseBoolEnv(raw: string): boolean | undefined {
  switch (raw.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
    case 'on':
      return true;
    case 'false':
    case '0':
    case 'no':
    case 'off':
      return false;
    default:
      return undefined;
  }
}

/** Parses `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`, values percent-encoded). */
export function parseResourceAttributes(raw: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return out;
}

function bool(name: string): EnvVar<boolean> {
  return { name, expected: BOOL_TEXT, parse: parseBoolEnv };
}

function int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): EnvVar<number> {
  const expected = max < Number.MAX_SAFE_INTEGER ? `an integer in [${min}, ${max}]` : `an integer >= ${min}`;
  return {
    name,
    expected,
    parse(text) {
      if (!DIGITS.test(text)) return undefined;
      const n = Number(text);
      return n >= min && n <= max ? n : undefined;
    },
  };
}

function usd(name: string): EnvVar<number> {
  return {
    name,
    expected: 'a number >= 0 (USD)',
    parse(text) {
      const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
      return Number.isFinite(n) ? n : undefined;
    },
  };
}

function choice<T extends string>(name: string, values: readonly T[]): EnvVar<T> {
  const quoted = values.map((v) => `'${v}'`);
  const expected = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
  return {
    name,
    expected,
    parse(text) {
      const v = text.toLowerCase() as T;
      return values.includes(v) ? v : undefined;
    },
  };
}
