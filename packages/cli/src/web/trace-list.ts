/// <reference lib="dom" />
// The trace list: newest first, a page at a time (the server pages by keyset: ~1 ms a page at 100,000
// traces for single filters, bench/cli-store.ts), live: traces that get new spans or feedback while the
// page is open are added or refreshed.
import { api, type Facets, type TraceSummary } from './api.js';
import { h, replace } from './dom.js';
import { exportLinks } from './feedback-panel.js';
import { formatCost, formatCount, formatDuration, formatTime, parseJson } from './format.js';
import { filterBar } from './list-filters.js';
import { onLive } from './live.js';
import { type Filters, filterQuery, navigate } from './router.js';
import { typeClass } from './span-meta.js';
import { preview } from './value-view.js';

const PAGE_SIZE = 50;
const EMPTY_FACETS: Facets = { services: [], spanNames: [], spanTypes: [], tags: [] };

function row(t: TraceSummary, filters: Filters, fresh: boolean): HTMLTableRowElement {
  const href = `#/trace/${t.traceId}${filterQuery(filters) ? `?${filterQuery(filters)}` : ''}`;
  const tokens = t.inputTokens + t.outputTokens;
  const tr = h(
    'tr',
    {
      class: `trace-row${t.errorCount > 0 ? ' has-error' : ''}${fresh ? ' fresh' : ''}`,
      'data-trace-id': t.traceId,
    },
    h('td', { class: 'mono nowrap' }, formatTime(t.startMs)),
    h(
      'td',
      { class: 'root-name' },
      h('a', { href }, t.rootName || '(no root span)'),
      h(
        'span',
        { class: 'types' },
        t.spanTypes
          .slice(0, 6)
          .map((type) => h('span', { class: `type-dot ${typeClass(type)}`, title: type })),
      ),
    ),
    h('td', { class: 'nowrap' }, t.serviceName),
    h('td', { class: 'num nowrap' }, formatDuration(t.durationMs)),
    h('td', { class: 'num' }, formatCount(t.spanCount)),
    h(
      'td',
      { class: 'num' },
      t.errorCount > 0 ? h('span', { class: 'badge status-error' }, String(t.errorCount)) : '0',
    ),
    h('td', { class: 'num nowrap' }, tokens > 0 ? formatCount(tokens) : '–'),
    h('td', { class: 'num nowrap' }, formatCost(t.costUsd)),
    h(
      'td',
      { class: 'num' },
      t.feedbackCount > 0 ? h('span', { class: 'badge feedback' }, String(t.feedbackCount)) : '',
    ),
    h(
      'td',
      { class: 'nowrap' },
      t.flagged ? h('span', { class: 'badge flag', title: 'flagged query rewrite' }, '⚠ rewrite') : '',
    ),
    h(
      'td',
      { class: 'preview', title: t.inputPreview ?? '' },
      t.inputPreview ? preview(previewValue(t.inputPreview), 140) : '',
    ),
  );
  tr.addEventListener('click', (e) => {
    if ((e.target as HTMLElement).closest('a')) return;
    location.hash = href;
  });
  return tr;
}

/** Shows the trace list with these filters in `root`; returns the function that stops its live updates. */
export function showTraceList(root: HTMLElement, filters: Filters): () => void {
  const tbody = h('tbody');
  const count = h('span', { class: 'muted count' }, 'loading…');
  const more = h('button', { type: 'button', class: 'load-more', hidden: true }, 'Load more');
  const message = h('div', { class: 'list-message' });
  const bar = h('div', { class: 'filters-box' }, filterBar(EMPTY_FACETS, filters, apply));
  const shown = new Map<string, HTMLTableRowElement>();
  let cursor: string | null = null;
  let disposed = false;

  function apply(next: Filters) {
    navigate({ page: 'list', filters: next });
  }

  replace(
    root,
    h(
      'div',
      { class: 'list-page' },
      bar,
      h('div', { class: 'list-toolbar' }, count, exportLinks(filterQuery(filters))),
      h(
        'table',
        { class: 'traces' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [
              'time',
              'root span',
              'service',
              'duration',
              'spans',
              'errors',
              'tokens',
              'cost',
              'feedback',
              'flags',
              'input',
            ].map((c) =>
              h(
                'th',
                {
                  class: ['duration', 'spans', 'errors', 'tokens', 'cost', 'feedback'].includes(c)
                    ? 'num'
                    : undefined,
                },
                c,
              ),
            ),
          ),
        ),
        tbody,
      ),
      message,
      h('div', { class: 'more-box' }, more),
    ),
  );

  api
    .facets()
    .then((facets) => {
      if (!disposed) replace(bar, filterBar(facets, filters, apply));
    })
    .catch(() => {});

  const setCount = (total: number) => {
    count.textContent = `${formatCount(total)} trace${total === 1 ? '' : 's'}${filterQuery(filters) ? ' match' : ''}`;
  };

  async function loadPage() {
    more.disabled = true;
    try {
      const page = await api.traces(filters, cursor ?? undefined, PAGE_SIZE);
      if (disposed) return;
      for (const t of page.traces) {
        if (shown.has(t.traceId)) continue;
        const tr = row(t, filters, false);
        shown.set(t.traceId, tr);
        tbody.appendChild(tr);
      }
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      setCount(page.total);
      replace(message, shown.size === 0 ? h('p', { class: 'empty' }, emptyText(filters)) : null);
    } catch (error) {
      replace(message, h('p', { class: 'error-text' }, `Could not load traces: ${(error as Error).message}`));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => void loadPage());
  void loadPage();

  // Live: fetch the newest page again and put new traces in their place, refresh the ones shown; on new
  // feedback, rows shown further down (beyond that page) are refreshed one by one too.
  let pending: ReturnType<typeof setTimeout> | undefined;
  const stale = new Set<string>();
  const replaceRow = (t: TraceSummary, old: HTMLTableRowElement) => {
    const tr = row(t, filters, false);
    shown.set(t.traceId, tr);
    old.replaceWith(tr);
  };
  const refresh = async () => {
    pending = undefined;
    const feedbackOn = [...stale];
    stale.clear();
    try {
      const page = await api.traces(filters, undefined, PAGE_SIZE);
      if (disposed) return;
      // The page is in the server's order: a trace not shown yet goes right after the one before it.
      let previous: HTMLTableRowElement | undefined;
      for (const t of page.traces) {
        const old = shown.get(t.traceId);
        if (old) {
          replaceRow(t, old);
          previous = shown.get(t.traceId);
          continue;
        }
        const tr = row(t, filters, true);
        shown.set(t.traceId, tr);
        if (previous) previous.after(tr);
        else tbody.insertBefore(tr, tbody.firstChild);
        previous = tr;
      }
      setCount(page.total);
      if (shown.size > 0) replace(message);
      const onPage = new Set(page.traces.map((t) => t.traceId));
      for (const id of feedbackOn) {
        if (onPage.has(id) || !shown.has(id)) continue;
        const detail = await api.trace(id).catch(() => undefined); // gone (retention): the row stays
        const old = shown.get(id);
        if (!disposed && detail && old) replaceRow(detail.summary, old);
      }
    } catch {
      // The next event tries again.
    }
  };
  const stop = onLive((ids, kind) => {
    if (kind === 'feedback') for (const id of ids) stale.add(id);
    if (!pending) pending = setTimeout(() => void refresh(), 300);
  });
  return () => {
    disposed = true;
    stop();
    if (pending) clearTimeout(pending);
  };
}

/** `{"question":"..."}` reads better as its one value. */
function previewValue(text: string): unknown {
  const parsed = parseJson(text);
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const values = Object.values(parsed);
    if (values.length === 1 && typeof values[0] === 'string') return values[0];
  }
  return parsed ?? text;
}

function emptyText(filters: Filters): string {
  if (filterQuery(filters)) return 'No trace matches these filters.';
  return `No traces yet. Point an OpenTelemetry app here (OTEL_EXPORTER_OTLP_ENDPOINT=${location.origin}) and its traces appear as they arrive.`;
}
