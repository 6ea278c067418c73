/// <reference lib="dom" />
// Hash routes, so the page works from any path and a link to a trace or span can be shared:
// `#/` (the list, filters in the query: `#/?service=api&status=error`), `#/trace/<id>`, `#/trace/<id>/<span>`.
import { FILTER_KEYS, type FilterKey } from '../shared/trace-filters.js';

/** One filter name (the API's query parameter). */
export type { FilterKey };

/** Filter values by name (absent = no filter). */
export type Filters = Partial<Record<FilterKey, string>>;

/** Where the page is. */
export type Route =
  | { page: 'list'; filters: Filters }
  | { page: 'trace'; traceId: string; spanId?: string; filters: Filters };

const ID = /^[0-9a-fA-F]{1,32}$/;

/** Reads a route from a location hash. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') filters[key] = value;
  }
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'trace' && parts[1] !== undefined && ID.test(parts[1])) {
    const spanId = parts[2] !== undefined && ID.test(parts[2]) ? parts[2] : undefined;
    return spanId
      ? { page: 'trace', traceId: parts[1], spanId, filters }
      : { page: 'trace', traceId: parts[1], filters };
  }
  return { page: 'list', filters };
}

/** The query string of filters (no leading `?`), in a stable order. */
export function filterQuery(filters: Filters): string {
  const q = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== '') q.set(key, value);
  }
  return q.toString();
}

/** The hash of a route. */
export function formatHash(route: Route): string {
  const q = filterQuery(route.filters);
  const suffix = q === '' ? '' : `?${q}`;
  if (route.page === 'list') return `#/${suffix}`;
  return `#/trace/${route.traceId}${route.spanId ? `/${route.spanId}` : ''}${suffix}`;
}

/** Goes to a route (a new history entry, so Back works). */
export function navigate(route: Route): void {
  const hash = formatHash(route);
  if (location.hash !== hash) location.hash = hash;
}

/** Calls `onRoute` now and on every hash change. */
export function startRouter(onRoute: (route: Route) => void): void {
  window.addEventListener('hashchange', () => onRoute(parseHash(location.hash)));
  onRoute(parseHash(location.hash));
}
