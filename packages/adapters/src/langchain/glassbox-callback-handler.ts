import { type ActiveSpan, ATTR, SpanType, startSpan } from '@glassbox/core';
import { contentCaptureEnabled, type Rule, rules, setCapturedJson } from '@glassbox/core/instrumentation';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { SpanKind } from '@opentelemetry/api';
import { defined } from '../internal/attribute-map.js';
import { monotonicMs, OpenCalls } from '../internal/open-calls.js';
import { ABANDON_AFTER_MS, assertOptions, MAX_OPEN } from '../internal/options.js';
import { tryOrWarn } from '../internal/warn.js';
import { chainSpanType, chainStartArguments } from './chain-run.js';
import { parseJson, plain, toDocuments, toInputMessages, unwrap } from './langchain-messages.js';
import {
  recordModelInput,
  recordModelOutput,
  requestAttributes,
  requestedModel,
  responseAttributes,
} from './model-run.js';

/** Options of `GlassboxCallbackHandler`. */
export interface GlassboxCallbackHandlerOptions {
  /** Overrides the global `captureContent` switch for LangChain runs (messages, inputs, outputs, documents). */
  captureContent?: boolean;
  /** A run with no callback for this long is ended as `abandoned`, at its last callback (default 600000). */
  abandonAfterMs?: number;
  /** Runs kept open at most; beyond it the oldest is ended as `abandoned` (default 1000). */
  maxOpenRuns?: number;
}

// LangChain's own handler options (`ignoreLLM`, `raiseError`...) are refused like any unknown key: the
// handler does not pass them on (it must always be awaited, and never raises), so taking them would
// ignore them silently.
const OPTIONS = rules.object({
  captureContent: rules.boolean(),
  abandonAfterMs: ABANDON_AFTER_MS,
  maxOpenRuns: MAX_OPEN,
} satisfies Record<keyof GlassboxCallbackHandlerOptions, Rule>);

type Obj = Record<string, any>;

// Times are monotonic milliseconds, which OpenTelemetry also accepts as span times.
interface Run {
  span: ActiveSpan;
  startMs: number;
  lastMs: number;
  firstTokenSeen: boolean;
}

/**
 * A LangChain.js callback handler that records chains, chat models and LLMs, tools and retrievers as
 * Glassbox spans, parented by LangChain's run ids and nested under the active Glassbox span.
 */
export class GlassboxCallbackHandler extends BaseCallbackHandler {
  name = 'glassbox';
  private readonly runs: OpenCalls<Run>;
  private readonly captureOverride: boolean | undefined;

  constructor(options: GlassboxCallbackHandlerOptions = {}) {
    // Awaited handlers run inline, in the caller's async context (so a root run nests under the active
    // span) and in order (a run's start is always seen before its end).
    super({ _awaitHandler: true });
    // LangChain's `copy()` passes the handler itself: the copy shares its open runs.
    const source = options instanceof GlassboxCallbackHandler ? options : undefined;
    if (!source) assertOptions(options, OPTIONS, 'GlassboxCallbackHandler');
    this.captureOverride = source ? source.captureOverride : options.captureContent;
    this.runs =
      source?.runs ??
      new OpenCalls<Run>(
        { maxOpen: options.maxOpenRuns ?? 1000, abandonAfterMs: options.abandonAfterMs ?? 600_000 },
        (run) => {
          run.span.setAttribute(ATTR.STREAM_END, 'abandoned');
          run.span.end(run.lastMs);
        },
      );
  }

  override handleChatModelStart(
    llm: Obj,
    messages: Obj[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Obj,
    _tags?: string[],
    metadata?: Obj,
  ): void {
    this.safely('handleChatModelStart', () => {
      const span = this.startModelRun('chat', llm, runId, parentRunId, extraParams, metadata);
      if (contentCaptureEnabled(span)) recordModelInput(span, toInputMessages(messages[0]), extraParams);
    });
  }

  override handleLLMStart(
    llm: Obj,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Obj,
    _tags?: string[],
    metadata?: Obj,
  ): void {
    this.safely('handleLLMStart', () => {
      const span = this.startModelRun('text_completion', llm, runId, parentRunId, extraParams, metadata);
      const messages = prompts.map((prompt) => ({
        role: 'user',
        parts: [{ type: 'text', content: prompt }],
      }));
      if (contentCaptureEnabled(span)) recordModelInput(span, { system: [], messages }, extraParams);
    });
  }

  override handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    const run = this.touch(runId);
    if (!run || run.firstTokenSeen) return;
    run.firstTokenSeen = true;
    run.span.setAttribute(ATTR.LLM_TIME_TO_FIRST_TOKEN_MS, run.lastMs - run.startMs);
  }

  override handleLLMEnd(output: Obj, runId: string): void {
    this.safely('handleLLMEnd', () => {
      const run = this.finish(runId);
      if (!run) return;
      run.span.setAttributes(defined(responseAttributes(output)));
      if (contentCaptureEnabled(run.span)) recordModelOutput(run.span, output);
      run.span.end();
    });
  }

  override handleChainStart(chain: Obj, inputs: Obj, runId: string, ...rest: unknown[]): void {
    this.safely('handleChainStart', () => {
      const { parentRunId, runType, runName, extra } = chainStartArguments(rest);
      const name = runName ?? chain?.id?.at?.(-1) ?? 'chain';
      const type = chainSpanType(runType, name);
      const span = this.start(runId, parentRunId, { name, type });
      if (type === SpanType.AGENT) span.setAttribute(ATTR.GEN_AI_OPERATION_NAME, 'invoke_agent');
      // Streaming runs report their input only at the end (`lc_defers_inputs`).
      if (!extra?.lc_defers_inputs) span.setInputs(unwrap(inputs));
    });
  }

  override handleChainEnd(
    outputs: Obj,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    kwargs?: { inputs?: Obj },
  ): void {
    this.safely('handleChainEnd', () => {
      const run = this.finish(runId);
      if (!run) return;
      if (kwargs?.inputs !== undefined) run.span.setInputs(unwrap(kwargs.inputs));
      run.span.setOutputs(unwrap(outputs));
      run.span.end();
    });
  }

  override handleAgentAction(_action: unknown, runId: string): void {
    // An agent run only shows itself by taking actions: from then on its span is an AGENT span.
    this.touch(runId)?.span.setAttributes({
      [ATTR.SPAN_TYPE]: SpanType.AGENT,
      [ATTR.GEN_AI_OPERATION_NAME]: 'invoke_agent',
    });
  }

  override handleToolStart(
    tool: Obj,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Obj,
    runName?: string,
    toolCallId?: string,
  ): void {
    this.safely('handleToolStart', () => {
      const name = runName ?? tool?.name ?? tool?.id?.at?.(-1) ?? 'tool';
      const span = this.start(runId, parentRunId, {
        name: `execute_tool ${name}`,
        type: SpanType.TOOL,
        attributes: defined({
          [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
          [ATTR.GEN_AI_TOOL_NAME]: name,
          [ATTR.GEN_AI_TOOL_CALL_ID]: toolCallId ?? undefined,
          [ATTR.GEN_AI_TOOL_TYPE]: 'function',
        }),
      });
      span.setInputs(parseJson(input));
    });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.safely('handleToolEnd', () => {
      const run = this.finish(runId);
      if (!run) return;
      const message = output as Obj | undefined;
      // A tool called with a ToolCall answers with a ToolMessage; its content is the result.
      const isToolMessage = typeof message?.tool_call_id === 'string' && 'content' in message;
      run.span.setOutputs(isToolMessage ? parseJson(message.content) : plain(output));
      if (isToolMessage && message.status === 'error')
        run.span.recordError(new Error(String(message.content)));
      run.span.end();
    });
  }

  override handleRetrieverStart(
    retriever: Obj,
    query: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Obj,
    name?: string,
  ): void {
    this.safely('handleRetrieverStart', () => {
      const source = name ?? retriever?.id?.at?.(-1) ?? 'retriever';
      const span = this.start(runId, parentRunId, {
        name: `retrieval ${source}`,
        type: SpanType.RETRIEVER,
        attributes: { [ATTR.GEN_AI_OPERATION_NAME]: 'retrieval', [ATTR.GEN_AI_DATA_SOURCE_ID]: source },
      });
      if (contentCaptureEnabled(span) && span.isRecording()) span.setAttribute(ATTR.RETRIEVAL_QUERY, query);
    });
  }

  override handleRetrieverEnd(documents: Obj[], runId: string): void {
    this.safely('handleRetrieverEnd', () => {
      const run = this.finish(runId);
      if (!run) return;
      run.span.setAttribute(ATTR.RETRIEVAL_DOCUMENT_COUNT, Array.isArray(documents) ? documents.length : 0);
      if (contentCaptureEnabled(run.span) && run.span.isRecording())
        setCapturedJson(run.span, ATTR.RETRIEVAL_DOCUMENTS, toDocuments(documents), true);
      run.span.end();
    });
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  override handleChainError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  override handleToolError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  override handleRetrieverError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  private startModelRun(
    operation: string,
    llm: Obj,
    runId: string,
    parentRunId: string | undefined,
    extraParams: Obj | undefined,
    metadata: Obj | undefined,
  ): ActiveSpan {
    const model = requestedModel(llm, extraParams, metadata);
    return this.start(runId, parentRunId, {
      name: `${operation} ${model}`,
      type: SpanType.LLM,
      kind: SpanKind.CLIENT,
      attributes: defined({
        [ATTR.GEN_AI_OPERATION_NAME]: operation,
        [ATTR.GEN_AI_REQUEST_MODEL]: model,
        ...requestAttributes(extraParams, metadata),
      }),
    });
  }

  private start(
    runId: string,
    parentRunId: string | undefined,
    options: { name: string; type: SpanType; kind?: SpanKind; attributes?: Obj },
  ): ActiveSpan {
    // A run whose parent is unknown (a root run, or a parent we never saw) nests under the active span.
    const parent = this.runs.get(parentRunId)?.span;
    const span = startSpan({ ...options, parent, captureContent: this.captureOverride });
    const at = monotonicMs();
    this.runs.add(runId, { span, startMs: at, lastMs: at, firstTokenSeen: false });
    return span;
  }

  private touch(runId: string): Run | undefined {
    const run = this.runs.get(runId);
    if (run) run.lastMs = monotonicMs();
    return run;
  }

  private finish(runId: string): Run | undefined {
    return this.runs.remove(runId);
  }

  private fail(runId: string, error: unknown): void {
    this.safely('error', () => {
      const run = this.finish(runId);
      if (!run) return;
      run.span.recordError(error);
      run.span.end();
    });
  }

  // A tracing problem must never break the user's chain: it is reported once through Glassbox's logger.
  private safely(where: string, fn: () => void): void {
    tryOrWarn('GlassboxCallbackHandler', where, `${where} failed`, fn);
  }
}
