import type { ConfigIssue } from '@glassbox/core';
import type { Found, OtlpPreset, PickSetting } from './otlp-options.js';
import { checkHttpUrl, withTracesPath } from './otlp-url.js';

// Backend presets for `resolveOtlpConfig`.

const LANGFUSE_PATH = 'api/public/otel/v1/traces';

/** What a preset adds to the resolved settings. */
export interface PresetConfig {
  /** From the preset's own option or env var; beats the generic OTEL_* endpoint. */
  url?: Found;
  /** Used only when nothing else names an endpoint. */
  defaultUrl?: string;
  headers: Record<string, string>;
  resourceAttributes: Record<string, string>;
}

/** Works out a preset's endpoint, headers and resource attributes, recording each missing credential as an issue. */
export function resolvePreset(
  preset: OtlpPreset,
  pick: PickSetting,
  userHeaders: Record<string, string>,
  issues: ConfigIssue[],
): PresetConfig {
  const headers: Record<string, string> = {};
  const resourceAttributes: Record<string, string> = {};
  switch (preset) {
    case 'jaeger':
      return { defaultUrl: 'http://localhost:4318/v1/traces', headers, resourceAttributes };
    case 'phoenix': {
      const base = pick('baseUrl', 'PHOENIX_COLLECTOR_ENDPOINT');
      // PHOENIX_COLLECTOR_ENDPOINT is documented both as the server root and as the full traces URL.
      const url =
        base && checkHttpUrl(base, 'baseUrl', issues) ? withTracesPath(base, 'v1/traces') : undefined;
      const apiKey = pick('apiKey', 'PHOENIX_API_KEY');
      if (apiKey) headers.authorization = `Bearer ${apiKey.value}`;
      else if (!userHeaders.authorization && url && isPhoenixCloud(url.value)) {
        issues.push(missing('apiKey', 'PHOENIX_API_KEY', 'Phoenix Cloud needs an API key'));
      }
      const project = pick('projectName', 'PHOENIX_PROJECT_NAME');
      if (project) {
        // Phoenix >= 15.5 routes by this header; older servers read the resource attribute.
        headers['x-project-name'] = project.value;
        resourceAttributes['openinference.project.name'] = project.value;
      }
      return { url, defaultUrl: 'http://localhost:6006/v1/traces', headers, resourceAttributes };
    }
    case 'langfuse': {
      const base = pick('baseUrl', 'LANGFUSE_BASE_URL', 'LANGFUSE_HOST');
      const url =
        base && checkHttpUrl(base, 'baseUrl', issues) ? withTracesPath(base, LANGFUSE_PATH) : undefined;
      if (!userHeaders.authorization) {
        const publicKey = pick('publicKey', 'LANGFUSE_PUBLIC_KEY');
        const secretKey = pick('secretKey', 'LANGFUSE_SECRET_KEY');
        if (!publicKey)
          issues.push(missing('publicKey', 'LANGFUSE_PUBLIC_KEY', 'Langfuse needs a public key'));
        if (!secretKey)
          issues.push(missing('secretKey', 'LANGFUSE_SECRET_KEY', 'Langfuse needs a secret key'));
        if (publicKey && secretKey) {
          const token = Buffer.from(`${publicKey.value}:${secretKey.value}`).toString('base64');
          headers.authorization = `Basic ${token}`;
        }
      }
      // Langfuse asks direct OTLP senders for this header to get real-time ingestion.
      headers['x-langfuse-ingestion-version'] = '4';
      return { url, defaultUrl: `https://cloud.langfuse.com/${LANGFUSE_PATH}`, headers, resourceAttributes };
    }
    case 'mlflow': {
      const base = pick('baseUrl', 'MLFLOW_TRACKING_URI');
      const url =
        base && checkHttpUrl(base, 'baseUrl', issues, 'the http(s) URL of an MLflow tracking server')
          ? withTracesPath(base, 'v1/traces')
          : undefined;
      const experiment = pick('experimentId', 'MLFLOW_EXPERIMENT_ID');
      if (experiment) headers['x-mlflow-experiment-id'] = experiment.value;
      else if (!userHeaders['x-mlflow-experiment-id']) {
        issues.push(
          missing(
            'experimentId',
            'MLFLOW_EXPERIMENT_ID',
            'MLflow needs the experiment that receives the traces',
          ),
        );
      }
      // `mlflow server` listens on port 5000 by default.
      return { url, defaultUrl: 'http://localhost:5000/v1/traces', headers, resourceAttributes };
    }
  }
}

function isPhoenixCloud(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'arize.com' || host.endsWith('.arize.com');
}

function missing(option: string, envVar: string, what: string): ConfigIssue {
  return { option, envVar, message: `${what}: pass \`${option}\` or set ${envVar}` };
}
