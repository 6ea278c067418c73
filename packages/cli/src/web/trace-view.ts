/// <reference lib="dom" />
// One trace: a summary header, the waterfall (tree + timeline) and the detail of the selected span
// (or, with none selected, the trace's own overview and feedback).
import { ApiError, api, type FeedbackRecord, type SpanRecord, type TraceDetail } from './api.js';
import { h, replace } from './dom.js';
import { exportLinks, feedbackPanel, refreshFeedback } from './feedback-panel.js';
import { formatCost, formatCount, formatDuration, formatTime } from './format.js';
import { onLive } from './live.js';
import { type Filters, navigate } from './router.js';
import { spanDetail, traceOverview } from './span-detail.js';
import { ancestors } from './span-tree.js';
import { Waterfall } from './waterfall.js';

/** The trace page; `show` moves it to another span of the same trace without reloading. */
export interface TraceView {
  traceId: string;
  show(spanId: string | undefined): void;
  dispose(): void;
}

/** Opens a trace in `root`. */
export function showTrace(
  root: HTMLElement,
  traceId: string,
  spanId: string | undefined,
  filters: Filters,
): TraceView {
  let detail: TraceDetail | undefined;
  let waterfall: Waterfall | undefined;
  let selected = spanId;
  let tab: string | undefined;
  let disposed = false;
  const collapsed = new Set<string>();
  const byId = new Map<string, SpanRecord>();
  const pane = h('div', { class: 'detail-pane' });
  const left = h('div', { class: 'waterfall-pane' });
  const head = h('header', { class: 'trace-head' }, h('span', { class: 'muted' }, 'loading trace…'));
  replace(root, h('div', { class: 'trace-page' }, head, h('div', { class: 'split' }, left, pane)));

  const go = (id: string | undefined) =>
    navigate({ page: 'trace', traceId, ...(id ? { spanId: id } : {}), filters });

  const addFeedback = (record: FeedbackRecord) => {
    if (!detail) return;
    if (!detail.feedback.some((f) => f.id === record.id)) detail.feedback.push(record);
    renderHead();
  };

  function renderHead() {
    if (!detail) return;
    const s = detail.summary;
    const tokens = s.inputTokens + s.outputTokens;
    replace(
      head,
      h(
        'div',
        { class: 'trace-title-row' },
        h('a', { href: `#/${filtersHash(filters)}`, class: 'back' }, '← traces'),
        h(
          'h1',
          { class: 'trace-title' },
          h(
            'a',
            { href: `#/trace/${traceId}`, title: 'trace overview and feedback' },
            s.rootName || '(no root span)',
          ),
        ),
        s.errorCount > 0
          ? h('span', { class: 'badge status-error' }, `${s.errorCount} error${s.errorCount > 1 ? 's' : ''}`)
          : null,
        s.flagged ? h('span', { class: 'badge flag' }, '⚠ flagged rewrite') : null,
      ),
      h(
        'div',
        { class: 'trace-stats' },
        stat('started', formatTime(s.startMs)),
        stat('duration', formatDuration(s.durationMs)),
        stat('spans', formatCount(s.spanCount)),
        stat(
          'tokens',
          tokens > 0 ? `${formatCount(s.inputTokens)} in · ${formatCount(s.outputTokens)} out` : '–',
        ),
        stat('cost', formatCost(s.costUsd)),
        stat('service', s.serviceName),
        s.sessionId ? stat('session', s.sessionId) : null,
        s.userId ? stat('user', s.userId) : null,
        s.tags.length ? stat('tags', s.tags.join(', ')) : null,
        h('a', { href: `#/trace/${traceId}`, class: 'stat-link' }, `feedback (${detail.feedback.length})`),
        stat('trace id', h('span', { class: 'mono' }, traceId)),
      ),
    );
  }

  function renderPane() {
    if (!detail) return;
    const span = selected ? byId.get(selected) : undefined;
    if (selected && !span) {
      replace(pane, h('p', { class: 'error-text' }, `This trace has no span ${selected}.`));
      return;
    }
    if (span) {
      replace(
        pane,
        spanDetail({
          span,
          feedback: detail.feedback,
          tab,
          onTab: (t) => void (tab = t),
          onFeedback: addFeedback,
        }),
      );
      return;
    }
    const names = new Map(detail.spans.map((s) => [s.spanId, s.name] as const));
    const root = detail.summary.rootSpanId
      ? byId.get(detail.summary.rootSpanId)
      : detail.spans.find((s) => !s.parentSpanId);
    replace(
      pane,
      traceOverview(root, [
        h(
          'section',
          { class: 'detail-section' },
          h('h3', null, 'Feedback on this trace'),
          feedbackPanel({ traceId, feedback: detail.feedback, spanNames: names, onSubmitted: addFeedback }),
          h('p', { class: 'muted small' }, exportLinks()),
        ),
        h('p', { class: 'muted small' }, 'Select a span in the waterfall to see what it did.'),
      ]),
    );
  }

  const typing = () =>
    (document.activeElement instanceof HTMLTextAreaElement && pane.contains(document.activeElement)) ||
    Array.from(pane.querySelectorAll('textarea')).some((t) => t.value.trim() !== '');

  async function load(keepScroll: boolean) {
    try {
      const next = await api.trace(traceId);
      if (disposed) return;
      detail = next;
      byId.clear();
      for (const s of next.spans) byId.set(s.spanId, s);
      if (selected) for (const id of ancestors(byId, selected)) collapsed.delete(id);
      const scroll = keepScroll ? left.querySelector('.wf-viewport')?.scrollTop : undefined;
      waterfall?.dispose();
      waterfall = new Waterfall({ spans: next.spans, selected, collapsed, onSelect: go });
      replace(left, waterfall.element);
      if (scroll !== undefined) {
        const vp = left.querySelector('.wf-viewport');
        if (vp) vp.scrollTop = scroll;
      }
      waterfall.select(selected);
      renderHead();
      // A live refresh must not wipe feedback being typed: the pane is redrawn only when it holds none.
      if (!keepScroll || !typing()) renderPane();
      else refreshFeedback(pane, next.feedback);
      root.dataset.loaded = 'true';
    } catch (error) {
      if (disposed) return;
      const text =
        error instanceof ApiError && error.status === 404
          ? `No trace ${traceId} in this viewer (yet). Its spans may still be on their way.`
          : `Could not load the trace: ${(error as Error).message}`;
      replace(head, h('a', { href: `#/${filtersHash(filters)}`, class: 'back' }, '← traces'));
      replace(left, h('p', { class: 'error-text' }, text));
      replace(pane);
    }
  }
  void load(false);

  // Feedback given elsewhere (another tab, a judge, an API call): merged into the trace's list in place,
  // so the views holding it see it and a form being filled in is left alone.
  async function loadFeedback() {
    try {
      const { feedback } = await api.feedback(traceId);
      if (disposed || !detail) return;
      const known = new Set(detail.feedback.map((f) => f.id));
      for (const record of feedback) if (!known.has(record.id)) detail.feedback.push(record);
      renderHead();
      refreshFeedback(pane, detail.feedback);
    } catch {
      // The next event tries again.
    }
  }

  // New spans of this trace (a batch exporter sends them in several requests): redraw, keeping place.
  let pending: ReturnType<typeof setTimeout> | undefined;
  const stop = onLive((ids, kind) => {
    if (!ids.includes(traceId)) return;
    if (kind === 'feedback') void loadFeedback();
    else if (!pending)
      pending = setTimeout(() => {
        pending = undefined;
        void load(true);
      }, 300);
  });

  return {
    traceId,
    show(id) {
      selected = id;
      if (!detail) return;
      if (id) waterfall?.expand(ancestors(byId, id));
      waterfall?.select(id);
      renderPane();
    },
    dispose() {
      disposed = true;
      waterfall?.dispose();
      stop();
      if (pending) clearTimeout(pending);
    },
  };
}

function stat(label: string, value: string | Node): HTMLElement {
  return h('span', { class: 'stat' }, h('span', { class: 'stat-label' }, label), value);
}

function filtersHash(filters: Filters): string {
  const q = new URLSearchParams(filters as Record<string, string>).toString();
  return q ? `?${q}` : '';
}
