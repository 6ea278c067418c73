import { type Context, context, type Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { recordSpanError } from './errors.js';
import { captureOutput, type SpanPlan } from './span-runner.js';
import { state } from './state.js';

const toStringTag = Object.prototype.toString;

export function isSyncGenerator(value: unknown): boolean {
  return toStringTag.call(value) === '[object Generator]';
}

export function isAsyncGenerator(value: unknown): boolean {
  return toStringTag.call(value) === '[object AsyncGenerator]';
}

/** Either kind of generator object, with one tag lookup. */
export function isGenerator(value: unknown): boolean {
  const tag = toStringTag.call(value);
  return tag === '[object Generator]' || tag === '[object AsyncGenerator]';
}

/** At most this many yielded items are kept for the outputs attribute (the count is always exact). */
const MAX_KEPT_ITEMS = 1000;

type AnyGenerator = Generator<unknown, unknown, unknown> | AsyncGenerator<unknown, unknown, unknown>;

/** What a generator's span needs at its end; held by the finalization registry, so it must not reference the generator. */
interface GeneratorRecord {
  span: Span;
  ctx: Context;
  plan: SpanPlan;
  /** The call's capture override (see `contentOverride`). */
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
  record.span.setAttribute(ATTR.STREAM_END, 'abandoned');
  finishOutputs(record);
  record.span.end(record.lastActivityMs);
});

/**
 * Instruments a generator object in place (same object, same prototype): its `next`, `return` and
 * `throw` run inside the span's context, record yielded items and time to first item, and end the span
 * when the iteration completes, is stopped early, or throws.
 */
export function instrumentGenerator<G extends AnyGenerator>(
  gen: G,
  span: Span,
  ctx: Context,
  plan: SpanPlan,
  thisArg: unknown,
  content: boolean | undefined,
): G {
  const now = Date.now();
  const record: GeneratorRecord = {
    span,
    ctx,
    plan,
    content,
    thisArg,
    items: [],
    keptChars: 0,
    count: 0,
    startMs: now,
    lastActivityMs: now,
    done: false,
  };
  const async = isAsyncGenerator(gen);
  const target = gen as any;
  const origNext = target.next;
  const origReturn = target.return;
  const origThrow = target.throw;
  const token = {};
  abandoned.register(gen, record, token);

  const finish = (end: string, error?: unknown) => {
    if (record.done) return;
    record.done = true;
    abandoned.unregister(token);
    if (error !== undefined) recordSpanError(span, error);
    span.setAttribute(ATTR.STREAM_END, end);
    finishOutputs(record);
    span.end();
  };

  const onResult = (r: IteratorResult<unknown>, kind: 'next' | 'return' | 'throw') => {
    record.lastActivityMs = Date.now();
    if (r.done) finish(kind === 'next' ? 'completed' : kind === 'return' ? 'returned' : 'completed');
    else recordItem(record, r.value);
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
  defineHidden(target, 'next', wrap(origNext, 'next'));
  defineHidden(target, 'return', wrap(origReturn, 'return'));
  defineHidden(target, 'throw', wrap(origThrow, 'throw'));
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
  if (record.items.length < MAX_KEPT_ITEMS && record.keptChars <= state.capture.maxValueLength) {
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
    record.content,
    allStrings ? (items as string[]).join('') : items,
    record.thisArg,
  );
}
