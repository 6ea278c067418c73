import { describe, expect, it } from 'vitest';
import { GlassboxConfigError, resolveConfig } from './index.js';

describe('resolveConfig: argument > env var > default', () => {
  it('uses defaults with no options and no env', () => {
    const c = resolveConfig({}, {});
    expect(c).toMatchObject({
      exportMode: 'batch',
      sampleRatio: 1,
      captureContent: true,
      maxValueLength: 16384,
      logLevel: 'warn',
      enabled: true,
      batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMs: 1000, exportTimeoutMs: 30000 },
    });
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
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BSP_EXPORT_TIMEOUT: '1000',
        OTEL_SDK_DISABLED: 'true',
      },
    );
    expect(c.serviceName).toBe('svc');
    expect(c.resourceAttributes).toEqual({ team: 'ai', region: 'eu-west' });
    expect(c.exportMode).toBe('immediate');
    expect(c.sampleRatio).toBe(0.25);
    expect(c.captureContent).toBe(false);
    expect(c.maxValueLength).toBe(4096);
    expect(c.logLevel).toBe('debug');
    // A batch larger than the queue is clamped to it.
    expect(c.batch).toEqual({
      maxQueueSize: 100,
      maxExportBatchSize: 100,
      scheduledDelayMs: 50,
      exportTimeoutMs: 1000,
    });
    expect(c.enabled).toBe(false);
  });

  it('GLASSBOX_CAPTURE_CONTENT wins over the OpenTelemetry switch; arguments win over both', () => {
    const env = {
      GLASSBOX_CAPTURE_CONTENT: 'true',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
    };
    expect(resolveConfig({}, env).captureContent).toBe(true);
    expect(resolveConfig({ captureContent: false }, env).captureContent).toBe(false);
    expect(resolveConfig({ serviceName: 'arg' }, { OTEL_SERVICE_NAME: 'env' }).serviceName).toBe('arg');
    expect(resolveConfig({ sampleRatio: 1 }, { OTEL_TRACES_SAMPLER: 'always_off' }).sampleRatio).toBe(1);
    expect(resolveConfig({}, { OTEL_TRACES_SAMPLER: 'always_off' }).sampleRatio).toBe(0);
  });

  it('a bad env value throws naming the option and the env var', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ GLASSBOX_EXPORT_MODE: 'fast' }, /`exportMode` \(env GLASSBOX_EXPORT_MODE\)/],
      [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /`sampleRatio` \(env OTEL_TRACES_SAMPLER\)/],
      [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG/],
      [{ GLASSBOX_CAPTURE_CONTENT: 'maybe' }, /`captureContent` \(env GLASSBOX_CAPTURE_CONTENT\)/],
      [{ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '-1' }, /maxValueLength/],
      [{ OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, /OTEL_RESOURCE_ATTRIBUTES/],
      [{ OTEL_BSP_MAX_QUEUE_SIZE: '0' }, /batch\.maxQueueSize.*OTEL_BSP_MAX_QUEUE_SIZE/],
      [{ GLASSBOX_ENABLED: 'perhaps' }, /GLASSBOX_ENABLED/],
    ];
    for (const [env, message] of bad) {
      expect(() => resolveConfig({}, env)).toThrow(GlassboxConfigError);
      expect(() => resolveConfig({}, env)).toThrow(message);
    }
  });

  it('reports several problems at once', () => {
    try {
      resolveConfig({ sampleRatio: -1, logLevel: 'x' as any }, {});
      throw new Error('expected a throw');
    } catch (error) {
      expect((error as GlassboxConfigError).issues.map((i) => i.option).sort()).toEqual([
        'logLevel',
        'sampleRatio',
      ]);
    }
  });

  it('validates redact options', () => {
    expect(() => resolveConfig({ redact: { keys: [42 as any] } }, {})).toThrow(/redact\.keys/);
    expect(resolveConfig({ redact: false }, {}).redact).toBe(false);
  });
});
