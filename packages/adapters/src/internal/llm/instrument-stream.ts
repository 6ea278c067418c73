import type { LlmCall } from './llm-call.js';
import { isObj } from './parts.js';
import { defineHidden } from './patch.js';
import { privateSlot } from './private-slot.js';

/** Tells whether a value looks like an SDK `Stream`: async iterable with an abort `controller`. */
export function isSdkStream(value: unknown): boolean {
  return (
    isObj(value) &&
    typeof (value as any)[Symbol.asyncIterator] === 'function' &&
    isObj((value as any).controller) &&
    isObj((value as any).controller.signal)
  );
}

/**
 * Instruments an SDK `Stream` in place: the caller keeps the very same object (`for await`, `tee()`,
 * `toReadableStream()`, `controller` all work as before). The stream's iterator factory is wrapped, so
 * the span sees every item once, from the source, whichever consumer pulls it (a `tee()` branch, a
 * `ReadableStream`, the SDK's own stream helpers). The span ends when the source ends, errors, is
 * returned (`break`), when the request is aborted, or, for a stream nobody reads, by idle timeout or
 * garbage collection.
 */
export function instrumentStream(stream: object, call: LlmCall): void {
  const s = stream as Record<string | symbol, any>;
  watchAbort(s.controller, call);

  let started = false;
  const wrapFactory = (factory: (...args: unknown[]) => AsyncIterator<unknown>) =>
    function (this: unknown, ...args: unknown[]): AsyncIterator<unknown> {
      const inner = factory.apply(this, args);
      // A second iteration fails inside the SDK ("stream already consumed"); it is not this call's error.
      if (started || call.isEnded) return inner;
      started = true;
      const wrapped = new TracedIterator(inner, call);
      // From here on the iterator, not the stream, is what the application holds (`for await` keeps
      // only the iterator; `tee()` branches keep it through their closures).
      call.watch(wrapped);
      return wrapped;
    };

  // `iterator` is the SDKs' (TypeScript-private) factory behind `[Symbol.asyncIterator]`, `tee()` and
  // `toReadableStream()`; when a future SDK drops it, the public async iterator method is wrapped instead.
  if (Object.hasOwn(s, 'iterator') && typeof s.iterator === 'function') {
    s.iterator = wrapFactory(s.iterator);
  } else {
    defineHidden(s, Symbol.asyncIterator, wrapFactory(s[Symbol.asyncIterator]));
  }
  call.watch(stream);
}

/** The call each hooked stream controller reports its abort to. */
const abortedCalls = privateSlot<LlmCall>();
// AbortController prototype → ours, derived from it.
const abortPrototypes = new WeakMap<object, object>();

/**
 * Ends the call as aborted when the stream's controller aborts (`controller.abort()`, the caller's
 * `signal`, a timeout: the SDKs abort the stream's controller for all of them). Instead of an `abort`
 * listener on its signal (Node's `addEventListener` cost more than the rest of a stream's tracing), the
 * controller gets a prototype of ours, derived from its own, whose `abort` reports to the call once the
 * signal has aborted. The controller stays an `AbortController` with its own keys.
 */
function watchAbort(controller: Record<string, any>, call: LlmCall): void {
  const signal = controller.signal as AbortSignal;
  if (signal.aborted) {
    call.abortSignalled();
    return;
  }
  const proto = Object.getPrototypeOf(controller) as Record<string, any> | null;
  if (
    proto !== null &&
    typeof proto.abort === 'function' &&
    !Object.hasOwn(controller, 'abort') &&
    Object.isExtensible(controller) &&
    abortedCalls.set(controller, call)
  ) {
    Object.setPrototypeOf(controller, abortPrototype(proto));
    return;
  }
  signal.addEventListener('abort', () => call.abortSignalled(), { once: true });
}

function abortPrototype(proto: Record<string, any>): object {
  let traced = abortPrototypes.get(proto);
  if (traced === undefined) {
    const abort = function (this: Record<string, any>, ...args: unknown[]): unknown {
      try {
        return (proto.abort as (...a: unknown[]) => unknown).apply(this, args);
      } finally {
        const call = abortedCalls.get(this);
        if (call !== undefined && (this.signal as AbortSignal | undefined)?.aborted) call.abortSignalled();
      }
    };
    traced = Object.create(proto, {
      abort: { value: abort, writable: true, configurable: true, enumerable: false },
    }) as object;
    abortPrototypes.set(proto, traced);
  }
  return traced;
}

/**
 * The stream's iterator as the application sees it: each read passes through to the SDK's iterator,
 * and its result is folded into the span before the application gets it. The settlement handlers are
 * made once per stream, not per read.
 */
class TracedIterator implements AsyncIterator<unknown>, AsyncIterable<unknown> {
  readonly #inner: AsyncIterator<unknown>;
  readonly #call: LlmCall;
  readonly #onItem: (result: IteratorResult<unknown>) => IteratorResult<unknown>;
  readonly #onReturned: (result: IteratorResult<unknown>) => IteratorResult<unknown>;
  readonly #onError: (error: unknown) => never;

  constructor(inner: AsyncIterator<unknown>, call: LlmCall) {
    this.#inner = inner;
    this.#call = call;
    this.#onItem = (result) => {
      call.pullEnded();
      if (result.done) call.complete(call.endOfStream());
      else call.chunk(result.value);
      return result;
    };
    this.#onReturned = (result) => {
      call.pullEnded();
      call.complete('returned');
      return result;
    };
    this.#onError = (error) => {
      call.pullEnded();
      call.fail(error, 'error');
      throw error;
    };
  }

  next(value?: unknown): Promise<IteratorResult<unknown>> {
    // The hot path (one call per item): no closure and no argument array per read; `next()` and
    // `next(value)` stay apart, as the caller made them.
    const call = this.#call;
    const inner = this.#inner;
    // biome-ignore lint/complexity/noArguments: counting arguments allocates nothing, a rest array would.
    const withValue = arguments.length > 0;
    if (call.isEnded) return Promise.resolve(withValue ? inner.next(value) : inner.next());
    call.pullStarted();
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = Promise.resolve(withValue ? inner.next(value) : inner.next());
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(this.#onItem, this.#onError);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    const inner = this.#inner;
    // The SDK aborts its request when the consumer leaves early; that abort is part of the stop.
    this.#call.stop();
    return this.#pull(
      () => (inner.return ? inner.return(value) : { done: true as const, value }),
      this.#onReturned,
    );
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    const inner = this.#inner;
    return this.#pull(() => {
      if (inner.throw) return inner.throw(error);
      throw error;
    }, this.#onItem);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #pull(
    read: () => IteratorResult<unknown> | Promise<IteratorResult<unknown>>,
    onResult: (result: IteratorResult<unknown>) => IteratorResult<unknown>,
  ): Promise<IteratorResult<unknown>> {
    const call = this.#call;
    if (call.isEnded) return Promise.resolve(read());
    call.pullStarted();
    let pending: Promise<IteratorResult<unknown>>;
    try {
      pending = Promise.resolve(read());
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(onResult, this.#onError);
  }
}
