import { diag } from '@opentelemetry/api';

const warned = new Set<string>();

/** Reports an adapter problem once per kind to OpenTelemetry's `diag`, instead of throwing into the app. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  diag.warn(`@glassbox/adapters: ${message}`);
}
