/// <reference lib="dom" />
// Values of any size: the page shows at most `limit` characters of a value until asked for more, so a
// multi-megabyte prompt never blocks the page (and even "show all" goes in 200 K steps).
import { type Child, h } from './dom.js';
import { displayText } from './format.js';

/** Characters shown before "show more". */
export const PREVIEW_CHARS = 2000;
const STEP_CHARS = 200_000;

/** Options of `valueView`. */
export interface ValueViewOptions {
  /** Characters shown at first (default PREVIEW_CHARS). */
  limit?: number;
  /** Extra class of the block. */
  className?: string;
  /** Show strings as they are (no JSON pretty-printing). */
  raw?: boolean;
}

/** A value as preformatted text, cut with a "show more" button when long. */
export function valueView(value: unknown, options: ValueViewOptions = {}): HTMLElement {
  const text = options.raw && typeof value === 'string' ? value : displayText(value);
  const limit = options.limit ?? PREVIEW_CHARS;
  const pre = h('pre', { class: `value ${options.className ?? ''}`.trim() });
  const box = h('div', { class: 'value-box' }, pre);
  let shown = Math.min(text.length, limit);
  pre.textContent = text.slice(0, shown);
  if (shown >= text.length) return box;
  const more = h('button', { class: 'link show-more', type: 'button' });
  const label = () => {
    more.textContent = `show more (${(text.length - shown).toLocaleString('en-US')} more characters)`;
  };
  label();
  more.addEventListener('click', () => {
    shown = Math.min(text.length, shown + STEP_CHARS);
    pre.textContent = text.slice(0, shown);
    if (shown >= text.length) more.remove();
    else label();
  });
  box.appendChild(more);
  return box;
}

/** A short one-line preview of a value. */
export function preview(value: unknown, max = 120): string {
  const text = (typeof value === 'string' ? value : displayText(value)).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A definition list of label/value pairs, skipping empty values. */
export function facts(rows: [string, Child | undefined][]): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    dl.appendChild(h('dt', null, label));
    dl.appendChild(h('dd', null, value));
  }
  return dl;
}

/** A titled section. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'detail-section' }, h('h3', null, title), ...children);
}
