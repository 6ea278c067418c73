import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import { ATTR } from '../attributes.js';
import type { DiagnosticLogger } from '../logger.js';
import { type CostSettings, priceSpan, roundUsd, setCostAttributes, usageOf } from './span-cost.js';

/** How long a root that ended before its model calls waits for them before it is exported anyway. */
export const ROOT_HOLD_MS = 60_000;
/** Traces followed at once; past this the oldest is let go (a root that never ends must not grow memory). */
const MAX_TRACES = 10_000;
/** After the first over-budget warning, one summary every this many over-budget traces. */
export const BUDGET_SUMMARY_EVERY = 100;

/** What one trace's model calls added up to so far. */
interface Ledger {
  costUsd: number;
  priced: number;
  inputTokens: number;
  outputTokens: number;
  /** Model spans started (they declared a model at start, as the GenAI conventions ask) and not ended. */
  open: Set<string>;
  /** Spans that wrap a call already counted (AI SDK's `ai.generateText` around its `doGenerate`). */
  wrappers: Set<string>;
  overBudget: boolean;
  /** The local root, ended while model spans were still open; exported once they end. */
  held: ReadableSpan | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Prices every LLM and embedding span as it ends (ours or any library's: whatever reports
 * `gen_ai.usage.*` with a model and provider) and sums each trace's cost and tokens onto its local root
 * span. Driven by a Glassbox span processor: `onStart` tells local roots and notes model spans, `onEnding`
 * prices a span and, on a root, writes the totals while the span can still take attributes; a root that
 * ends while model spans of its trace are open is held (`onEnd` returns true) and handed to `release` with
 * its totals once they end, or after `ROOT_HOLD_MS`. A span that is neither a root nor a model call costs
 * a look at its parent and its attributes, nothing kept.
 */
export class TraceCost {
  readonly #ledgers = new Map<string, Ledger>();
  /**
   * Local roots open in this process, by trace. A span with a remote parent is a local root only when its
   * trace has none open here: an in-process MCP server (or `logFeedback`) parents spans on remote-flagged
   * contexts of spans that are open right here.
   */
  readonly #openRoots = new Map<string, number>();
  /** The spans that are their trace's local root (decided at start). */
  readonly #roots = new WeakSet<object>();
  #heldCount = 0;
  #overBudget = 0;

  constructor(
    private readonly settings: CostSettings,
    private readonly logger: DiagnosticLogger,
    private readonly release: (span: ReadableSpan, original: ReadableSpan) => void,
  ) {}

  /** Roots waiting for their trace's model calls. */
  get held(): number {
    return this.#heldCount;
  }

  onStart(span: Span): void {
    const parent = span.parentSpanContext;
    if (parent === undefined || parent.isRemote === true) this.#noteRoot(span, parent === undefined);
    if (span.attributes[ATTR.GEN_AI_REQUEST_MODEL] === undefined) return;
    const ctx = span.spanContext();
    this.#ledger(ctx.traceId).open.add(ctx.spanId);
  }

  onEnding(span: Span): void {
    const attrs = span.attributes;
    const usage = usageOf(attrs);
    if (usage === undefined && this.#ledgers.size === 0) return;
    const ctx = span.spanContext();
    let ledger = this.#ledgers.get(ctx.traceId);
    if (usage !== undefined) {
      ledger ??= this.#ledger(ctx.traceId);
      const parent = span.parentSpanContext?.spanId;
      if (ledger.wrappers.has(ctx.spanId)) {
        // Its calls were counted (and priced) already: pricing it too would count them twice.
        if (parent !== undefined) ledger.wrappers.add(parent);
      } else {
        if (parent !== undefined) ledger.wrappers.add(parent);
        const cost = priceSpan(attrs, usage, this.settings, this.logger);
        if (cost !== undefined) {
          setCostAttributes(span, cost);
          ledger.costUsd += cost.total;
          ledger.priced++;
        }
        ledger.inputTokens += usage.input;
        ledger.outputTokens += usage.output;
        this.#checkBudget(ctx.traceId, ledger);
      }
    }
    if (ledger === undefined) return;
    ledger.open.delete(ctx.spanId);
    if (this.#roots.has(span)) {
      if (ledger.open.size === 0) {
        span.setAttributes(this.#totals(ledger));
        this.#forget(ctx.traceId, ledger);
      }
      // Else onEnd holds it until the open model spans end.
    } else if (ledger.held !== undefined && ledger.open.size === 0) {
      this.#let(ctx.traceId, ledger);
    }
  }

  /** True when the span is a root held for its trace's open model spans (not to be exported now). */
  onEnd(span: ReadableSpan): boolean {
    const ctx = span.spanContext();
    const root = this.#roots.has(span);
    if (root) {
      const open = this.#openRoots.get(ctx.traceId);
      if (open === 1) this.#openRoots.delete(ctx.traceId);
      else if (open !== undefined) this.#openRoots.set(ctx.traceId, open - 1);
    }
    if (this.#ledgers.size === 0) return false;
    const ledger = this.#ledgers.get(ctx.traceId);
    if (ledger === undefined) return false;
    // Done in onEnding already, except under a provider that never calls it (SDK 1.x): no root waits forever.
    if (ledger.open.delete(ctx.spanId) && ledger.held !== undefined && ledger.open.size === 0) {
      this.#let(ctx.traceId, ledger);
      return false;
    }
    if (ledger.held !== undefined || !root) return false;
    if (ledger.open.size === 0) {
      this.#forget(ctx.traceId, ledger); // (onEnding would have; see above)
      return false;
    }
    const traceId = ctx.traceId;
    ledger.held = span;
    this.#heldCount++;
    ledger.timer = setTimeout(() => this.#let(traceId, ledger), ROOT_HOLD_MS);
    ledger.timer.unref?.();
    return true;
  }

  /** Hands every held root on now, with the totals so far (a flush or a shutdown). */
  releaseAll(): void {
    for (const [traceId, ledger] of this.#ledgers) if (ledger.held !== undefined) this.#let(traceId, ledger);
  }

  #ledger(traceId: string): Ledger {
    let ledger = this.#ledgers.get(traceId);
    if (ledger === undefined) {
      if (this.#ledgers.size >= MAX_TRACES) {
        const [oldestId, oldest] = this.#ledgers.entries().next().value as [string, Ledger];
        if (oldest.held !== undefined) this.#let(oldestId, oldest);
        else this.#ledgers.delete(oldestId);
      }
      ledger = {
        costUsd: 0,
        priced: 0,
        inputTokens: 0,
        outputTokens: 0,
        open: new Set(),
        wrappers: new Set(),
        overBudget: false,
        held: undefined,
        timer: undefined,
      };
      this.#ledgers.set(traceId, ledger);
    }
    return ledger;
  }

  #checkBudget(traceId: string, ledger: Ledger): void {
    const budget = this.settings.budgetUsd;
    if (budget === undefined || ledger.overBudget || ledger.costUsd <= budget) return;
    ledger.overBudget = true;
    // One key for every trace: a key per trace would fill the logger's memory of one-time warnings.
    const n = ++this.#overBudget;
    if (n === 1) {
      this.logger.once(
        'warn',
        `trace ${traceId} cost $${roundUsd(ledger.costUsd)}, over its budget of $${budget} (budget.perTraceUsd); ` +
          'its root span carries glassbox.trace.over_budget = true (search it for the others)',
        'budget',
      );
    } else if (n % BUDGET_SUMMARY_EVERY === 0) {
      this.logger.log(
        'warn',
        `${n} traces so far cost more than their budget of $${budget} (budget.perTraceUsd)`,
      );
    }
  }

  /**
   * Marks a trace's local root: a span with no parent, or with a remote parent while no root of its trace
   * is open here. A feedback span (`logFeedback`) judges a trace and never takes its totals.
   */
  #noteRoot(span: Span, parentless: boolean): void {
    if (span.attributes[ATTR.FEEDBACK_NAME] !== undefined) return;
    const traceId = span.spanContext().traceId;
    const open = this.#openRoots.get(traceId);
    if (!parentless && open !== undefined) return;
    if (open === undefined && this.#openRoots.size >= MAX_TRACES)
      this.#openRoots.delete(this.#openRoots.keys().next().value as string);
    this.#openRoots.set(traceId, (open ?? 0) + 1);
    this.#roots.add(span);
  }

  #totals(ledger: Ledger): Attributes {
    const out: Attributes = {
      [ATTR.TRACE_INPUT_TOKENS]: ledger.inputTokens,
      [ATTR.TRACE_OUTPUT_TOKENS]: ledger.outputTokens,
    };
    if (ledger.priced > 0) out[ATTR.TRACE_COST_USD] = roundUsd(ledger.costUsd);
    const budget = this.settings.budgetUsd;
    if (budget !== undefined && ledger.priced > 0) {
      out[ATTR.TRACE_BUDGET_USD] = budget;
      if (ledger.overBudget) out[ATTR.TRACE_OVER_BUDGET] = true;
    }
    return out;
  }

  // Exports a held root as a view carrying the totals: the ended span itself takes no more attributes.
  #let(traceId: string, ledger: Ledger): void {
    const root = ledger.held;
    this.#forget(traceId, ledger);
    if (root === undefined) return;
    const attributes = { ...root.attributes, ...this.#totals(ledger) };
    this.release(Object.create(root, { attributes: { value: attributes, enumerable: true } }), root);
  }

  #forget(traceId: string, ledger: Ledger): void {
    if (this.#ledgers.get(traceId) === ledger) this.#ledgers.delete(traceId);
    if (ledger.timer !== undefined) clearTimeout(ledger.timer);
    ledger.timer = undefined;
    if (ledger.held !== undefined) {
      ledger.held = undefined;
      this.#heldCount--;
    }
  }
}
