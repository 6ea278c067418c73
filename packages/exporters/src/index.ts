export { InMemoryExporter } from './in-memory-exporter.js';
export type { InMemoryExporterOptions, SpanNode, TraceTree } from './in-memory-exporter.js';
