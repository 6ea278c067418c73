/// <reference lib="dom" />
// Feedback on a trace or a span: thumbs up/down, a comment and an expected answer, posted to the API as a
// FeedbackRecord (name `thumbs`; without a thumb, `expected` or `comment`); and the judgements already
// given (people, logFeedback, judges), kept current by `refreshFeedback` when the live feed says so.
import { api, type FeedbackRecord } from './api.js';
import { h, replace } from './dom.js';
import { formatTime } from './format.js';
import { valueView } from './value-view.js';

/** Options of `feedbackPanel`. */
export interface FeedbackPanelOptions {
  traceId: string;
  /** The judged span; absent for the whole trace. */
  spanId?: string;
  /** Feedback already known for the trace (filtered here to this target). */
  feedback: FeedbackRecord[];
  /** Span names by id, to say which span a trace-level list entry is about. */
  spanNames?: Map<string, string>;
  /** Called with the stored record after a successful post. */
  onSubmitted?: (record: FeedbackRecord) => void;
}

function valueLabel(record: FeedbackRecord): string {
  const v = record.value;
  if (typeof v === 'boolean') return v ? '✓ good' : '✗ bad';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Views that show feedback and how to bring each up to date; `refreshFeedback` finds them by class.
const LIVE_CLASS = 'fb-live';
const updaters = new WeakMap<Element, (all: FeedbackRecord[]) => void>();

/** Has `refreshFeedback` call `update` for `element` (a view of some of a trace's feedback). */
export function onFeedbackRefresh(element: Element, update: (all: FeedbackRecord[]) => void): void {
  element.classList.add(LIVE_CLASS);
  updaters.set(element, update);
}

/** Brings every feedback view inside `root` up to `all`, the trace's feedback now; forms keep their input. */
export function refreshFeedback(root: ParentNode, all: FeedbackRecord[]): void {
  for (const element of Array.from(root.querySelectorAll(`.${LIVE_CLASS}`))) updaters.get(element)?.(all);
}

/** One feedback entry. */
export function feedbackItem(record: FeedbackRecord, spanNames?: Map<string, string>): HTMLElement {
  const positive = record.value === true || (typeof record.value === 'number' && record.value > 0.5);
  const negative = record.value === false || (typeof record.value === 'number' && record.value <= 0.5);
  const expected = record.expectations?.expected_answer;
  const otherExpectations = record.expectations
    ? Object.fromEntries(Object.entries(record.expectations).filter(([k]) => k !== 'expected_answer'))
    : {};
  const repeated =
    typeof record.value === 'string' && (record.value === record.rationale || record.value === expected);
  return h(
    'li',
    { class: `fb-item${positive ? ' fb-up' : negative ? ' fb-down' : ''}`, 'data-feedback-id': record.id },
    h(
      'div',
      { class: 'fb-head' },
      h('b', null, record.name),
      ' ',
      // A comment's or expected answer's text is shown below, not repeated in the head.
      repeated ? null : h('span', { class: 'fb-value' }, valueLabel(record)),
      h(
        'span',
        { class: 'badge source' },
        record.source.id ? `${record.source.type}: ${record.source.id}` : record.source.type,
      ),
      record.spanId && spanNames
        ? h(
            'a',
            { class: 'fb-target', href: `#/trace/${record.traceId}/${record.spanId}` },
            `on ${spanNames.get(record.spanId) ?? record.spanId}`,
          )
        : null,
      h('span', { class: 'muted fb-time' }, formatTime(Date.parse(record.createdAt))),
    ),
    record.rationale
      ? h(
          'div',
          { class: 'fb-rationale' },
          valueView(record.rationale, { raw: true, limit: 600, className: 'prose' }),
        )
      : null,
    expected !== undefined
      ? h(
          'div',
          { class: 'fb-expected' },
          h('span', { class: 'sub-label' }, 'expected answer'),
          valueView(expected, { raw: true, limit: 600, className: 'prose' }),
        )
      : null,
    Object.keys(otherExpectations).length ? valueView(otherExpectations, { limit: 300 }) : null,
  );
}

/** The feedback panel of a trace (no spanId) or span. */
export function feedbackPanel(options: FeedbackPanelOptions): HTMLElement {
  const mine = (r: FeedbackRecord) => (options.spanId === undefined ? true : r.spanId === options.spanId);
  let records = options.feedback.filter(mine);
  const list = h('ul', { class: 'fb-list' });
  const renderList = () =>
    replace(
      list,
      records.length === 0
        ? h('li', { class: 'muted' }, 'No feedback yet.')
        : records.map((r) => feedbackItem(r, options.spanId === undefined ? options.spanNames : undefined)),
    );
  renderList();

  let thumbs: boolean | undefined;
  const up = h(
    'button',
    { type: 'button', class: 'thumb', 'data-thumb': 'up', title: 'Good answer', 'aria-pressed': 'false' },
    '✓ Good',
  );
  const down = h(
    'button',
    { type: 'button', class: 'thumb', 'data-thumb': 'down', title: 'Bad answer', 'aria-pressed': 'false' },
    '✗ Bad',
  );
  const comment = h('textarea', { name: 'comment', rows: 2, placeholder: 'Comment (why?)' });
  const expected = h('textarea', { name: 'expected', rows: 2, placeholder: 'Expected answer (optional)' });
  const submit = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Send feedback');
  const status = h('span', { class: 'fb-status', role: 'status' });
  let sending = false;
  // A thumb, a comment or an expected answer, each alone, is feedback worth sending.
  const sendable = () =>
    !sending && (thumbs !== undefined || comment.value.trim() !== '' || expected.value.trim() !== '');
  const update = () => void (submit.disabled = !sendable());
  const choose = (value: boolean | undefined) => {
    // A second click on the pressed thumb takes it back.
    thumbs = value === thumbs ? undefined : value;
    up.setAttribute('aria-pressed', String(thumbs === true));
    down.setAttribute('aria-pressed', String(thumbs === false));
    update();
  };
  up.addEventListener('click', () => choose(true));
  down.addEventListener('click', () => choose(false));
  comment.addEventListener('input', update);
  expected.addEventListener('input', update);

  const form = h(
    'form',
    { class: 'fb-form' },
    h(
      'div',
      { class: 'fb-thumbs' },
      up,
      down,
      h('span', { class: 'muted' }, options.spanId ? 'this span' : 'this trace'),
    ),
    comment,
    expected,
    h('div', { class: 'fb-actions' }, submit, status),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!sendable()) return;
    sending = true;
    update();
    status.textContent = 'sending…';
    const rationale = comment.value.trim();
    const expectedAnswer = expected.value.trim();
    // Without a thumb the record is named after what it holds; its text is its value.
    const [name, value, why]: [string, boolean | string, string] =
      thumbs !== undefined
        ? ['thumbs', thumbs, rationale]
        : expectedAnswer
          ? ['expected', expectedAnswer, rationale]
          : ['comment', rationale, ''];
    try {
      const record = await api.postFeedback({
        traceId: options.traceId,
        ...(options.spanId ? { spanId: options.spanId } : {}),
        name,
        value,
        ...(why ? { rationale: why } : {}),
        ...(expectedAnswer ? { expectations: { expected_answer: expectedAnswer } } : {}),
        source: { type: 'human' },
      });
      if (!records.some((r) => r.id === record.id)) records.push(record);
      renderList();
      comment.value = '';
      expected.value = '';
      choose(undefined);
      status.textContent = 'saved';
      status.classList.remove('error-text');
      options.onSubmitted?.(record);
    } catch (error) {
      status.textContent = `not saved: ${(error as Error).message}`;
      status.classList.add('error-text');
    } finally {
      sending = false;
      update();
    }
  });

  const panel = h('div', { class: 'feedback-panel', 'data-target': options.spanId ?? 'trace' }, form, list);
  // Live feedback redraws the list only: the form and what is being typed in it stay as they are.
  onFeedbackRefresh(panel, (all) => {
    const next = all.filter(mine);
    for (const own of records) if (!next.some((r) => r.id === own.id)) next.push(own);
    records = next;
    renderList();
  });
  return panel;
}

/** Links to the feedback and dataset exports (the dataset with the list's filters). */
export function exportLinks(filterQuery = ''): HTMLElement {
  const q = filterQuery ? `?${filterQuery}` : '';
  return h(
    'span',
    { class: 'exports' },
    'Export: ',
    h('a', { href: '/api/export/feedback.jsonl', download: '' }, 'feedback.jsonl'),
    ' · ',
    h('a', { href: '/api/export/feedback.otlp.json', download: '' }, 'feedback.otlp.json'),
    ' · ',
    h('a', { href: `/api/export/dataset.jsonl${q}`, download: '', class: 'export-dataset' }, 'dataset.jsonl'),
  );
}
