export type { DatasetExample, FeedbackRecord, FeedbackSource } from '@glassbox/evals';
export type { FeedbackInput } from './feedback-input.js';
export type { ImportTraceFileOptions, ImportTraceFileResult } from './import-trace-file.js';
export { importTraceFile } from './import-trace-file.js';
export { StoreInputError, StoreOpenError } from './store-errors.js';
export type { TraceSummary } from './trace-aggregate.js';
export type { TraceQuery } from './trace-query.js';
export type {
  FeedbackPage,
  FeedbackQuery,
  StoreInfo,
  TraceDetail,
  TraceFacets,
  TracePage,
  TraceStoreOptions,
} from './trace-store.js';
export { TraceStore } from './trace-store.js';
