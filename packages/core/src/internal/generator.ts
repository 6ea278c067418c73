import { type Context, context, type Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { recordSpanError } from './errors.js';
import type { Runtime } from './runtime.js';
import { captureOutput, type SpanPlan } from './span-plan.js';

/** At most this many yielded items are kept for the outputs attribute (the count is always exact). */
const MAX_KEPT_ITEMS = 1000;

type AnyGenerator = Generator<unknown, unknown, unknown> | AsyncGenerator<unknown, unknown, unknown>;

/** What a generator's span needs at its end; held by the finalization registry, so it must not reference the generator. */
interface GeneratorRecord {
  span: Span;
  plan: SpanPlan;
  runtime: Runtime;
  /** The call's capture override (`undefined` defers to the runtime's switch). */
  content: boolean | undefined;
  thisArg: unknown;
  items: unknown[];
  keptChars: number;
  count: number;
  startMs: number;
  lastActivityMs: number;
  done: boolean;
}

// A generator that is never iterated to the end and then dropped would hold its span open forever; when
// it is garbage collected the span is ended as `abandoned`, stamped with its last activity time.
const abandoned = new FinalizationRegistry<GeneratorRecord>((record) => {
  if (record.done) return;
  record.done = true;
  try {
    record.span.setAttribute(ATTR.STREAM_END, 'abandoned');
    record.runtime.stats.spansAbandoned++;
    finishOutputs(record);
    record.span.end(record.lastActivityMs);
  } catch {
    // Never throw from a GC callback.
  }
});

const KEYS = ['next', 'return', 'throw'] as const;

/**
 * Instruments a generator object in place (same object, same prototype): its `next`, `return` and
 * `throw` run inside the span's context, record yielded items and time to first item, and end the span
 * when the iteration completes, is stopped early, or throws. A generator that cannot take own
 * properties (frozen, sealed, non-extensible) is returned untouched and its span ends at once.
 */
export function instrumentGenerator<G extends AnyGenerator>(
  gen: G,
  async: boolean,
  span: Span,
  ctx: Context,
  plan: SpanPlan,
  runtime: Runtime,
  thisArg: unknown,
  content: boolean | undefined,
): G {
  const target = gen as unknown as Record<string, Function>;
  let originals: Function[];
  try {
    if (!Object.isExtensible(gen)) return unobservable(span, gen);
    // Read once, as the iteration would: a generator's methods are the intrinsic ones, data properties.
    originals = KEYS.map((key) => target[key]!);
    if (originals.some((fn) => typeof fn !== 'function')) return unobservable(span, gen);
  } catch {
    return unobservable(span, gen);
  }
  const now = Date.now();
  const record: GeneratorRecord = {
    span,
    plan,
    runtime,
    content,
    thisArg,
    items: [],
    keptChars: 0,
    count: 0,
    startMs: now,
    lastActivityMs: now,
    done: false,
  };
  const token = {};

  const finish = (end: string, error?: unknown) => {
    if (record.done) return;
    record.done = true;
    abandoned.unregister(token);
    if (error !== undefined) recordSpanError(span, error, runtime);
    span.setAttribute(ATTR.STREAM_END, end);
    finishOutputs(record);
    span.end();
  };

  const onResult = (r: IteratorResult<unknown>, kind: 'next' | 'return' | 'throw') => {
    record.lastActivityMs = Date.now();
    try {
      if (r === null || typeof r !== 'object') return r;
      if (r.done) finish(kind === 'return' ? 'returned' : 'completed');
      else recordItem(record, r.value);
    } catch {
      // A result object the iteration protocol would reject anyway: leave the span to GC or the next step.
    }
    return r;
  };

  // Settlement handlers are made once per generator, not once per item.
  const onError = (error: unknown) => {
    finish('error', error);
    throw error;
  };
  const settled = {
    next: (r: IteratorResult<unknown>) => onResult(r, 'next'),
    return: (r: IteratorResult<unknown>) => onResult(r, 'return'),
    throw: (r: IteratorResult<unknown>) => onResult(r, 'throw'),
  };

  const wrap = (orig: Function, kind: 'next' | 'return' | 'throw') => {
    const onSettled = settled[kind];
    // next/return/throw take one argument: no rest array and no closure per item.
    return function (this: unknown, value?: unknown) {
      // biome-ignore lint/complexity/noArguments: tells next() from next(undefined) without a rest array per item.
      const given = arguments.length > 0;
      if (record.done) return given ? orig.call(this, value) : orig.call(this);
      let out: any;
      try {
        out = given
          ? context.with(ctx, orig as (v: unknown) => unknown, this, value)
          : context.with(ctx, orig as () => unknown, this);
      } catch (error) {
        finish('error', error);
        throw error;
      }
      if (!async) return onResult(out, kind);
      return (out as Promise<IteratorResult<unknown>>).then(onSettled, onError);
    };
  };

  // Own properties shadow the prototype's methods, so `for...of`, `for await`, spread and manual
  // `next()` calls all go through them while the object stays the one the caller got.
  try {
    for (let i = 0; i < KEYS.length; i++) defineHidden(target, KEYS[i]!, wrap(originals[i]!, KEYS[i]!));
  } catch {
    // An exotic generator refused a property half way: put it back as it was, and end the span.
    for (const key of KEYS) {
      try {
        delete target[key];
      } catch {
        // Nothing more to undo.
      }
    }
    return unobservable(span, gen);
  }
  abandoned.register(gen, record, token);
  return gen;
}

/** Ends the span of a generator that cannot be observed; the generator itself is not touched. */
function unobservable<G>(span: Span, gen: G): G {
  span.setAttribute(ATTR.STREAM_END, 'unobservable');
  span.end();
  return gen;
}

function defineHidden(target: object, key: string, value: Function): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

function recordItem(record: GeneratorRecord, value: unknown): void {
  if (record.count === 0) {
    record.span.setAttribute(ATTR.TIME_TO_FIRST_ITEM_MS, record.lastActivityMs - record.startMs);
  }
  record.count++;
  // Keep references only while they can still fit in the captured value: memory stays bounded for
  // streams of any length.
  if (record.items.length < MAX_KEPT_ITEMS && record.keptChars <= record.runtime.capture.maxValueLength) {
    record.items.push(value);
    record.keptChars += typeof value === 'string' ? value.length : 16;
  }
}

function finishOutputs(record: GeneratorRecord): void {
  const { span, plan, items } = record;
  span.setAttribute(ATTR.ITEM_COUNT, record.count);
  if (items.length === 0 && typeof plan.captureOutputs !== 'function') return;
  // A stream of text chunks reads best as the text it adds up to.
  const allStrings = items.length > 0 && items.every((i) => typeof i === 'string');
  captureOutput(
    plan,
    span,
    record.runtime,
    record.content,
    record.thisArg,
    allStrings ? (items as string[]).join('') : items,
  );
}
