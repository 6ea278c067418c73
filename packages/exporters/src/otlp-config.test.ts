import { GlassboxConfigError } from '@glassbox/core';
import { describe, expect, it } from 'vitest';
import { resolveOtlpConfig } from './otlp-config.js';
import type { OtlpExporterOptions } from './otlp-options.js';

function configError(options: OtlpExporterOptions, env: Record<string, string> = {}): GlassboxConfigError {
  try {
    resolveOtlpConfig(options, env);
  } catch (error) {
    expect(GlassboxConfigError.isInstance(error)).toBe(true);
    return error as GlassboxConfigError;
  }
  throw new Error('expected a GlassboxConfigError');
}

describe('resolveOtlpConfig: standard settings', () => {
  it('defaults to protobuf on localhost:4318 with no compression and a 10 s budget', () => {
    expect(resolveOtlpConfig({}, {})).toEqual({
      url: 'http://localhost:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      timeoutMs: 10_000,
      shutdownTimeoutMs: 1000,
      compression: 'none',
      resourceAttributes: {},
    });
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT and uses the TRACES_ variant as-is', () => {
    expect(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).url).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://x.io/otlp/' }).url).toBe(
      'https://x.io/otlp/v1/traces',
    );
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/custom',
    };
    expect(resolveOtlpConfig({}, env).url).toBe('http://b/custom');
  });

  it('resolves argument > traces env > generic env > default for every setting', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-a=generic,x-b=generic',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'X-B=traces,x-enc=a%20b%3Dc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
    };
    expect(resolveOtlpConfig({}, env)).toMatchObject({
      url: 'http://env:4318/v1/traces',
      protocol: 'http/json',
      timeoutMs: 3000,
      compression: 'gzip',
      headers: { 'x-a': 'generic', 'x-b': 'traces', 'x-enc': 'a b=c' },
    });
    const args: OtlpExporterOptions = {
      endpoint: 'http://arg/v1/traces',
      protocol: 'http/protobuf',
      timeoutMs: 500,
      compression: 'none',
      headers: { 'X-A': 'arg' },
    };
    expect(resolveOtlpConfig(args, env)).toMatchObject({
      url: 'http://arg/v1/traces',
      protocol: 'http/protobuf',
      timeoutMs: 500,
      compression: 'none',
      headers: { 'x-a': 'arg', 'x-b': 'traces' },
    });
  });

  it('treats empty env vars as unset', () => {
    expect(
      resolveOtlpConfig({}, { OTEL_EXPORTER_OTLP_PROTOCOL: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: '' }).url,
    ).toBe('http://localhost:4318/v1/traces');
  });

  it('names the option and the env var for each bad value, all in one error', () => {
    const error = configError(
      {},
      {
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TIMEOUT: '-5',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url',
        OTEL_EXPORTER_OTLP_HEADERS: 'novalue',
      },
    );
    expect(error.issues.map((i) => [i.option, i.envVar])).toEqual([
      ['protocol', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
      ['compression', 'OTEL_EXPORTER_OTLP_COMPRESSION'],
      ['timeoutMs', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
      ['headers', 'OTEL_EXPORTER_OTLP_HEADERS'],
      ['endpoint', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    ]);
    expect(error.message).toContain('gRPC is not supported');
    expect(error.message).toContain('`timeoutMs` (env OTEL_EXPORTER_OTLP_TIMEOUT)');
  });

  it('rejects bad arguments without blaming an env var', () => {
    const error = configError({ protocol: 'http/xml' as never, timeoutMs: 0, endpoint: 'ftp://x/v1/traces' });
    expect(error.issues.map((i) => [i.option, i.envVar])).toEqual([
      ['protocol', undefined],
      ['timeoutMs', undefined],
      ['endpoint', undefined],
    ]);
    expect(configError({ preset: 'zipkin' as never }).issues[0]?.option).toBe('preset');
    expect(configError({ publicKey: 'pk' }).message).toContain("only applies to preset 'langfuse'");
  });

  it('takes shutdownTimeoutMs (default 1000, 0 allowed) and rejects a negative or non-numeric one', () => {
    expect(resolveOtlpConfig({ shutdownTimeoutMs: 250 }, {}).shutdownTimeoutMs).toBe(250);
    expect(resolveOtlpConfig({ shutdownTimeoutMs: 0 }, {}).shutdownTimeoutMs).toBe(0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '500' as never]) {
      expect(configError({ shutdownTimeoutMs: bad }).issues).toEqual([
        expect.objectContaining({ option: 'shutdownTimeoutMs' }),
      ]);
    }
  });
});

describe('resolveOtlpConfig: presets', () => {
  it('jaeger: localhost:4318, still overridable by OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(resolveOtlpConfig({ preset: 'jaeger' }, {}).url).toBe('http://localhost:4318/v1/traces');
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger.internal:4318' };
    expect(resolveOtlpConfig({ preset: 'jaeger' }, env).url).toBe('http://jaeger.internal:4318/v1/traces');
  });

  it('phoenix: local default, collector endpoint as root or full URL, bearer key, project header and resource', () => {
    expect(resolveOtlpConfig({ preset: 'phoenix' }, {})).toMatchObject({
      url: 'http://localhost:6006/v1/traces',
      headers: {},
      resourceAttributes: {},
    });
    const env = {
      PHOENIX_COLLECTOR_ENDPOINT: 'https://phoenix.example.com/',
      PHOENIX_API_KEY: 'phx_key',
      PHOENIX_PROJECT_NAME: 'support-bot',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
    };
    expect(resolveOtlpConfig({ preset: 'phoenix' }, env)).toMatchObject({
      url: 'https://phoenix.example.com/v1/traces',
      headers: { authorization: 'Bearer phx_key', 'x-project-name': 'support-bot' },
      resourceAttributes: { 'openinference.project.name': 'support-bot' },
    });
    const full = { PHOENIX_COLLECTOR_ENDPOINT: 'https://phoenix.example.com/v1/traces' };
    expect(resolveOtlpConfig({ preset: 'phoenix', projectName: 'arg' }, full)).toMatchObject({
      url: 'https://phoenix.example.com/v1/traces',
      headers: { 'x-project-name': 'arg' },
    });
  });

  it('phoenix: Phoenix Cloud without a key names PHOENIX_API_KEY', () => {
    const error = configError({ preset: 'phoenix', baseUrl: 'https://app.phoenix.arize.com/s/me' });
    expect(error.issues).toEqual([expect.objectContaining({ option: 'apiKey', envVar: 'PHOENIX_API_KEY' })]);
  });

  it('langfuse: cloud default, LANGFUSE_BASE_URL over LANGFUSE_HOST, Basic auth and ingestion header', () => {
    const keys = { LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LANGFUSE_SECRET_KEY: 'sk-lf-2' };
    const basic = `Basic ${Buffer.from('pk-lf-1:sk-lf-2').toString('base64')}`;
    expect(resolveOtlpConfig({ preset: 'langfuse' }, keys)).toMatchObject({
      url: 'https://cloud.langfuse.com/api/public/otel/v1/traces',
      headers: { authorization: basic, 'x-langfuse-ingestion-version': '4' },
    });
    const hosts = {
      ...keys,
      LANGFUSE_HOST: 'https://old.example',
      LANGFUSE_BASE_URL: 'http://localhost:3000/',
    };
    expect(resolveOtlpConfig({ preset: 'langfuse' }, hosts).url).toBe(
      'http://localhost:3000/api/public/otel/v1/traces',
    );
    const fromArgs = resolveOtlpConfig({ preset: 'langfuse', publicKey: 'a', secretKey: 'b' }, {});
    expect(fromArgs.headers.authorization).toBe(`Basic ${Buffer.from('a:b').toString('base64')}`);
  });

  it('langfuse: missing keys name both env vars, unless an authorization header is given', () => {
    const error = configError({ preset: 'langfuse' });
    expect(error.issues.map((i) => i.envVar)).toEqual(['LANGFUSE_PUBLIC_KEY', 'LANGFUSE_SECRET_KEY']);
    const env = { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic abc==' };
    expect(resolveOtlpConfig({ preset: 'langfuse' }, env).headers.authorization).toBe('Basic abc==');
  });

  it('mlflow: tracking URI + /v1/traces and the experiment header; missing or non-HTTP values are named', () => {
    const env = { MLFLOW_TRACKING_URI: 'http://mlflow:5000', MLFLOW_EXPERIMENT_ID: '42' };
    expect(resolveOtlpConfig({ preset: 'mlflow' }, env)).toMatchObject({
      url: 'http://mlflow:5000/v1/traces',
      headers: { 'x-mlflow-experiment-id': '42' },
    });
    expect(resolveOtlpConfig({ preset: 'mlflow', experimentId: '7' }, {}).url).toBe(
      'http://localhost:5000/v1/traces',
    );
    expect(configError({ preset: 'mlflow' }).issues).toEqual([
      expect.objectContaining({ option: 'experimentId', envVar: 'MLFLOW_EXPERIMENT_ID' }),
    ]);
    const databricks = configError(
      { preset: 'mlflow' },
      { MLFLOW_TRACKING_URI: 'databricks', MLFLOW_EXPERIMENT_ID: '1' },
    );
    expect(databricks.issues).toEqual([
      expect.objectContaining({ option: 'baseUrl', envVar: 'MLFLOW_TRACKING_URI' }),
    ]);
  });
});
