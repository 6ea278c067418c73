import { ATTR, type SpanHandle, type SpanOptions, withSpan } from '@glassbox/core';
import { captureSettings, contentCaptureEnabled, redactString } from '@glassbox/core/instrumentation';
import { type Attributes, SpanStatusCode } from '@opentelemetry/api';
import { isObj, type Obj } from '../internal/llm/parts.js';
import { isThenable } from '../internal/llm/patch.js';
import { tryOrWarn, warnFailureOnce } from '../internal/warn.js';
import { firstText, resultForCapture } from './mcp-attributes.js';

/** What both sides' tracing is configured with. */
export interface McpSettings {
  adapter: 'traceMcpClient' | 'traceMcpServer';
  captureContent: boolean | undefined;
  attributes: Attributes | undefined;
  /** Whether a `tools/call` inside a matching tool span adds to it instead of starting a span. */
  enrichToolSpans: boolean;
  /** The client whose `tools/list` and `tools/call` feed `mcpToolReport`, if any. */
  reportOwner: object | undefined;
}

/** What an MCP connection has told us so far. */
interface ConnectionState {
  protocolVersion?: string;
}

const states = new WeakMap<object, ConnectionState>();

/** The state kept for one Client or Server instance. */
export function stateOf(protocol: object): ConnectionState {
  let state = states.get(protocol);
  if (state === undefined) {
    state = {};
    states.set(protocol, state);
  }
  return state;
}

/** Remembers the negotiated protocol version from an `initialize` result. */
export function rememberInitialize(protocol: object, result: unknown): void {
  if (isObj(result) && typeof result.protocolVersion === 'string') {
    stateOf(protocol).protocolVersion = result.protocolVersion;
  }
}

// Status messages quote at most this much of a tool's error text.
const MAX_TOOL_ERROR_TEXT = 500;

/**
 * Marks a `CallToolResult` with `isError: true`: `error.type = tool_error` and status ERROR, described by
 * the result's first text when content capture is on (that text is content: it often echoes arguments).
 */
export function markToolError(span: SpanHandle, result: Obj): void {
  span.setAttribute(ATTR.ERROR_TYPE, 'tool_error');
  const text = contentCaptureEnabled(span) ? firstText(result) : undefined;
  const message =
    text === undefined ? undefined : redactString(text, captureSettings(span).redactor, MAX_TOOL_ERROR_TEXT);
  span.otelSpan.setStatus(
    message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message },
  );
}

/** Records a result as `glassbox.outputs` (without `_meta`). */
export function recordOutputs(span: SpanHandle, result: unknown): void {
  span.setOutputs(resultForCapture(result));
}

/** What a traced call settles to inside `withSpan`, so that its failures are recorded by us, not twice. */
type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Callbacks of `runInMcpSpan`, each run under `tryOrWarn`: tracing problems never reach the app. */
export interface McpSpanHooks {
  /** Runs the traced call (the SDK's `request` or a handler) and returns its result. */
  call: (span: SpanHandle | undefined) => unknown;
  onResult: (span: SpanHandle, result: unknown) => void;
  onError: (span: SpanHandle, error: unknown) => void;
}

/**
 * Runs a call as a span: returns exactly what the call returns (the same value, sync throw or rejection),
 * having recorded its result or error through the hooks before the span ends.
 */
export function runInMcpSpan(adapter: string, options: SpanOptions, hooks: McpSpanHooks): unknown {
  const settledSync = { value: undefined as Settled | undefined };
  const finish = (span: SpanHandle, outcome: Settled): Settled => {
    if (outcome.ok)
      tryOrWarn(adapter, 'result', 'could not record an MCP result', () =>
        hooks.onResult(span, outcome.value),
      );
    else
      tryOrWarn(adapter, 'error', 'could not record an MCP error', () => hooks.onError(span, outcome.error));
    return outcome;
  };
  let called = false;
  // The call's settlement, kept outside withSpan: a tracing failure after the call must not lose it.
  let pending: Promise<Settled> | undefined;
  let returned: unknown;
  try {
    withSpan({ ...options, captureOutputs: false }, (span) => spanBody(span));
  } catch (error) {
    // Only a failure of tracing itself gets here (the call's own errors are settled inside).
    if (!called) {
      warnFailureOnce(adapter, 'span', 'could not start an MCP span', error);
      return hooks.call(undefined);
    }
    // The call already ran (never run it twice): report, and hand back its own outcome.
    warnFailureOnce(adapter, 'span-end', 'could not finish an MCP span', error);
    // Failed before its result was settled (a `then` getter that throws): the result as it came.
    if (settledSync.value === undefined && pending === undefined) return returned;
    return outcome(settledSync.value, pending);
  }
  function spanBody(span: SpanHandle): Promise<Settled> | undefined {
    called = true;
    let result: unknown;
    try {
      result = hooks.call(span);
    } catch (error) {
      settledSync.value = finish(span, { ok: false, error });
      return undefined;
    }
    returned = result;
    if (!isThenable(result)) {
      settledSync.value = finish(span, { ok: true, value: result });
      return undefined;
    }
    // Resolved, never rejected: withSpan would record a rejection a second time, as its own error.type.
    pending = Promise.resolve(result).then(
      (value): Settled => finish(span, { ok: true, value }),
      (error: unknown): Settled => finish(span, { ok: false, error }),
    );
    return pending;
  }
  return outcome(settledSync.value, pending);
}

/** The call's own outcome, as the caller gets it: its value, its throw, or a promise of either. */
function outcome(sync: Settled | undefined, pending: Promise<Settled> | undefined): unknown {
  if (sync !== undefined) {
    if (sync.ok) return sync.value;
    throw sync.error;
  }
  return (pending as Promise<Settled>).then((settled) => {
    if (settled.ok) return settled.value;
    throw settled.error;
  });
}
