/// <reference lib="dom" />
// The selected span: a header, then tabs: the views that fit it, its raw data, its feedback.
import type { FeedbackRecord, SpanRecord } from './api.js';
import { type Child, h, replace } from './dom.js';
import { feedbackPanel, onFeedbackRefresh } from './feedback-panel.js';
import { formatDuration, formatTime, str, strList } from './format.js';
import { attributeTable, rawView } from './raw-view.js';
import { errorRenderer } from './renderers/error.js';
import { evaluationRenderer } from './renderers/evaluation.js';
import { guardrailRenderer } from './renderers/guardrail.js';
import { inputsOutputsRenderer } from './renderers/inputs-outputs.js';
import { llmRenderer } from './renderers/llm.js';
import { promptRenderer } from './renderers/prompt.js';
import type { SpanRenderer } from './renderers/renderer.js';
import { retrievalRenderer } from './renderers/retrieval.js';
import { rewriteRenderer } from './renderers/rewrite.js';
import { toolRenderer } from './renderers/tool.js';
import {
  decisionBadge,
  guardrailDecision,
  kindName,
  statusBadge,
  typeBadge,
  typeLabel,
} from './span-meta.js';
import { facts } from './value-view.js';

/** The views, in the order they appear. */
export const RENDERERS: SpanRenderer[] = [
  errorRenderer,
  guardrailRenderer,
  rewriteRenderer,
  llmRenderer,
  retrievalRenderer,
  toolRenderer,
  promptRenderer,
  evaluationRenderer,
  inputsOutputsRenderer,
];

/** Runs one view; one that throws is replaced by a note and the raw attributes (the page goes on). */
export function safeRender(renderer: SpanRenderer, span: SpanRecord): Node {
  try {
    if (!renderer.applies(span)) return document.createDocumentFragment();
    return renderer.render(span);
  } catch (error) {
    return h(
      'div',
      { class: 'render-failed', 'data-renderer': renderer.name },
      h(
        'p',
        { class: 'note' },
        `The ${renderer.name} view could not read this span (${(error as Error)?.message ?? String(error)}); its raw attributes:`,
      ),
      attributeTable(span.attributes),
    );
  }
}

function contextFacts(span: SpanRecord): HTMLElement {
  const a = span.attributes;
  const tags = strList(a, 'glassbox.trace.tags');
  const metadata = Object.keys(a)
    .filter((k) => k.startsWith('glassbox.trace.metadata.'))
    .map((k) => `${k.slice('glassbox.trace.metadata.'.length)}=${str(a, k) ?? ''}`);
  const mcp = [
    'mcp.method.name',
    'mcp.session.id',
    'mcp.protocol.version',
    'mcp.resource.uri',
    'jsonrpc.request.id',
    'network.transport',
  ]
    .filter((k) => a[k] !== undefined)
    .map((k) => `${k}=${str(a, k)}`);
  return facts([
    ['service', span.serviceName],
    ['kind', kindName(span.kind)],
    ['started', formatTime(span.startMs)],
    ['session', str(a, 'session.id')],
    ['user', str(a, 'user.id')],
    ['tags', tags.length ? tags.join(', ') : undefined],
    ['metadata', metadata.length ? metadata.join(' · ') : undefined],
    ['mcp', mcp.length ? mcp.join(' · ') : undefined],
    ['span id', h('span', { class: 'mono' }, span.spanId)],
  ]);
}

/** Options of `spanDetail`. */
export interface SpanDetailOptions {
  span: SpanRecord;
  feedback: FeedbackRecord[];
  /** The tab to open: `details` (default), `raw` or `feedback`. */
  tab?: string;
  onTab?: (tab: string) => void;
  onFeedback?: (record: FeedbackRecord) => void;
}

/** The detail pane of a span. */
export function spanDetail(options: SpanDetailOptions): HTMLElement {
  const { span } = options;
  const type = typeLabel(span);
  const decision = guardrailDecision(span);
  const feedbackCount = options.feedback.filter((f) => f.spanId === span.spanId).length;
  const body = h('div', { class: 'tab-body' });
  const tabs: [string, string, () => Child][] = [
    ['details', 'Details', () => RENDERERS.map((r) => safeRender(r, span))],
    ['raw', 'Raw', () => rawView(span)],
    [
      'feedback',
      `Feedback${feedbackCount ? ` (${feedbackCount})` : ''}`,
      () =>
        feedbackPanel({
          traceId: span.traceId,
          spanId: span.spanId,
          feedback: options.feedback,
          onSubmitted: (record) => {
            options.onFeedback?.(record);
            setCount(options.feedback);
          },
        }),
    ],
  ];
  const buttons = tabs.map(([id, label]) =>
    h('button', { type: 'button', class: 'tab', 'data-tab': id, role: 'tab' }, label),
  );
  const setCount = (all: FeedbackRecord[]) => {
    const count = all.filter((f) => f.spanId === span.spanId).length;
    const tab = buttons.find((b) => b.dataset.tab === 'feedback');
    if (tab) tab.textContent = `Feedback${count ? ` (${count})` : ''}`;
  };
  const show = (id: string) => {
    const tab = tabs.find(([t]) => t === id) ?? tabs[0]!;
    for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.tab === tab[0]));
    replace(body, tab[2]());
  };
  for (const b of buttons) {
    b.addEventListener('click', () => {
      show(b.dataset.tab!);
      options.onTab?.(b.dataset.tab!);
    });
  }
  show(options.tab ?? 'details');
  const element = h(
    'div',
    { class: 'span-detail', 'data-span-id': span.spanId },
    h(
      'header',
      { class: 'detail-head' },
      h('h2', { class: 'span-title' }, span.name),
      h(
        'div',
        { class: 'detail-badges' },
        typeBadge(type),
        statusBadge(span.statusCode),
        decision ? decisionBadge(decision) : null,
        h('span', { class: 'muted' }, formatDuration(span.durationMs)),
      ),
      contextFacts(span),
    ),
    h('nav', { class: 'tabs', role: 'tablist' }, buttons),
    body,
  );
  onFeedbackRefresh(element, setCount);
  return element;
}

/** The trace overview shown when no span is selected: the root's story and the trace's feedback. */
export function traceOverview(root: SpanRecord | undefined, children: Child[]): HTMLElement {
  return h(
    'div',
    { class: 'span-detail trace-overview' },
    h('header', { class: 'detail-head' }, h('h2', { class: 'span-title' }, 'Trace overview')),
    root && inputsOutputsRenderer.applies(root)
      ? [
          h(
            'p',
            { class: 'muted small' },
            'Inputs and outputs of the root span ',
            h('a', { href: `#/trace/${root.traceId}/${root.spanId}` }, root.name),
            '.',
          ),
          safeRender(inputsOutputsRenderer, root),
        ]
      : null,
    children,
  );
}
