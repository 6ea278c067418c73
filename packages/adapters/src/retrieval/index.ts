export type { RetrievedDocument } from './normalize-documents.js';
export { normalizeDocument } from './normalize-documents.js';
export type { TraceRetrieverOptions } from './trace-retriever.js';
export { traceRetriever } from './trace-retriever.js';
