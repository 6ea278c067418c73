// Shared by the server (which reads these parameters) and the page (which writes them): no node or DOM
// imports here, so the page's bundle can include it.

/** The filters of the trace list, named as the query parameters of `GET /api/traces`. */
export const FILTER_KEYS = [
  'service',
  'name',
  'status',
  'type',
  'minMs',
  'maxMs',
  'session',
  'user',
  'tag',
  'flagged',
  'feedback',
  'q',
] as const;

/** One filter name. */
export type FilterKey = (typeof FILTER_KEYS)[number];

/** Every query parameter of `GET /api/traces` (and the dataset export): the filters, paging and the token. */
export const TRACE_PARAMS = [...FILTER_KEYS, 'limit', 'cursor', 'token'] as const;
