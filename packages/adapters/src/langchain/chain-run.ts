import { SpanType } from '@glassbox/core';

type Obj = Record<string, any>;

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The span type of a chain run: LangChain's run type (`parser`, `prompt`), or AGENT for an agent by name. */
export function chainSpanType(runType: string | undefined, name: string): SpanType {
  if (runType === 'parser') return SpanType.PARSER;
  if (runType === 'prompt') return SpanType.PROMPT;
  return /agent/i.test(name) ? SpanType.AGENT : SpanType.CHAIN;
}

/**
 * `@langchain/core` 1.x calls `handleChainStart(chain, inputs, runId, parentRunId, tags, metadata,
 * runType, runName, extra)`, while its type declaration lists `(…, runId, runType, tags, metadata,
 * runName, parentRunId, extra)`; a run id in the eighth place means the declared order.
 */
export function chainStartArguments(rest: unknown[]): {
  parentRunId?: string;
  runType?: string;
  runName?: string;
  extra?: Obj;
} {
  const [a4, , , a7, a8, extra] = rest;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (typeof a8 === 'string' && RUN_ID.test(a8))
    return { parentRunId: a8, runType: text(a4), runName: text(a7), extra: extra as Obj };
  return { parentRunId: text(a4), runType: text(a7), runName: text(a8), extra: extra as Obj };
}
