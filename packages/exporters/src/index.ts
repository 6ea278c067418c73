export type { ConsoleExporterOptions } from './console-exporter.js';
export { ConsoleExporter, consoleExporter } from './console-exporter.js';
export type { InMemoryExporterOptions, TraceTree } from './in-memory-exporter.js';
export { InMemoryExporter } from './in-memory-exporter.js';
export type { JsonFileExporterOptions } from './json-file-exporter.js';
export { JsonFileExporter, jsonFileExporter } from './json-file-exporter.js';
export { OtlpExporter, otlpExporter } from './otlp-exporter.js';
export type {
  OtlpCompression,
  OtlpConventions,
  OtlpExporterOptions,
  OtlpPreset,
  OtlpProtocol,
} from './otlp-options.js';
export type {
  ReadTraceFileOptions,
  TraceFileLineError,
  TraceFileSpan,
  TraceFileValue,
} from './read-trace-file.js';
export { readTraceFile } from './read-trace-file.js';
export type { SpanNode } from './span-tree.js';
