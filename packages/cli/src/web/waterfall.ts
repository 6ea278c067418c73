/// <reference lib="dom" />
// The trace's tree and timeline in one list: each row is a span, indented under its parent, with a bar
// placed by its start and duration. Only the rows in view exist in the DOM (fixed row height), so a
// trace of 10,000 spans scrolls like one of ten.
import type { SpanRecord } from '../store/span-record.js';
import { h, replace } from './dom.js';
import { formatDuration } from './format.js';
import { guardrailDecision, isBad, typeClass, typeLabel } from './span-meta.js';
import { buildTree, type SpanNode, type SpanRow, visibleRows } from './span-tree.js';

/** Pixels per row; the CSS uses the same value. */
export const ROW_HEIGHT = 26;
const OVERSCAN = 12;

/** Options of `Waterfall`. */
export interface WaterfallOptions {
  spans: SpanRecord[];
  selected?: string;
  collapsed?: Set<string>;
  onSelect: (spanId: string) => void;
}

/** The waterfall of one trace. */
export class Waterfall {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsBox: HTMLElement;
  private readonly roots: SpanNode[];
  private rows: SpanRow[] = [];
  private readonly collapsed: Set<string>;
  private selected: string | undefined;
  private readonly startMs: number;
  private readonly totalMs: number;
  private frame = 0;
  private readonly resize = new ResizeObserver(() => this.schedule());

  constructor(private readonly options: WaterfallOptions) {
    this.roots = buildTree(options.spans);
    this.collapsed = options.collapsed ?? new Set();
    this.selected = options.selected;
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const s of options.spans) {
      start = Math.min(start, s.startMs);
      end = Math.max(end, s.startMs + Math.max(0, s.durationMs));
    }
    this.startMs = Number.isFinite(start) ? start : 0;
    this.totalMs = Number.isFinite(end) && end > start ? end - start : 1;
    this.spacer = h('div', { class: 'wf-spacer' });
    this.rowsBox = h('div', { class: 'wf-rows' });
    this.viewport = h('div', { class: 'wf-viewport', tabindex: '0' }, this.spacer, this.rowsBox);
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    this.element = h(
      'div',
      { class: 'waterfall', 'data-span-count': options.spans.length },
      h(
        'div',
        { class: 'wf-header' },
        h('div', { class: 'wf-name-col' }, `Spans (${options.spans.length})`),
        this.axis(),
      ),
      this.viewport,
    );
    this.refreshRows();
    this.resize.observe(this.viewport);
  }

  /** Stops watching the viewport's size (the view is being replaced). */
  dispose(): void {
    this.resize.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
  }

  private axis(): HTMLElement {
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) =>
      h('span', { class: 'wf-tick', style: { left: `${f * 100}%` } }, formatDuration(f * this.totalMs)),
    );
    return h('div', { class: 'wf-axis' }, ticks);
  }

  /** Selects a span (expanding its ancestors is the caller's business) and scrolls it into view. */
  select(spanId: string | undefined): void {
    this.selected = spanId;
    const index = this.rows.findIndex((r) => r.node.span.spanId === spanId);
    if (index >= 0) {
      const top = index * ROW_HEIGHT;
      const vp = this.viewport;
      if (top < vp.scrollTop || top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight)
        vp.scrollTop = Math.max(0, top - vp.clientHeight / 3);
    }
    this.render();
  }

  /** Expands the given spans (ancestors of a linked span). */
  expand(ids: string[]): void {
    let changed = false;
    for (const id of ids) changed = this.collapsed.delete(id) || changed;
    if (changed) this.refreshRows();
  }

  private toggle(spanId: string): void {
    if (this.collapsed.has(spanId)) this.collapsed.delete(spanId);
    else this.collapsed.add(spanId);
    this.refreshRows();
  }

  private refreshRows(): void {
    this.rows = visibleRows(this.roots, this.collapsed);
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.render();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const index = this.rows.findIndex((r) => r.node.span.spanId === this.selected);
    const next =
      this.rows[Math.max(0, Math.min(this.rows.length - 1, index + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) this.options.onSelect(next.node.span.spanId);
  }

  /** Draws the rows in view. */
  render(): void {
    const height = this.viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      this.rows.length,
      Math.ceil((this.viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN,
    );
    this.rowsBox.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const out: HTMLElement[] = [];
    for (let i = first; i < last; i++) out.push(this.row(this.rows[i]!));
    replace(this.rowsBox, out);
  }

  private row({ node, depth }: SpanRow): HTMLElement {
    const span = node.span;
    const type = typeLabel(span);
    const bad = isBad(span);
    const blocked = guardrailDecision(span) === 'block';
    const left = ((span.startMs - this.startMs) / this.totalMs) * 100;
    const width = Math.max(0.2, (Math.max(0, span.durationMs) / this.totalMs) * 100);
    const hasChildren = node.children.length > 0;
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'wf-toggle',
        'aria-label': this.collapsed.has(span.spanId) ? 'expand' : 'collapse',
        style: { visibility: hasChildren ? 'visible' : 'hidden' },
      },
      this.collapsed.has(span.spanId) ? '▸' : '▾',
    );
    toggle.addEventListener('click', (e) => {
      e.stopPropagation();
      this.toggle(span.spanId);
    });
    const row = h(
      'div',
      {
        class: `wf-row ${typeClass(type)}${bad ? ' bad' : ''}${blocked ? ' blocked' : ''}${span.spanId === this.selected ? ' selected' : ''}`,
        'data-span-id': span.spanId,
        'data-depth': depth,
        role: 'treeitem',
        'aria-expanded': hasChildren ? String(!this.collapsed.has(span.spanId)) : undefined,
      },
      h(
        'div',
        { class: 'wf-name-col', style: { 'padding-left': `${4 + Math.min(depth, 40) * 14}px` } },
        toggle,
        h('span', { class: 'type-dot' }),
        h('span', { class: 'wf-name', title: span.name }, span.name),
        hasChildren && this.collapsed.has(span.spanId)
          ? h('span', { class: 'muted wf-hidden' }, ` +${node.children.length}`)
          : null,
        blocked
          ? h('span', { class: 'badge decision-block' }, 'blocked')
          : bad
            ? h('span', { class: 'badge status-error' }, 'error')
            : null,
        span.attributes['glassbox.rewrite.flagged'] === true
          ? h('span', { class: 'badge flag', title: 'flagged rewrite' }, '⚠ flagged')
          : null,
        h('span', { class: 'wf-type' }, type),
      ),
      h(
        'div',
        { class: 'wf-bar-col' },
        h('div', {
          class: 'wf-bar',
          style: {
            left: `${Math.min(left, 99.8)}%`,
            width: `${Math.min(width, 100 - Math.min(left, 99.8))}%`,
          },
        }),
        durationLabel(left, width, span.durationMs),
      ),
    );
    row.addEventListener('click', () => this.options.onSelect(span.spanId));
    return row;
  }
}

/** The duration right of the bar; left of it when the bar ends near the edge; inside a bar that spans it all. */
function durationLabel(left: number, width: number, durationMs: number): HTMLElement {
  const text = formatDuration(durationMs);
  if (left + width <= 80) return h('span', { class: 'wf-dur', style: { left: `${left + width}%` } }, text);
  if (left >= 15) return h('span', { class: 'wf-dur before', style: { right: `${100 - left}%` } }, text);
  return h('span', { class: 'wf-dur inside', style: { right: `${Math.max(0, 100 - left - width)}%` } }, text);
}
