export type { DecodeTraceRequestOptions, DecodeTraceResult, OtlpFormat } from './decode-trace-request.js';
export { DEFAULT_MAX_BYTES, decodeTraceRequest, otlpFormatOf } from './decode-trace-request.js';
export type { OtlpResponseBody, TracePartialSuccess } from './encode-trace-response.js';
export { encodeStatus, encodeTraceResponse } from './encode-trace-response.js';
export { fromTraceFileSpan } from './from-trace-file-span.js';
export type { OtlpRequestStatus } from './otlp-request-error.js';
export { OtlpRequestError } from './otlp-request-error.js';
