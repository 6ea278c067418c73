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
      conventions: 'glassbox',
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
      ['otlpExporter.protocol', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
      ['otlpExporter.compression', 'OTEL_EXPORTER_OTLP_COMPRESSION'],
      ['otlpExporter.timeoutMs', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
      ['otlpExporter.headers', 'OTEL_EXPORTER_OTLP_HEADERS'],
      ['otlpExporter.endpoint', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    ]);
    expect(error.message).toContain('gRPC is not supported');
    expect(error.message).toContain('`otlpExporter.timeoutMs` (env OTEL_EXPORTER_OTLP_TIMEOUT)');
  });

  it('rejects bad arguments without blaming an env var', () => {
    const error = configError({ protocol: 'http/xml' as never, timeoutMs: 0, endpoint: 'ftp://x/v1/traces' });
    expect(error.issues.map((i) => [i.option, i.envVar])).toEqual([
      ['otlpExporter.protocol', undefined],
      ['otlpExporter.timeoutMs', undefined],
      ['otlpExporter.endpoint', undefined],
    ]);
    expect(configError({ protocol: 'grpc' as never }).message).toContain('gRPC is not supported');
    expect(configError({ preset: 'zipkin' as never }).issues[0]?.option).toBe('otlpExporter.preset');
    expect(configError({ publicKey: 'pk' }).message).toContain("only applies to preset 'langfuse'");
  });

  it('takes shutdownTimeoutMs (default 1000, 0 allowed) and rejects a negative or non-numeric one', () => {
    expect(resolveOtlpConfig({ shutdownTimeoutMs: 250 }, {}).shutdownTimeoutMs).toBe(250);
    expect(resolveOtlpConfig({ shutdownTimeoutMs: 0 }, {}).shutdownTimeoutMs).toBe(0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '500' as never]) {
      expect(configError({ shutdownTimeoutMs: bad }).issues).toEqual([
        expect.objectContaining({ option: 'otlpExporter.shutdownTimeoutMs' }),
      ]);
    }
  });
});

describe('resolveOtlpConfig: the options object', () => {
  it("takes `url`, OpenTelemetry's name for `endpoint`, with the same meaning", () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env/v1/traces' };
    expect(resolveOtlpConfig({ url: 'http://127.0.0.1:4319/v1/traces' }, env).url).toBe(
      'http://127.0.0.1:4319/v1/traces',
    );
    const same = 'http://collector:4318/v1/traces';
    expect(resolveOtlpConfig({ url: same, endpoint: same }, {}).url).toBe(same);
    const error = configError({ url: 'http://a/v1/traces', endpoint: 'http://b/v1/traces' });
    expect(error.issues).toEqual([expect.objectContaining({ option: 'otlpExporter.url' })]);
    expect(error.message).toContain("'http://a/v1/traces' and 'http://b/v1/traces'");
    expect(configError({ url: 'localhost:4318' }).issues).toEqual([
      { option: 'otlpExporter.url', message: 'expected an http(s) URL, got the string "localhost:4318"' },
    ]);
  });

  it('refuses unknown options with the known ones and a suggestion, and names wrong types', () => {
    const error = configError({ headrs: { a: 'b' } } as never);
    expect(error.message).toBe(
      'Glassbox: invalid option `otlpExporter.headrs`: unknown option (known: preset, conventions, endpoint, url, ' +
        'protocol, headers, timeoutMs, shutdownTimeoutMs, compression, baseUrl, apiKey, projectName, ' +
        'publicKey, secretKey, experimentId); did you mean `headers`?',
    );
    // OpenTelemetry's own spelling of an option gets pointed at ours.
    expect(configError({ timeoutMillis: 500 } as never).message).toContain(
      "did you mean `timeoutMs` (OpenTelemetry's `timeoutMillis`)?",
    );
    expect(configError({ headers: { 'x-a': 1 } } as never, {}).issues).toEqual([
      { option: 'otlpExporter.headers.x-a', message: 'expected a string, got 1' },
    ]);
    // An empty string is not "unset": it would send spans to the default endpoint without a word.
    expect(configError({ endpoint: '' }).issues[0]?.option).toBe('otlpExporter.endpoint');
    expect(
      configError({ timeoutMs: '500' as never, apiKey: 7 as never }).issues.map((i) => i.option),
    ).toEqual(['otlpExporter.timeoutMs', 'otlpExporter.apiKey']);
    expect(() => resolveOtlpConfig(null as never, {})).toThrow(/`otlpExporter`: expected an object/);
  });

  it('names options under the name it is given', () => {
    const error = configError({ publicKey: 'pk' });
    expect(error.issues[0]?.option).toBe('otlpExporter.publicKey');
    expect(() => resolveOtlpConfig({ compresion: 'gzip' } as never, {}, 'OtlpExporter')).toThrow(
      /`OtlpExporter\.compresion`: unknown option .*; did you mean `compression`\?/,
    );
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
    expect(error.issues).toEqual([
      expect.objectContaining({ option: 'otlpExporter.apiKey', envVar: 'PHOENIX_API_KEY' }),
    ]);
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
      expect.objectContaining({ option: 'otlpExporter.experimentId', envVar: 'MLFLOW_EXPERIMENT_ID' }),
    ]);
    const databricks = configError(
      { preset: 'mlflow' },
      { MLFLOW_TRACKING_URI: 'databricks', MLFLOW_EXPERIMENT_ID: '1' },
    );
    expect(databricks.issues).toEqual([
      expect.objectContaining({ option: 'otlpExporter.baseUrl', envVar: 'MLFLOW_TRACKING_URI' }),
    ]);
  });
});
