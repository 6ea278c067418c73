/**
 * The record shapes shared by people's feedback (the viewer, `logFeedback`), judges and scorers, and
 * datasets, so a dataset can be built from any of them and re-judged by `evaluate()`.
 */

/** Who or what gave a judgement. */
export interface FeedbackSource {
  type: 'human' | 'llm_judge' | 'code';
  /** The person, judge or scorer: an email, a judge name, a scorer function name. */
  id?: string;
}

/** One judgement of a trace or span, as stored by the viewer and written by `logFeedback`. */
export interface FeedbackRecord {
  id: string;
  traceId: string;
  spanId?: string;
  name: string;
  value: number | boolean | string | Record<string, unknown>;
  rationale?: string;
  /** What the answer should have been, e.g. `{ expected_answer: '...' }`. */
  expectations?: Record<string, unknown>;
  source: FeedbackSource;
  /** ISO 8601. */
  createdAt: string;
}

/** One example of a dataset: a JSONL line of the viewer's dataset export, and `evaluate()`'s input. */
export interface DatasetExample {
  /** Stable id: the trace id, or `traceId:spanId` for a span. */
  id: string;
  inputs: unknown;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  traceId?: string;
  spanId?: string;
  feedback?: FeedbackRecord[];
  metadata?: Record<string, unknown>;
}
