import { type ActiveSpan, ATTR, GlassboxConfigError, SpanType, withSpan } from '@glassbox/core';
import {
  captureSettings,
  contentCaptureEnabled,
  type Rule,
  redactString,
  rules,
  setCapturedJson,
} from '@glassbox/core/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import { ATTRIBUTES, assertOptions } from '../internal/options.js';
import { queryOf } from '../internal/query-of.js';
import { tryOrWarn, warnOnce } from '../internal/warn.js';
import { whenSettled } from '../internal/when-settled.js';
import { fitDocuments } from './fit-documents.js';
import { documentList, normalizeDocument } from './normalize-documents.js';

type RetrieverFn = (...args: any[]) => any;

/** Options of `traceRetriever`. */
export interface TraceRetrieverOptions<F extends RetrieverFn = RetrieverFn> {
  /** The index, collection or store searched, as `gen_ai.data_source.id`; also names the span. */
  dataSource?: string;
  /** Span name; default `retrieval {dataSource}` (or `retrieval`). */
  name?: string;
  /** Reads the query from the arguments; default the first argument, or its `query` field. */
  query?: (...args: Parameters<F>) => string | undefined;
  /** Reads the hits from the result; default the result if an array, else `documents`, `matches`, `hits`... */
  documents?: (result: Awaited<ReturnType<F>>) => readonly unknown[] | undefined;
  /** Extra attributes set when the span starts. */
  attributes?: Attributes;
  /** Also record the raw result as `glassbox.outputs` (default false: the normalised documents say it). */
  captureOutputs?: boolean;
  /** Overrides the global `captureContent` switch for this retriever. */
  captureContent?: boolean;
}

const OPTIONS = rules.object({
  dataSource: rules.string({ nonEmpty: true }),
  name: rules.string({ nonEmpty: true }),
  query: rules.func(),
  documents: rules.func(),
  attributes: ATTRIBUTES,
  captureOutputs: rules.boolean(),
  captureContent: rules.boolean(),
} satisfies Record<keyof TraceRetrieverOptions, Rule>);

/**
 * Wraps a retriever so each call is a RETRIEVER span with the query and the documents it found, normalised to
 * `{ id, score, content, metadata }` and bounded; the result is returned unchanged.
 */
export function traceRetriever<F extends RetrieverFn>(fn: F, options: TraceRetrieverOptions<F> = {}): F {
  validate(fn, options);
  const { dataSource, captureContent } = options;
  const spanOptions = {
    name: options.name ?? (dataSource ? `retrieval ${dataSource}` : 'retrieval'),
    type: SpanType.RETRIEVER,
    attributes: {
      ...(options.attributes ?? {}),
      [ATTR.GEN_AI_OPERATION_NAME]: 'retrieval',
      ...(dataSource ? { [ATTR.GEN_AI_DATA_SOURCE_ID]: dataSource } : {}),
    },
    captureOutputs: options.captureOutputs ?? false,
    captureContent,
  };

  const traced = function (this: unknown, ...args: unknown[]): unknown {
    return withSpan(spanOptions, (span) => {
      span.setInputs(args.length === 1 ? args[0] : args);
      const contentOn = contentCaptureEnabled(span);
      const query = guard(() =>
        options.query ? options.query(...(args as Parameters<F>)) : queryOf(args[0]),
      );
      if (contentOn && typeof query === 'string') span.setAttribute(ATTR.RETRIEVAL_QUERY, query);
      const result = fn.apply(this, args);
      return whenSettled(result, (value) => {
        guard(() => recordDocuments(span, value, options.documents, contentOn));
      });
    });
  };
  // Callers and frameworks read `name` and `length`; keep the wrapper indistinguishable from `fn`.
  Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  return traced as F;
}

function recordDocuments(
  span: ActiveSpan,
  result: unknown,
  read: ((result: any) => readonly unknown[] | undefined) | undefined,
  contentOn: boolean,
): void {
  const hits = read ? read(result) : documentList(result);
  if (!Array.isArray(hits)) {
    warnOnce(
      'traceRetriever',
      'documents',
      'no document list found in the result; pass a `documents` option',
    );
    return;
  }
  span.setAttribute(ATTR.RETRIEVAL_DOCUMENT_COUNT, hits.length);
  if (!span.isRecording() || hits.length === 0) return;
  const documents = hits.map(normalizeDocument);
  if (!contentOn) {
    // Without content, ids and scores still tell which documents came back and how well they matched.
    const refs = documents.map(({ id, score, distance }) => ({ id, score, distance }));
    if (refs.some((r) => r.id !== undefined || r.score !== undefined || r.distance !== undefined)) {
      setCapturedJson(span, ATTR.RETRIEVAL_DOCUMENTS, refs, true);
    }
    return;
  }
  const { maxValueLength, redactor } = captureSettings(span);
  const redact = redactor ? (text: string) => redactString(text, redactor) : undefined;
  const fitted = fitDocuments(documents, maxValueLength, redact);
  setCapturedJson(span, ATTR.RETRIEVAL_DOCUMENTS, fitted.documents, true);
  if (fitted.truncated) span.setAttribute(ATTR.TRUNCATED, true);
}

// Telemetry must never break retrieval: a failing mapping is reported once and skipped.
function guard<T>(work: () => T): T | undefined {
  return tryOrWarn('traceRetriever', 'record', 'could not record the retrieval', work);
}

function validate(fn: unknown, options: TraceRetrieverOptions<any>): void {
  if (typeof fn !== 'function') {
    throw new GlassboxConfigError({
      option: 'traceRetriever.fn',
      message: 'expected the retriever function',
    });
  }
  assertOptions(options, OPTIONS, 'traceRetriever');
}
