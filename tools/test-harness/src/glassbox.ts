import { type Glassbox, type InitOptions, init } from '@glassbox/core';
import { InMemoryExporter } from '@glassbox/exporters';
import { context, trace as otelTrace, propagation } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';

/** What `setupGlassbox` returns. */
export interface GlassboxSetup {
  exporter: InMemoryExporter;
  glassbox: Glassbox;
  /** Every span exported so far (after a flush). */
  spans: () => Promise<ReadableSpan[]>;
  /** The first exported span of that name; throws, listing the names there are, when there is none. */
  span: (name: string) => Promise<ReadableSpan>;
}

/** A standalone Glassbox set up for one test file: immediate export into an in-memory exporter, silent. */
export function setupGlassbox(options: InitOptions = {}): GlassboxSetup {
  const exporter = new InMemoryExporter();
  const glassbox = init({ exporters: [exporter], exportMode: 'immediate', logLevel: 'none', ...options });
  const spans = async () => {
    await glassbox.flush();
    return exporter.spans();
  };
  const span = async (name: string) => {
    const all = await spans();
    const found = all.find((s) => s.name === name);
    if (!found) throw new Error(`no span named ${name}; have: ${all.map((s) => s.name).join(', ')}`);
    return found;
  };
  return { exporter, glassbox, spans, span };
}

/** The one span named `name` among `all`; the assertion fails, listing the names, when there are 0 or 2+. */
export function onlySpan(all: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = all.filter((s) => s.name === name);
  expect(found, `spans named ${name} among ${all.map((s) => s.name).join(', ')}`).toHaveLength(1);
  return found[0] as ReadableSpan;
}

/** The parent span id of a span, or undefined for a root. */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Parses a JSON attribute; undefined when the attribute is absent or not a string. */
export function jsonAttr(span: ReadableSpan, key: string): unknown {
  const v = span.attributes[key];
  return typeof v === 'string' ? JSON.parse(v) : undefined;
}

/** Removes every global OpenTelemetry registration, so a file can set up another mode. */
export function resetOtelGlobals(): void {
  otelTrace.disable();
  context.disable();
  propagation.disable();
}
