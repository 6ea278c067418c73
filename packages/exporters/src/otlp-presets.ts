import type { ConfigIssue } from '@glassbox/core';
import type { OtlpExporterOptions, OtlpPreset } from './otlp-config.js';

// Backend presets for `resolveOtlpConfig`, and the URL and issue helpers the two share.

const LANGFUSE_PATH = 'api/public/otel/v1/traces';

/** Where a setting came from: the option itself, or the env var that supplied it. */
export interface Found {
  value: string;
  envVar?: string;
}

/** What a preset adds to the resolved settings. */
export interface PresetConfig {
  /** From the preset's own option or env var; beats the generic OTEL_* endpoint. */
  url?: Found;
  /** Used only when nothing else names an endpoint. */
  defaultUrl?: string;
  headers: Record<string, string>;
  resourceAttributes: Record<string, string>;
}

/** Reads an option, else the first of its env vars that is set. */
export type PickSetting = (option: keyof OtlpExporterOptions, ...envVars: string[]) => Found | undefined;

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

/** An issue that names the env var when the bad value came from one. */
export function issue(option: string, found: Found, message: string): ConfigIssue {
  return found.envVar ? { option, envVar: found.envVar, message } : { option, message };
}

function missing(option: string, envVar: string, what: string): ConfigIssue {
  return { option, envVar, message: `${what}: pass \`${option}\` or set ${envVar}` };
}

/** Records an issue unless the value is an http(s) URL. */
export function checkHttpUrl(
  found: Found,
  option: string,
  issues: ConfigIssue[],
  expected = 'an http(s) URL',
): boolean {
  let ok = false;
  try {
    const protocol = new URL(found.value).protocol;
    ok = protocol === 'http:' || protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) issues.push(issue(option, found, `expected ${expected}, got '${found.value}'`));
  return ok;
}

/** Joins a base URL and a path with exactly one slash. */
export function appendPath(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
}

function withTracesPath(base: Found, path: string): Found {
  const trimmed = base.value.replace(/\/+$/, '');
  const value = trimmed.endsWith(`/${path}`) ? trimmed : appendPath(trimmed, path);
  return { value, envVar: base.envVar };
}
