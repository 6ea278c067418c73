import type { ConfigIssue } from '@glassbox/core';
import type { Found } from './otlp-options.js';

// URL helpers shared by the config resolver and the presets, and the issue they report with.

/** An issue that names the env var when the bad value came from one. */
export function issue(option: string, found: Found, message: string): ConfigIssue {
  return found.envVar ? { option, envVar: found.envVar, message } : { option, message };
}

/** Records an issue unless the value is an http(s) URL. */
export function checkHttpUrl(
  found: Found,
  option: string,
  issues: ConfigIssue[],
  expected = 'an http(s) URL',
): boolean {
  const ok = isHttpUrl(found.value);
  if (!ok) issues.push(issue(option, found, `expected ${expected}, got '${found.value}'`));
  return ok;
}

/** Whether a string is an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const protocol = new URL(value).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Joins a base URL and a path with exactly one slash. */
export function appendPath(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
}

/** A base URL with `path` appended, unless it already ends with it (trailing slashes ignored). */
export function withTracesPath(base: Found, path: string): Found {
  const trimmed = base.value.replace(/\/+$/, '');
  const value = trimmed.endsWith(`/${path}`) ? trimmed : appendPath(trimmed, path);
  return { value, envVar: base.envVar };
}
