import type { LlmCall } from './llm-call.js';
import { isObj } from './parts.js';
import { defineHidden, isThenable } from './patch.js';

/**
 * Observes what a traced SDK method returned, without replacing it or changing when it runs.
 *
 * The SDKs' `APIPromise` is lazy: the body is only parsed when someone calls `.then()` (or
 * `.withResponse()`), and `.asResponse()` hands the raw, unread `Response` to the application. Calling
 * `.then()` ourselves would parse (consume) the body and break `.asResponse()`. So the instance's own
 * `parseResponse` is wrapped to see the parsed value whenever the SDK parses it (also through the
 * `_thenUnwrap` promises its helpers derive), and `parse`/`asResponse` are wrapped to learn when the
 * application starts waiting. Any other thenable is observed with `.then()`, as `trace()` does.
 */
export function observeResult(result: unknown, call: LlmCall, onValue: (value: unknown) => void): void {
  if (!isObj(result)) {
    onValue(result);
    return;
  }
  const promise = result as Record<string, any>;
  if (typeof promise.parseResponse === 'function' && isThenable(promise.responsePromise)) {
    // Derived promises may parse through ours (openai v6) or beside it (v7): the first value wins.
    let delivered = false;
    const deliver = (value: unknown) => {
      if (delivered) return;
      delivered = true;
      onValue(value);
    };
    hookParse(promise, call, deliver);
    hookConsumers(promise, call, deliver);
    call.watch(promise);
    return;
  }
  if (isThenable(promise)) {
    call.consumed(undefined);
    promise.then(
      (value) => {
        call.settled();
        onValue(value);
      },
      (error) => call.fail(error),
    );
    return;
  }
  onValue(result);
}

function hookParse(promise: Record<string, any>, call: LlmCall, onValue: (value: unknown) => void): void {
  const parseResponse = promise.parseResponse as (...args: unknown[]) => unknown;
  defineHidden(promise, 'parseResponse', function (this: unknown, ...args: unknown[]) {
    call.parsing();
    let out: unknown;
    try {
      out = parseResponse.apply(this, args);
    } catch (error) {
      call.fail(error);
      throw error;
    }
    if (!call.isEnded) {
      Promise.resolve(out).then(
        (value) => {
          call.settled();
          onValue(value);
        },
        (error: unknown) => call.fail(error),
      );
    }
    return out;
  });
}

// `parse` runs for `then`/`catch`/`finally`/`withResponse`; `_thenUnwrap` derives the promises that
// `embeddings.create`, `chat.completions.parse` and `responses.create` return. openai v6 derives them
// from the instance's `parseResponse` (ours); v7 from the original parse function, so each derived
// promise is hooked as well.
function hookConsumers(promise: Record<string, any>, call: LlmCall, deliver: (value: unknown) => void): void {
  const parse = promise.parse;
  if (typeof parse === 'function') {
    defineHidden(promise, 'parse', function (this: Record<string, any>, ...args: unknown[]) {
      call.consumed(this.responsePromise);
      return parse.apply(this, args);
    });
  } else {
    // An SDK shape without `parse`: count the request as awaited from the start.
    call.consumed(promise.responsePromise);
  }
  const asResponse = promise.asResponse;
  if (typeof asResponse === 'function') {
    defineHidden(promise, 'asResponse', function (this: Record<string, any>, ...args: unknown[]) {
      call.consumedRaw(this.responsePromise);
      return asResponse.apply(this, args);
    });
  }
  const thenUnwrap = promise._thenUnwrap;
  if (typeof thenUnwrap === 'function') {
    defineHidden(promise, '_thenUnwrap', function (this: unknown, ...args: unknown[]) {
      const derived = thenUnwrap.apply(this, args);
      if (isObj(derived)) {
        if (typeof derived.parseResponse === 'function') hookParse(derived, call, deliver);
        hookConsumers(derived, call, deliver);
      }
      return derived;
    });
  }
}
