// The three real servers of the backend suite (and of tools/backends/screenshots.ts), each installed
// if needed (tools/backends/install.sh), on free loopback ports, its data in its temporary directory,
// no telemetry: Jaeger v2 v1.75.0 with in-memory storage, Arize Phoenix 20.26.1 on SQLite, MLflow
// 3.18.0 on SQLite with an experiment to export into.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  answers,
  type Backend,
  ensureInstalled,
  fetchJson,
  freePort,
  startBackend,
  tempDir,
} from './backend-process.js';

/** A started Jaeger. */
export interface JaegerServer {
  server: Backend;
  /** Its query API (what the UI reads). */
  queryUrl: string;
  /** Its OTLP/HTTP receiver. */
  otlpUrl: string;
}

/** Installs Jaeger if needed and starts it, with in-memory storage. */
export async function startJaeger(): Promise<JaegerServer> {
  const binary = await ensureInstalled('jaeger', 18 * 60_000);
  const [otlpPort, queryPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const dir = tempDir('jaeger');
  writeFileSync(join(dir, 'config.yaml'), jaegerConfig(otlpPort, queryPort, grpcPort));
  const queryUrl = `http://127.0.0.1:${queryPort}`;
  const otlpUrl = `http://127.0.0.1:${otlpPort}`;
  const server = await startBackend({
    name: 'jaeger',
    command: binary,
    args: ['--config', join(dir, 'config.yaml')],
    dir,
    ready: async () => (await answers(`${queryUrl}/api/services`)) && (await answers(`${otlpUrl}/`)),
    timeoutMs: 60_000,
  });
  return { server, queryUrl, otlpUrl };
}

function jaegerConfig(otlpPort: number, queryPort: number, grpcPort: number): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: info
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 10000
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${queryPort}
    grpc:
      endpoint: 127.0.0.1:${grpcPort}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

/** A started Phoenix. */
export interface PhoenixServer {
  server: Backend;
  /** Its UI, REST API and OTLP/HTTP receiver. */
  baseUrl: string;
}

/** Installs Phoenix if needed and starts it, waiting up to `timeoutMs` for it to answer. */
export async function startPhoenix(timeoutMs: number): Promise<PhoenixServer> {
  const python = await ensureInstalled('phoenix', 15 * 60_000);
  const [port, grpcPort] = [await freePort(), await freePort()];
  const dir = tempDir('phoenix');
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startBackend({
    name: 'phoenix',
    command: python,
    args: ['-m', 'phoenix.server.main', 'serve'],
    dir,
    env: {
      PHOENIX_HOST: '127.0.0.1',
      PHOENIX_PORT: String(port),
      PHOENIX_GRPC_PORT: String(grpcPort),
      PHOENIX_WORKING_DIR: dir,
      PHOENIX_TELEMETRY_ENABLED: 'false',
    },
    ready: () => answers(`${baseUrl}/healthz`),
    timeoutMs,
  });
  return { server, baseUrl };
}

/** A started MLflow and the experiment created in it. */
export interface MlflowServer {
  server: Backend;
  /** Its UI, REST API and OTLP/HTTP receiver. */
  baseUrl: string;
  experimentId: string;
}

/** Installs MLflow if needed, starts it (waiting up to `timeoutMs`) and creates the experiment `glassbox-demo`. */
export async function startMlflow(timeoutMs: number): Promise<MlflowServer> {
  const python = await ensureInstalled('mlflow', 15 * 60_000);
  const port = await freePort();
  const dir = tempDir('mlflow');
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startBackend({
    name: 'mlflow',
    command: python,
    args: [
      ...['-m', 'mlflow', 'server', '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
      ...['--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`],
      ...['--default-artifact-root', join(dir, 'artifacts')],
    ],
    dir,
    env: { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' },
    ready: () => answers(`${baseUrl}/health`),
    timeoutMs,
  });
  try {
    const created = await fetchJson<{ experiment_id: string }>(
      `${baseUrl}/api/2.0/mlflow/experiments/create`,
      { method: 'POST', body: JSON.stringify({ name: 'glassbox-demo' }) },
    );
    return { server, baseUrl, experimentId: created.experiment_id };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
