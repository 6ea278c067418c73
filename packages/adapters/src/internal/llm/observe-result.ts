import type { LlmCall } from './llm-call.js';
import { isObj } from './parts.js';
import { defineHidden, isThenable } from './patch.js';
import { privateSlot } from './private-slot.js';

/**
 * Observes what a traced SDK method returned, without replacing it or changing when it runs.
 *
 * The SDKs' `APIPromise` is lazy: the body is only parsed when someone calls `.then()` (or
 * `.withResponse()`), and `.asResponse()` hands the raw, unread `Response` to the application. Calling
 * `.then()` ourselves would parse (consume) the body and break `.asResponse()`. So the instance's own
 * `parseResponse` is wrapped to see the parsed value whenever the SDK parses it (also through the
 * `_thenUnwrap` promises its helpers derive), and `parse`/`asResponse`/`_thenUnwrap` are observed to
 * learn when the application starts waiting. Any other thenable is observed with `.then()`, as
 * `trace()` does.
 *
 * The methods an SDK promise inherits are hooked once per promise class, not once per promise: the
 * promise gets a prototype of ours that derives from the SDK's own (built once, cached) and finds its
 * call through a private field. `Object.defineProperty` on every promise cost more than the rest of the
 * observation (and redefining `parseResponse` put the SDK's promises on V8's slow path, for traced and
 * untraced clients alike). The SDK's prototypes and other clients' promises are untouched, and a traced
 * promise keeps the SDK's own keys, `instanceof` and `constructor`. Methods the SDK puts on the promise
 * itself (openai v7's `_thenUnwrap`) are wrapped where they are, with a plain store.
 */
export function observeResult(result: unknown, call: LlmCall, onValue: (value: unknown) => void): void {
  if (!isObj(result)) {
    onValue(result);
    return;
  }
  const promise = result as Record<string, any>;
  if (typeof promise.parseResponse === 'function' && isThenable(promise.responsePromise)) {
    // Derived promises may parse through ours (openai v6) or beside it (v7): the first value wins.
    if (hookPromise(promise, new Observation(call, onValue))) call.watch(promise);
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

/** What one traced request's promises (the one returned and those derived from it) report to. */
class Observation {
  private delivered = false;

  constructor(
    readonly call: LlmCall,
    private readonly onValue: (value: unknown) => void,
  ) {}

  /** Hands the first parsed value on; derived promises parse the same reply again. */
  deliver(value: unknown): void {
    if (this.delivered) return;
    this.delivered = true;
    this.onValue(value);
  }
}

/** The observation each hooked SDK promise reports to. */
const observations = privateSlot<Observation>();

type Method = (this: Record<string, any>, ...args: unknown[]) => unknown;

/** The consumer methods observed, and what each tells the call before running the SDK's own. */
const CONSUMERS = {
  // `parse` runs for `then`/`catch`/`finally`/`withResponse`: the request is now awaited.
  parse: (sdk: Method, observation: Observation): Method =>
    function (...args) {
      observation.call.consumed(this.responsePromise);
      return sdk.apply(this, args);
    },
  asResponse: (sdk: Method, observation: Observation): Method =>
    function (...args) {
      observation.call.consumedRaw(this.responsePromise);
      return sdk.apply(this, args);
    },
  // `_thenUnwrap` derives the promises that `embeddings.create`, `chat.completions.parse` and
  // `responses.create` return. openai v6 derives them from the instance's `parseResponse` (ours); v7
  // from the original parse function, so each derived promise is hooked as well.
  _thenUnwrap: (sdk: Method, observation: Observation): Method =>
    function (...args) {
      return hookDerived(sdk.apply(this, args), observation);
    },
};
type Consumer = keyof typeof CONSUMERS;
const CONSUMER_KEYS = Object.keys(CONSUMERS) as Consumer[];

/** Hooks an SDK promise; false when it was already hooked (the same promise returned twice). */
function hookPromise(promise: Record<string, any>, observation: Observation): boolean {
  if (observations.get(promise) !== undefined) return false;
  if (typeof promise.parseResponse === 'function') hookParse(promise, observation);
  // An SDK shape without `parse`: count the request as awaited from the start.
  if (typeof promise.parse !== 'function') observation.call.consumed(promise.responsePromise);
  const proto = Object.getPrototypeOf(promise) as object | null;
  const traced = proto === null || !Object.isExtensible(promise) ? undefined : tracedPrototype(proto);
  if (traced !== undefined) {
    observations.set(promise, observation);
    Object.setPrototypeOf(promise, traced);
  }
  for (const key of CONSUMER_KEYS) {
    const sdk = promise[key];
    if (typeof sdk !== 'function') continue;
    if (Object.hasOwn(promise, key)) {
      // The SDK's own per-promise method: replaced as it was set, an own enumerable property.
      promise[key] = CONSUMERS[key](sdk, observation);
    } else if (traced === undefined) {
      defineHidden(promise, key, CONSUMERS[key](sdk, observation));
    }
  }
  return true;
}

function hookDerived(derived: unknown, observation: Observation): unknown {
  if (isObj(derived)) hookPromise(derived, observation);
  return derived;
}

function hookParse(promise: Record<string, any>, observation: Observation): void {
  const parseResponse = promise.parseResponse as (...args: unknown[]) => unknown;
  const call = observation.call;
  // A plain store: `parseResponse` is already the instance's own (enumerable, writable) property.
  promise.parseResponse = function (this: unknown, ...args: unknown[]) {
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
          observation.deliver(value);
        },
        (error: unknown) => call.fail(error),
      );
    }
    return out;
  };
}

// SDK promise prototype → ours, derived from it.
const tracedPrototypes = new WeakMap<object, object>();
let lastProto: object | undefined;
let lastTraced: object | undefined;

/**
 * Our prototype for the promises of one SDK class: each consumer method it has reports to the promise's
 * observation, then runs the SDK's own method, looked up on the SDK's prototype at each call (a later
 * patch of the SDK by someone else still runs). A promise without an observation passes straight through.
 */
function tracedPrototype(proto: object): object {
  if (proto === lastProto) return lastTraced!;
  let traced = tracedPrototypes.get(proto);
  if (traced === undefined) {
    const sdk = proto as Record<Consumer, Method | undefined>;
    const methods: PropertyDescriptorMap = {};
    for (const key of CONSUMER_KEYS) {
      if (typeof sdk[key] !== 'function') continue;
      const method: Method = function (...args) {
        const own = sdk[key] as Method;
        const observation = observations.get(this);
        return observation === undefined
          ? own.apply(this, args)
          : CONSUMERS[key](own, observation).apply(this, args);
      };
      methods[key] = { value: method, writable: true, configurable: true, enumerable: false };
    }
    traced = Object.create(proto, methods) as object;
    tracedPrototypes.set(proto, traced);
  }
  lastProto = proto;
  lastTraced = traced;
  return traced;
}
