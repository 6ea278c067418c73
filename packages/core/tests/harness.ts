import { InMemoryExporter } from '@glassbox/exporters';
import { context, trace as otelTrace, propagation } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type Glassbox, type InitOptions, init } from '../src/index.js';

/** A standalone Glassbox set up for one test file: immediate export into an in-memory exporter. */
export function setupGlassbox(options: InitOptions = {}): {
  exporter: InMemoryExporter;
  glassbox: Glassbox;
  spans: () => Promise<ReadableSpan[]>;
  span: (name: string) => Promise<ReadableSpan>;
} {
  const exporter = new InMemoryExporter();
  const glassbox = init({ exporters: [exporter], exportMode: 'immediate', logLevel: 'none', ...options });
  const spans = async () => {
    await glassbox.flush();
    return exporter.spans();
  };
  const span = async (name: string) => {
    const found = (await spans()).find((s) => s.name === name);
    if (!found)
      throw new Error(`no span named ${name}; have: ${(await spans()).map((s) => s.name).join(', ')}`);
    return found;
  };
  return { exporter, glassbox, spans, span };
}

/** The parent span id of a span, or undefined for a root. */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Parses a JSON attribute. */
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
