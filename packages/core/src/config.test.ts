import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  captureContentFromEnv,
  ENV_VARS,
  parseBoolEnv,
  parseResourceAttributes,
  type ResolvedConfig,
  resolveConfig,
} from './config.js';
import { GlassboxConfigError } from './errors.js';
import { CONFIG_TABLE, MAX_TIMER_MS } from './internal/config-table.js';

/** The issues `resolveConfig` throws for these options and env (fails when it does not throw). */
function issuesOf(options: unknown, env: Record<string, string> = {}) {
  try {
    resolveConfig(options, env);
  } catch (error) {
    expect(GlassboxConfigError.isInstance(error)).toBe(true);
    return (error as GlassboxConfigError).issues;
  }
  throw new Error('expected resolveConfig to throw');
}

const noop = () => {};
const exporter = { export: noop, shutdown: async () => {} };

describe('resolveConfig: argument > env var > default', () => {
  it('uses defaults with no options and no env', () => {
    const c = resolveConfig({}, {});
    expect(c).toEqual({
      serviceName: undefined,
      resourceAttributes: {},
      exporters: [],
      spanProcessors: [],
      exportMode: 'batch',
      sampleRatio: 1,
      captureContent: true,
      redact: {},
      maxValueLength: 16384,
      logLevel: 'warn',
      batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMs: 1000, exportTimeoutMs: 30000 },
      shutdownTimeoutMs: 5000,
      enabled: true,
      prices: {},
      budget: { perTraceUsd: undefined },
      warnings: [],
    } satisfies ResolvedConfig);
  });

  it('treats undefined and null options, and undefined values, as absent', () => {
    const defaults = resolveConfig({}, {});
    expect(resolveConfig(undefined, {})).toEqual(defaults);
    expect(resolveConfig(null, {})).toEqual(defaults);
    expect(resolveConfig({ serviceName: undefined, batch: undefined, redact: undefined }, {})).toEqual(
      defaults,
    );
    expect(resolveConfig({ batch: { maxQueueSize: undefined } }, {})).toEqual(defaults);
  });

  it('reads every env var', () => {
    const c = resolveConfig(
      {},
      {
        OTEL_SERVICE_NAME: 'svc',
        OTEL_RESOURCE_ATTRIBUTES: 'team=ai,region=eu%2Dwest',
        GLASSBOX_EXPORT_MODE: 'immediate',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4096',
        GLASSBOX_LOG_LEVEL: 'debug',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BSP_EXPORT_TIMEOUT: '1000',
        GLASSBOX_SHUTDOWN_TIMEOUT_MS: '250',
        OTEL_SDK_DISABLED: 'true',
        GLASSBOX_BUDGET_PER_TRACE_USD: '0.05',
      },
    );
    expect(c).toEqual({
      serviceName: 'svc',
      resourceAttributes: { team: 'ai', region: 'eu-west' },
      exporters: [],
      spanProcessors: [],
      exportMode: 'immediate',
      sampleRatio: 0.25,
      captureContent: false,
      redact: {},
      maxValueLength: 4096,
      logLevel: 'debug',
      batch: { maxQueueSize: 100, maxExportBatchSize: 50, scheduledDelayMs: 50, exportTimeoutMs: 1000 },
      shutdownTimeoutMs: 250,
      enabled: false,
      prices: {},
      budget: { perTraceUsd: 0.05 },
      warnings: [],
    } satisfies ResolvedConfig);
    // Every env var of the table was exercised above, except the ones that lose to another.
    const used = new Set(Object.values(CONFIG_TABLE).flatMap((row) => row.env.map((e) => e.name)));
    expect(used).toEqual(
      new Set([
        'OTEL_SERVICE_NAME',
        'OTEL_RESOURCE_ATTRIBUTES',
        'GLASSBOX_EXPORT_MODE',
        'OTEL_TRACES_SAMPLER',
        'OTEL_TRACES_SAMPLER_ARG',
        'GLASSBOX_CAPTURE_CONTENT',
        'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
        'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
        'GLASSBOX_LOG_LEVEL',
        'OTEL_BSP_MAX_QUEUE_SIZE',
        'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
        'OTEL_BSP_SCHEDULE_DELAY',
        'OTEL_BSP_EXPORT_TIMEOUT',
        'GLASSBOX_SHUTDOWN_TIMEOUT_MS',
        'GLASSBOX_ENABLED',
        'OTEL_SDK_DISABLED',
        'GLASSBOX_BUDGET_PER_TRACE_USD',
      ]),
    );
  });

  it('lets arguments win over env vars, and trims and ignores empty env values', () => {
    const env = {
      GLASSBOX_CAPTURE_CONTENT: 'true',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
      OTEL_SERVICE_NAME: ' env ',
      GLASSBOX_SHUTDOWN_TIMEOUT_MS: '100',
      GLASSBOX_LOG_LEVEL: '  ',
    };
    expect(resolveConfig({}, env)).toMatchObject({
      captureContent: true,
      serviceName: 'env',
      logLevel: 'warn',
    });
    expect(
      resolveConfig({ captureContent: false, serviceName: 'arg', shutdownTimeoutMs: 0 }, env),
    ).toMatchObject({
      captureContent: false,
      serviceName: 'arg',
      shutdownTimeoutMs: 0,
    });
    // An env var the argument overrides is not read, so its bad value does not matter.
    expect(resolveConfig({ exportMode: 'batch' }, { GLASSBOX_EXPORT_MODE: 'fast' }).exportMode).toBe('batch');
  });

  it('merges resource attributes: the argument keys win over the env var', () => {
    const c = resolveConfig(
      { resourceAttributes: { team: 'arg', n: 1 } },
      { OTEL_RESOURCE_ATTRIBUTES: 'team=env,x=y' },
    );
    expect(c.resourceAttributes).toEqual({ team: 'arg', x: 'y', n: 1 });
  });

  it('copies arrays and objects, so later changes to the options do not reach the config', () => {
    const exporters = [exporter];
    const resourceAttributes = { a: 'b' };
    const c = resolveConfig({ exporters, resourceAttributes }, {});
    exporters.push(exporter);
    resourceAttributes.a = 'changed';
    expect(c.exporters).toHaveLength(1);
    expect(c.resourceAttributes).toEqual({ a: 'b' });
    expect(resolveConfig({}, {}).exporters).not.toBe(resolveConfig({}, {}).exporters);
  });

  it('understands the standard sampler variables', () => {
    const ratio = (env: Record<string, string>, options = {}) => resolveConfig(options, env).sampleRatio;
    expect(ratio({ OTEL_TRACES_SAMPLER: 'always_off' })).toBe(0);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'PARENTBASED_ALWAYS_OFF' })).toBe(0);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toBe(1);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toBe(0.1);
    expect(ratio({ OTEL_TRACES_SAMPLER: 'traceidratio' })).toBe(1);
    expect(ratio({ OTEL_TRACES_SAMPLER_ARG: '0.1' })).toBe(1); // ARG alone: the default sampler
    expect(ratio({ OTEL_TRACES_SAMPLER: 'always_off' }, { sampleRatio: 1 })).toBe(1);
  });

  it('turns tracing off with GLASSBOX_ENABLED, or OTEL_SDK_DISABLED=true only', () => {
    const enabled = (env: Record<string, string>) => resolveConfig({}, env).enabled;
    expect(enabled({ GLASSBOX_ENABLED: 'off' })).toBe(false);
    expect(enabled({ OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
    expect(enabled({ OTEL_SDK_DISABLED: 'false' })).toBe(true);
    expect(enabled({ OTEL_SDK_DISABLED: 'whatever' })).toBe(true); // the spec: only "true" disables
    expect(enabled({ GLASSBOX_ENABLED: 'yes', OTEL_SDK_DISABLED: 'true' })).toBe(true);
  });
});

describe('resolveConfig: errors', () => {
  it('a bad env value throws naming the option and the env var', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [
        { GLASSBOX_EXPORT_MODE: 'fast' },
        /`exportMode` \(env GLASSBOX_EXPORT_MODE\): GLASSBOX_EXPORT_MODE="fast" is not 'batch' or 'immediate'/,
      ],
      [
        { OTEL_TRACES_SAMPLER: 'jaeger_remote' },
        /`sampleRatio` \(env OTEL_TRACES_SAMPLER\).*not a supported sampler/,
      ],
      [
        { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
        /\(env OTEL_TRACES_SAMPLER_ARG\).*in \[0, 1\]/,
      ],
      [{ GLASSBOX_CAPTURE_CONTENT: 'maybe' }, /`captureContent` \(env GLASSBOX_CAPTURE_CONTENT\)/],
      [{ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '-1' }, /maxValueLength.*>= 64/],
      [{ OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, /OTEL_RESOURCE_ATTRIBUTES/],
      [{ OTEL_BSP_MAX_QUEUE_SIZE: '0' }, /batch\.maxQueueSize.*OTEL_BSP_MAX_QUEUE_SIZE/],
      [{ OTEL_BSP_SCHEDULE_DELAY: '1e3' }, /batch\.scheduledDelayMs.*OTEL_BSP_SCHEDULE_DELAY/],
      [{ GLASSBOX_ENABLED: 'perhaps' }, /GLASSBOX_ENABLED/],
      [{ GLASSBOX_SHUTDOWN_TIMEOUT_MS: '-1' }, /`shutdownTimeoutMs` \(env GLASSBOX_SHUTDOWN_TIMEOUT_MS\)/],
      [{ GLASSBOX_SHUTDOWN_TIMEOUT_MS: '2.5' }, /GLASSBOX_SHUTDOWN_TIMEOUT_MS="2.5" is not an integer/],
      [{ GLASSBOX_SHUTDOWN_TIMEOUT_MS: String(MAX_TIMER_MS + 1) }, /GLASSBOX_SHUTDOWN_TIMEOUT_MS/],
    ];
    for (const [env, message] of bad) {
      expect(() => resolveConfig({}, env)).toThrow(GlassboxConfigError);
      expect(() => resolveConfig({}, env)).toThrow(message);
    }
  });

  it('a bad argument names the option, its env vars, what was expected and what was given', () => {
    expect(issuesOf({ sampleRatio: 2 })).toEqual([
      {
        option: 'sampleRatio',
        envVar: 'OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG',
        message: 'expected a number in [0, 1], got 2',
      },
    ]);
    expect(issuesOf({ maxValueLength: '4096' })[0]!.message).toBe(
      'expected an integer >= 64, got the string "4096"',
    );
    expect(issuesOf({ shutdownTimeoutMs: -1 })[0]).toMatchObject({
      option: 'shutdownTimeoutMs',
      envVar: 'GLASSBOX_SHUTDOWN_TIMEOUT_MS',
    });
    expect(issuesOf({ shutdownTimeoutMs: 1.5 })[0]!.message).toMatch(
      /expected an integer in \[0, 2147483647\], got 1.5/,
    );
    expect(issuesOf({ exportMode: 'sometimes' })[0]!.message).toBe(
      "expected 'batch' or 'immediate', got the string \"sometimes\"",
    );
    expect(issuesOf({ exporters: [{}] })[0]).toMatchObject({
      option: 'exporters.0',
      message: expect.stringMatching(
        /expected a SpanExporter .*got an object without export\(\) or shutdown\(\)/,
      ),
    });
    expect(issuesOf({ spanProcessors: [exporter] })[0]!.message).toMatch(
      /without onStart\(\), onEnd\(\) or forceFlush\(\)/,
    );
    expect(issuesOf({ resourceAttributes: { ok: 'x', bad: null } })[0]!.option).toBe(
      'resourceAttributes.bad',
    );
    expect(issuesOf({ batch: 7 })[0]!.message).toMatch(/^expected an object \{ maxQueueSize, .*\}, got 7$/);
    expect(issuesOf(42)[0]).toMatchObject({ option: 'options', message: expect.stringMatching(/got 42$/) });
  });

  it('refuses unknown keys with the full path, the known keys and a near miss', () => {
    expect(issuesOf({ batch: { maxQeueSize: 5 } })).toEqual([
      {
        option: 'batch.maxQeueSize',
        message:
          'unknown option (known: maxQueueSize, maxExportBatchSize, scheduledDelayMs, exportTimeoutMs); did you mean `maxQueueSize`?',
      },
    ]);
    const [typo, casing, far] = issuesOf({ exportMod: 'batch', ServiceName: 'x', colour: 'red' });
    expect(typo).toMatchObject({
      option: 'exportMod',
      message: expect.stringMatching(/did you mean `exportMode`\?$/),
    });
    expect(casing!.message).toMatch(/did you mean `serviceName`\?$/);
    expect(far!.message).toMatch(/^unknown option \(known: serviceName, .*enabled, prices, budget\)$/);
    expect(issuesOf({ redact: { kyes: [] } })[0]).toMatchObject({ option: 'redact.kyes' });
  });

  it('validates redact options down to the item', () => {
    expect(issuesOf({ redact: { keys: ['ok', /ok/, 42] } })).toEqual([
      { option: 'redact.keys.2', message: 'expected a string or a RegExp, got 42' },
    ]);
    expect(issuesOf({ redact: { patterns: ['sk-'] } })[0]!.option).toBe('redact.patterns.0');
    expect(issuesOf({ redact: { replace: 'x' } })[0]!.option).toBe('redact.replace');
    expect(issuesOf({ redact: true })[0]!.message).toBe(
      'expected false or an object { keys, patterns, replace }, got true',
    );
    expect(resolveConfig({ redact: false }, {}).redact).toBe(false);
    const replace = () => 'x';
    expect(resolveConfig({ redact: { keys: [/k/], replace } }, {}).redact).toEqual({ keys: [/k/], replace });
  });

  it('reports every problem at once, from arguments and env vars', () => {
    const issues = issuesOf(
      { sampleRatio: -1, logLevel: 'x', batch: { maxQueueSize: 0 } },
      { GLASSBOX_EXPORT_MODE: 'fast', GLASSBOX_LOG_LEVEL: 'also bad but overridden' },
    );
    expect(issues.map((i) => i.option).sort()).toEqual([
      'batch.maxQueueSize',
      'exportMode',
      'logLevel',
      'sampleRatio',
    ]);
  });
});

describe('resolveConfig: warnings', () => {
  it('lowers maxExportBatchSize to maxQueueSize and says so, with where each value came from', () => {
    const c = resolveConfig({ batch: { maxQueueSize: 100 } }, { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500' });
    expect(c.batch.maxExportBatchSize).toBe(100);
    expect(c.warnings).toEqual([
      'batch.maxExportBatchSize (500, from OTEL_BSP_MAX_EXPORT_BATCH_SIZE) is larger than batch.maxQueueSize (100, from the argument); using 100',
    ]);
    expect(resolveConfig({ batch: { maxExportBatchSize: 4096 } }, {}).warnings[0]).toMatch(
      /\(4096, from the argument\) .* \(2048, from the default\); using 2048$/,
    );
    expect(resolveConfig({ batch: { maxQueueSize: 512 } }, {}).warnings).toEqual([]);
  });
});

describe('env helpers', () => {
  it('parseBoolEnv reads true/1/yes/on and false/0/no/off in any case', () => {
    for (const t of ['true', '1', 'yes', 'on', 'TRUE', ' On ']) expect(parseBoolEnv(t)).toBe(true);
    for (const f of ['false', '0', 'no', 'off', 'False', 'NO']) expect(parseBoolEnv(f)).toBe(false);
    for (const x of ['', 'maybe', '2', 'y', 'enabled']) expect(parseBoolEnv(x)).toBeUndefined();
  });

  it('captureContentFromEnv: GLASSBOX_CAPTURE_CONTENT, then the OpenTelemetry switch, then on; never throws', () => {
    expect(captureContentFromEnv({})).toBe(true);
    expect(captureContentFromEnv({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' })).toBe(
      false,
    );
    expect(
      captureContentFromEnv({
        GLASSBOX_CAPTURE_CONTENT: 'on',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
      }),
    ).toBe(true);
    expect(
      captureContentFromEnv({
        GLASSBOX_CAPTURE_CONTENT: 'maybe',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: '0',
      }),
    ).toBe(false);
    expect(captureContentFromEnv({ GLASSBOX_CAPTURE_CONTENT: 'maybe' })).toBe(true);
  });

  it('parseResourceAttributes decodes pairs and refuses malformed ones', () => {
    expect(parseResourceAttributes('a=1, b = x%20y ,')).toEqual({ a: '1', b: 'x y' });
    expect(parseResourceAttributes('=x')).toBeUndefined();
    expect(parseResourceAttributes('a=%E0%A4%A')).toBeUndefined();
  });

  it('ENV_VARS names the env vars of each option, from the table', () => {
    expect(ENV_VARS).toMatchObject({
      exportMode: 'GLASSBOX_EXPORT_MODE',
      sampleRatio: 'OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG',
      'batch.maxQueueSize': 'OTEL_BSP_MAX_QUEUE_SIZE',
      shutdownTimeoutMs: 'GLASSBOX_SHUTDOWN_TIMEOUT_MS',
    });
    expect(ENV_VARS).not.toHaveProperty('exporters');
  });
});

describe('configuration stays cheap', () => {
  it('resolves without a validation library, in microseconds', () => {
    const core = fileURLToPath(new URL('../', import.meta.url));
    const pkg = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'));
    expect(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })).not.toContain('zod');
    const sources = readdirSync(join(core, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    for (const file of sources)
      expect(readFileSync(join(core, 'src', file), 'utf8'), file).not.toMatch(/from ['"]zod/);

    const options = {
      serviceName: 's',
      exporters: [exporter],
      batch: { maxQueueSize: 100 },
      redact: { keys: ['k'] },
    };
    const env = {
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.5',
      GLASSBOX_LOG_LEVEL: 'info',
    };
    const start = performance.now();
    for (let i = 0; i < 1000; i++) resolveConfig(options, env);
    // About 5 µs a call; the bound only catches an accident (a schema rebuilt per call, say).
    expect(performance.now() - start).toBeLessThan(250);
  });
});
