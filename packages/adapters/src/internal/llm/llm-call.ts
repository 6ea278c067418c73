import { ATTR, type SpanHandle, type SpanType, startSpan } from '@glassbox/core';
import {
  type CaptureSettings,
  captureSettings,
  contentCaptureEnabled,
  redactString,
  setCapturedJson,
} from '@glassbox/core/instrumentation';
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { warnFailureOnce } from '../warn.js';
import { type Sweepable, unwatchIdle, watchIdle } from './idle-sweeper.js';
import { isThenable } from './patch.js';
import { recordLlmError } from './record-error.js';

/** Folds the items of a streamed reply and writes the result to the span when the stream ends. */
export interface StreamAggregator {
  /** Folds one stream item; returns true when it carried generated content (for time to first token). */
  add(item: unknown): boolean;
  /** Writes what was gathered (response id, model, usage, output messages) to the call's span. */
  finish(call: LlmCall): void;
}

/** What starts a call's span. */
export interface LlmCallInit {
  /** The adapter, as its warnings name it (`traceOpenAI`). */
  adapter: string;
  name: string;
  type: SpanType;
  attributes: Attributes;
  captureContent: boolean | undefined;
  idleTimeoutMs: number;
}

// A reply or stream that the application drops without reading would hold its span open forever; when
// the object it holds (request promise, stream, iterator) is collected, the span ends as `abandoned`.
const registry = new FinalizationRegistry<LlmCall>((call) => call.abandon('abandoned'));

/**
 * One traced LLM API call: its span, the rules for ending it (result, error, end of stream, abort, idle
 * timeout, garbage collection) and the helpers the provider mappings write through. Nothing here
 * references the SDK objects it watches, so the finalization registry can collect them.
 */
export class LlmCall implements Sweepable {
  readonly adapter: string;
  readonly span: Span;
  readonly ctx: Context;
  /** Whether prompts and completions are recorded on this span. */
  readonly contentOn: boolean;
  /** The capture rules of this span's installation (value limit, redactor). */
  readonly capture: CaptureSettings;
  readonly recording: boolean;
  private readonly handle: SpanHandle;
  private readonly startPerf = performance.now();
  readonly idleMs: number;
  private lastActivityMs = Date.now();
  private ended = false;
  private waits = 0;
  private consumedOnce = false;
  private parseStarted = false;
  private aborted = false;
  private stopping = false;
  private firstToken = false;
  private registered = false;
  private aggregator: StreamAggregator | undefined;

  constructor(init: LlmCallInit) {
    this.adapter = init.adapter;
    this.handle = startSpan({
      name: init.name,
      type: init.type,
      kind: SpanKind.CLIENT,
      attributes: init.attributes,
      captureContent: init.captureContent,
    });
    this.span = this.handle.otelSpan;
    this.recording = this.span.isRecording();
    // A span with no valid context (Glassbox disabled, no provider) must not hide the app's own parent
    // span. A recording span always has a valid one: only the others need the (regex) check.
    this.ctx =
      this.recording || isSpanContextValid(this.span.spanContext())
        ? trace.setSpan(context.active(), this.span)
        : context.active();
    // The span's rules: a client option, else the active span's subtree override (a private step), else
    // the switch of the installation that records the span (an app's own `createSpanProcessor` has its own).
    this.contentOn = this.recording && contentCaptureEnabled(this.handle);
    this.capture = captureSettings(this.handle);
    this.idleMs = init.idleTimeoutMs > 0 && Number.isFinite(init.idleTimeoutMs) ? init.idleTimeoutMs : 0;
    if (this.recording && this.idleMs > 0) watchIdle(this);
  }

  /** True once the span has ended. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Runs `fn` with this call's span active, so spans started inside (HTTP, SDK) nest under it. */
  run<T>(fn: () => T): T {
    return context.with(this.ctx, fn);
  }

  /** Sets one attribute, skipping `undefined` and `null` (no object built and walked per reply). */
  attr(key: string, value: unknown): void {
    if (value !== undefined && value !== null && !this.ended) this.span.setAttribute(key, value as any);
  }

  /** Records a content attribute (bounded, redacted JSON) when content capture is on for this call. */
  content(key: string, value: unknown): void {
    if (this.contentOn && !this.ended && value !== undefined) setCapturedJson(this.handle, key, value, true);
  }

  /** Marks the span failed for an error the provider reported inside a successful reply (no exception). */
  markError(type: string, message: string): void {
    if (this.ended) return;
    const redactor = this.capture.redactor;
    const clean = redactor ? redactString(message, redactor) : message;
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: clean.slice(0, 1024) });
    this.span.setAttribute(ATTR.ERROR_TYPE, type);
  }

  /** Keeps `target` under watch: when it is garbage collected before the call ends, the span ends. */
  watch(target: object): void {
    if (this.ended) return;
    this.unwatch();
    // The call is its own unregister token (held weakly): no token object per registration.
    registry.register(target, this, this);
    this.registered = true;
  }

  /** A consumer asked for the result (`await`, `.then`, `.withResponse()`): the request is now awaited. */
  consumed(responsePromise: unknown): void {
    if (this.consumedOnce) return;
    this.consumedOnce = true;
    this.unwatch();
    this.waits++;
    // Only now, with the SDK's own consumer attached, is observing the response promise's failure
    // free of side effects: an unconsumed failed request still surfaces as an unhandled rejection.
    if (isThenable(responsePromise)) responsePromise.then(undefined, (error: unknown) => this.fail(error));
  }

  /** A consumer asked for the raw `Response` (`.asResponse()`), which may never be parsed. */
  consumedRaw(responsePromise: unknown): void {
    this.consumed(responsePromise);
    if (!isThenable(responsePromise)) return;
    responsePromise.then(
      () => {
        // `.withResponse()` parses too and starts parsing first; only a bare `.asResponse()` ends here,
        // without reading the body the application is about to read.
        if (!this.parseStarted) this.complete();
      },
      () => undefined,
    );
  }

  /** The SDK started parsing the response body. */
  parsing(): void {
    this.parseStarted = true;
  }

  /** The awaited response was parsed: the call now waits for nothing (until a stream is read). */
  settled(): void {
    if (this.waits > 0) this.waits--;
    this.touch();
  }

  /** The result is a stream: its items go through `aggregator` until it ends. */
  streaming(aggregator: StreamAggregator): void {
    this.aggregator = aggregator;
  }

  /** A stream read started (`next()` pending). */
  pullStarted(): void {
    this.waits++;
  }

  /** A stream read finished. */
  pullEnded(): void {
    if (this.waits > 0) this.waits--;
    this.touch();
  }

  /** Folds one stream item and records the time to the first generated token. */
  chunk(item: unknown): void {
    if (this.ended || this.aggregator === undefined) return;
    let generated = false;
    try {
      generated = this.aggregator.add(item);
    } catch (error) {
      warnFailureOnce(this.adapter, 'chunk', 'could not read a stream item', error);
    }
    if (generated && !this.firstToken) {
      this.firstToken = true;
      const ms = Math.round((performance.now() - this.startPerf) * 10) / 10;
      this.span.setAttribute(ATTR.LLM_TIME_TO_FIRST_TOKEN_MS, ms);
    }
  }

  /** The consumer stops reading on purpose (`break`, `return()`); the SDK's abort that follows is part of it. */
  stop(): void {
    this.stopping = true;
  }

  /** The request's abort signal fired. */
  abortSignalled(): void {
    if (this.ended || this.stopping) return;
    this.aborted = true;
    // A pending read settles next, as an error or as the end of the stream; let it decide.
    if (this.waits === 0) this.complete('aborted');
  }

  /** How a stream that just ended normally should be labelled. */
  endOfStream(): string {
    return this.aborted ? 'aborted' : 'completed';
  }

  /** Ends the span successfully, writing what the stream gathered, with `glassbox.stream.end` if given. */
  complete(streamEnd?: string): void {
    if (this.ended) return;
    this.flushAggregator();
    if (streamEnd) this.span.setAttribute(ATTR.STREAM_END, streamEnd);
    this.end();
  }

  /** Ends the span as failed; the error itself is rethrown by the caller, unchanged. */
  fail(error: unknown, streamEnd?: string): void {
    if (this.ended) return;
    this.flushAggregator();
    recordLlmError(this.span, error, this.capture.redactor);
    if (streamEnd) this.span.setAttribute(ATTR.STREAM_END, streamEnd);
    this.end();
  }

  /** Ends a call nobody reads any more, stamped with its last activity so the duration stays true. */
  abandon(reason: 'abandoned' | 'idle_timeout'): void {
    if (this.ended) return;
    this.flushAggregator();
    this.span.setAttribute(ATTR.STREAM_END, reason);
    this.end(this.lastActivityMs);
  }

  private touch(): void {
    this.lastActivityMs = Date.now();
  }

  private flushAggregator(): void {
    if (this.aggregator === undefined) return;
    try {
      this.aggregator.finish(this);
    } catch (error) {
      warnFailureOnce(this.adapter, 'finish', 'could not record a streamed reply', error);
    }
    this.aggregator = undefined;
  }

  private end(time?: number): void {
    this.ended = true;
    if (this.idleMs > 0) unwatchIdle(this);
    this.unwatch();
    this.span.end(time);
  }

  private unwatch(): void {
    if (!this.registered) return;
    registry.unregister(this);
    this.registered = false;
  }

  /** Ends the call as `idle_timeout` when nothing is pending and nothing happened for `idleMs`. */
  sweep(now: number): boolean {
    if (this.ended) return true;
    // While a request or a read is pending the application is waiting on the provider, not idle.
    if (this.waits > 0 || now - this.lastActivityMs < this.idleMs) return false;
    this.abandon('idle_timeout');
    return true;
  }
}
