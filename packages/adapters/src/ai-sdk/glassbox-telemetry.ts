import { type ActiveSpan, ATTR, SpanType, startSpan } from '@glassbox/core';
import { contentCaptureEnabled, type Rule, rules } from '@glassbox/core/instrumentation';
import { context, trace } from '@opentelemetry/api';
import { defined } from '../internal/attribute-map.js';
import { monotonicMs, OpenCalls } from '../internal/open-calls.js';
import { ABANDON_AFTER_MS, assertOptions, MAX_OPEN } from '../internal/options.js';
import { tryOrWarn } from '../internal/warn.js';
import { providerName } from './ai-sdk-attributes.js';
import {
  type ContentRules,
  endEmbedding,
  endModelCall,
  endObjectModelCall,
  type ModelCall,
  recordModelAnswer,
  startEmbedding,
  startModelCall,
} from './model-call-spans.js';

/** Options of `glassboxTelemetry`. */
export interface GlassboxTelemetryOptions {
  /** Overrides the global `captureContent` switch for AI SDK calls (messages, tool arguments and results). */
  captureContent?: boolean;
  /** A call with no lifecycle event for this long is ended as `abandoned`, at its last event (default 600000). */
  abandonAfterMs?: number;
  /** Calls kept open at most; beyond it the oldest is ended as `abandoned` (default 1000). */
  maxOpenCalls?: number;
}

const OPTIONS = rules.object({
  captureContent: rules.boolean(),
  abandonAfterMs: ABANDON_AFTER_MS,
  maxOpenCalls: MAX_OPEN,
} satisfies Record<keyof GlassboxTelemetryOptions, Rule>);

type Obj = Record<string, any>;

type Hook = (event: Obj) => void;

/**
 * The integration `glassboxTelemetry` returns: structurally an AI SDK 7 `Telemetry`, declared here so
 * that this subpath's types also load next to AI SDK 4 to 6 (which have no `Telemetry` type).
 */
export interface GlassboxTelemetry {
  onStart: Hook;
  onLanguageModelCallStart: Hook;
  onLanguageModelCallEnd: Hook;
  onStepEnd: Hook;
  onStepError: Hook;
  onObjectStepStart: Hook;
  onObjectStepEnd: Hook;
  onToolExecutionStart: Hook;
  onToolExecutionEnd: Hook;
  onEmbedStart: Hook;
  onEmbedEnd: Hook;
  onEnd: Hook;
  onAbort: Hook;
  onError: (error: unknown) => void;
  executeLanguageModelCall<T>(options: { callId: string; execute: () => PromiseLike<T> }): PromiseLike<T>;
  executeTool<T>(options: {
    callId: string;
    toolCallId: string;
    execute: () => PromiseLike<T>;
  }): PromiseLike<T>;
}

interface CallRecord {
  span: ActiveSpan;
  stream: boolean;
  rules: ContentRules;
  toolDescriptions: Map<string, string>;
  model: ModelCall | undefined;
  tools: Map<string, ActiveSpan>;
  embeddings: Map<string, ActiveSpan>;
  /** When the last event arrived (monotonic), for the sweep. */
  lastMs: number;
  /** The span time of the last event, where an abandoned call is ended. */
  lastAt: number;
}

type Ending = 'completed' | 'error' | 'aborted' | 'abandoned';

const STREAMING = new Set(['ai.streamText', 'ai.streamObject']);

/**
 * An AI SDK 7 telemetry integration that records each call as an AGENT (with tools) or CHAIN span, with
 * an LLM span per model call and a TOOL span per tool execution, nested under the active Glassbox span.
 */
export function glassboxTelemetry(options: GlassboxTelemetryOptions = {}): GlassboxTelemetry {
  assertOptions(options, OPTIONS, 'glassboxTelemetry');
  const calls = new OpenCalls<CallRecord>(
    { maxOpen: options.maxOpenCalls ?? 1000, abandonAfterMs: options.abandonAfterMs ?? 600_000 },
    (record) => finish(record, 'abandoned', undefined, record.lastAt),
  );

  // Finds the record of an event and marks it active, so the sweep leaves it alone.
  const touch = (event: Obj): { record: CallRecord; at: number } | undefined => {
    const record = calls.get(event?.callId);
    if (record === undefined) return undefined;
    const at = eventTime(event);
    record.lastMs = monotonicMs();
    record.lastAt = at;
    return { record, at };
  };

  const onStart = (event: Obj): void => {
    const at = eventTime(event);
    const operation = typeof event.operationId === 'string' ? event.operationId : 'ai.call';
    const tools = typeof event.tools === 'object' && event.tools !== null ? (event.tools as Obj) : {};
    const agent = Object.keys(tools).length > 0;
    const span = startSpan({
      name: typeof event.functionId === 'string' ? `${operation} ${event.functionId}` : operation,
      type: agent ? SpanType.AGENT : SpanType.CHAIN,
      startTime: at,
      captureContent: options.captureContent,
      attributes: defined({
        [ATTR.GEN_AI_OPERATION_NAME]: agent ? 'invoke_agent' : undefined,
        [ATTR.GEN_AI_PROVIDER_NAME]: providerName(event.provider),
        [ATTR.GEN_AI_REQUEST_MODEL]: typeof event.modelId === 'string' ? event.modelId : undefined,
        [ATTR.GEN_AI_OUTPUT_TYPE]: outputType(event.output),
      }),
    });
    // The span's own rules: this integration's override, else the active span's, else its installation's.
    const content = contentCaptureEnabled(span);
    const rules = {
      inputs: content && event.recordInputs !== false,
      outputs: content && event.recordOutputs !== false,
      override: options.captureContent,
    };
    if (rules.inputs) span.setInputs(callInputs(event));
    const toolDescriptions = new Map<string, string>();
    for (const [name, tool] of Object.entries(tools))
      if (typeof tool?.description === 'string') toolDescriptions.set(name, tool.description);
    const record: CallRecord = {
      span,
      stream: STREAMING.has(operation),
      rules,
      toolDescriptions,
      model: undefined,
      tools: new Map(),
      embeddings: new Map(),
      lastMs: monotonicMs(),
      lastAt: at,
    };
    calls.add(String(event.callId), record);
  };

  const startModel = (event: Obj, messages: unknown): void => {
    const hit = touch(event);
    if (!hit) return;
    const { record, at } = hit;
    if (record.model) endModelCall(record.model, undefined, at);
    record.model = startModelCall(record.span, event, at, record.rules, messages);
  };

  const onToolExecutionStart = (event: Obj): void => {
    const hit = touch(event);
    const call = event.toolCall ?? {};
    if (!hit || typeof call.toolCallId !== 'string') return;
    const { record, at } = hit;
    const name = String(call.toolName ?? 'tool');
    const span = startSpan({
      name: `execute_tool ${name}`,
      type: SpanType.TOOL,
      parent: record.span,
      startTime: at,
      captureContent: record.rules.override,
      attributes: defined({
        [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
        [ATTR.GEN_AI_TOOL_NAME]: name,
        [ATTR.GEN_AI_TOOL_CALL_ID]: call.toolCallId,
        [ATTR.GEN_AI_TOOL_TYPE]: 'function',
        [ATTR.GEN_AI_TOOL_DESCRIPTION]: record.toolDescriptions.get(name),
      }),
    });
    if (record.rules.inputs) span.setInputs(call.input);
    record.tools.set(call.toolCallId, span);
  };

  const onToolExecutionEnd = (event: Obj): void => {
    const hit = touch(event);
    const id = event.toolCall?.toolCallId ?? event.toolOutput?.toolCallId;
    const span = hit?.record.tools.get(id);
    if (!hit || !span) return;
    hit.record.tools.delete(id);
    const output = event.toolOutput ?? {};
    if (output.type === 'tool-error') span.recordError(output.error);
    else if (hit.record.rules.outputs && 'output' in output) span.setOutputs(output.output);
    span.end(hit.at);
  };

  const onEnd = (event: Obj): void => {
    const hit = touch(event);
    if (!hit) return;
    const { record, at } = hit;
    if (record.rules.outputs) {
      const output =
        'object' in event
          ? event.object
          : 'output' in event && event.output !== undefined
            ? event.output
            : event.text;
      if (output !== undefined) record.span.setOutputs(output);
    }
    calls.remove(event.callId);
    finish(record, 'completed', undefined, at);
  };

  const onFailure = (event: Obj, ending: Ending): void => {
    const hit = touch(event);
    if (!hit) return;
    calls.remove(event.callId);
    finish(hit.record, ending, event.error, hit.at);
  };

  // Runs `execute` with `span` active, so a traced function or a nested AI SDK call inside nests under it.
  const runIn = <T>(span: ActiveSpan | undefined, execute: () => PromiseLike<T>): PromiseLike<T> =>
    span ? context.with(trace.setSpan(context.active(), span.otelSpan), execute) : execute();

  return {
    onStart: guard('onStart', onStart),
    onLanguageModelCallStart: guard('onLanguageModelCallStart', (e: Obj) => startModel(e, e.messages)),
    onLanguageModelCallEnd: guard('onLanguageModelCallEnd', (e: Obj) => {
      const hit = touch(e);
      if (hit?.record.model) recordModelAnswer(hit.record.model, e, hit.at, hit.record.rules);
    }),
    onStepEnd: guard('onStepEnd', (e: Obj) => {
      const hit = touch(e);
      if (!hit?.record.model) return;
      endModelCall(hit.record.model, e, hit.at);
      hit.record.model = undefined;
    }),
    onStepError: guard('onStepError', (e: Obj) => {
      const hit = touch(e);
      if (!hit?.record.model) return;
      hit.record.model.span.recordError(e.error);
      endModelCall(hit.record.model, undefined, hit.at);
      hit.record.model = undefined;
    }),
    onObjectStepStart: guard('onObjectStepStart', (e: Obj) => startModel(e, e.promptMessages)),
    onObjectStepEnd: guard('onObjectStepEnd', (e: Obj) => {
      const hit = touch(e);
      if (!hit?.record.model) return;
      endObjectModelCall(hit.record.model, e, hit.at, hit.record.rules);
      hit.record.model = undefined;
    }),
    onToolExecutionStart: guard('onToolExecutionStart', onToolExecutionStart),
    onToolExecutionEnd: guard('onToolExecutionEnd', onToolExecutionEnd),
    onEmbedStart: guard('onEmbedStart', (e: Obj) => {
      const hit = touch(e);
      if (hit)
        hit.record.embeddings.set(
          String(e.embedCallId),
          startEmbedding(hit.record.span, e, hit.at, hit.record.rules),
        );
    }),
    onEmbedEnd: guard('onEmbedEnd', (e: Obj) => {
      const hit = touch(e);
      const span = hit?.record.embeddings.get(String(e.embedCallId));
      if (!hit || !span) return;
      hit.record.embeddings.delete(String(e.embedCallId));
      endEmbedding(span, e, hit.at);
    }),
    onEnd: guard('onEnd', onEnd),
    onAbort: guard('onAbort', (e: Obj) => onFailure({ ...e, error: undefined }, 'aborted')),
    onError: guard('onError', (e: unknown) => onFailure(e as Obj, 'error')),
    executeLanguageModelCall: (o) => runIn(calls.get(o.callId)?.model?.span, o.execute),
    executeTool: (o) => runIn(calls.get(o.callId)?.tools.get(o.toolCallId), o.execute),
  };
}

/** Ends a call's open spans and its own span, at span time `end`, recording how it ended. */
function finish(record: CallRecord, ending: Ending, error: unknown, end: number): void {
  if (record.model) {
    if (record.model.endAt === undefined && ending !== 'completed') {
      if (ending === 'error') record.model.span.recordError(error);
      else record.model.span.setAttribute(ATTR.STREAM_END, ending);
    }
    endModelCall(record.model, undefined, end);
    record.model = undefined;
  }
  for (const span of [...record.tools.values(), ...record.embeddings.values()]) {
    if (ending !== 'completed') span.setAttribute(ATTR.STREAM_END, ending);
    span.end(end);
  }
  record.tools.clear();
  record.embeddings.clear();
  if (ending === 'error') record.span.recordError(error);
  if (record.stream || ending === 'aborted' || ending === 'abandoned')
    record.span.setAttribute(ATTR.STREAM_END, ending);
  record.span.end(end);
}

// Durable runs report events after the fact with their own epoch timestamp; live events happen now.
function eventTime(event: Obj | undefined): number {
  return typeof event?.timestamp === 'number' ? event.timestamp : monotonicMs();
}

function callInputs(event: Obj): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const key of ['instructions', 'system', 'prompt', 'messages', 'value', 'values', 'query']) {
    if (event[key] !== undefined) inputs[key] = event[key];
  }
  return inputs;
}

// `generateObject` names its strategy (`object`, `array`, ...); `generateText` passes an Output spec.
function outputType(output: unknown): string | undefined {
  if (typeof output === 'string') return 'json';
  const name = (output as Obj | undefined)?.name;
  if (typeof name !== 'string') return undefined;
  return name === 'text' ? 'text' : 'json';
}

// Telemetry must never break the user's call: a failing handler is reported once through Glassbox's logger.
function guard<E>(name: string, handler: (event: E) => void): (event: E) => void {
  return (event) => {
    tryOrWarn('glassboxTelemetry', name, `${name} failed`, () => handler(event));
  };
}
