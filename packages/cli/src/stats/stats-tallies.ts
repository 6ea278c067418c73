import { ATTR } from '@glassbox/core';
import type { FeedbackRecord } from '@glassbox/evals';
import { feedbackFromSpan } from '../store/feedback-input.js';
import type { AttrValue, SpanRecord } from '../store/span-record.js';
import { endMsOf, num, text } from './span-conventions.js';
import type { FeedbackStats, GuardrailStats, PromptStats } from './stats-report.js';

const MAX_LABELS = 10;
const MAX_LABEL_CHARS = 60;

/** Rendered sizes of each prompt name and version, in time order whatever order the spans come in. */
export class PromptTally {
  private readonly byKey = new Map<string, PromptStats>();

  add(span: SpanRecord): void {
    const a = span.attributes;
    const name = text(a[ATTR.PROMPT_NAME]);
    if (name === undefined) return;
    const version = text(a[ATTR.PROMPT_VERSION]) ?? '';
    const length = num(a[ATTR.PROMPT_RENDERED_LENGTH]) ?? null;
    const at = span.startMs;
    const key = `${name}\u0000${version}`;
    const row = this.byKey.get(key);
    if (row === undefined) {
      this.byKey.set(key, {
        name,
        version,
        renders: 1,
        firstSeenMs: at,
        lastSeenMs: at,
        firstLength: length,
        lastLength: length,
        minLength: length,
        maxLength: length,
        growth: null,
      });
      return;
    }
    row.renders++;
    if (at < row.firstSeenMs) [row.firstSeenMs, row.firstLength] = [at, length ?? row.firstLength];
    if (at >= row.lastSeenMs) [row.lastSeenMs, row.lastLength] = [at, length ?? row.lastLength];
    if (length !== null) {
      row.minLength = row.minLength === null ? length : Math.min(row.minLength, length);
      row.maxLength = row.maxLength === null ? length : Math.max(row.maxLength, length);
      row.firstLength ??= length;
      row.lastLength ??= length;
    }
  }

  rows(): PromptStats[] {
    return [...this.byKey.values()]
      .map((r) => ({
        ...r,
        growth: r.firstLength !== null && r.lastLength !== null ? r.lastLength - r.firstLength : null,
      }))
      .sort((x, y) => x.name.localeCompare(y.name) || x.firstSeenMs - y.firstSeenMs);
  }
}

/** Decisions per guardrail. */
export class GuardrailTally {
  private readonly byName = new Map<string, GuardrailStats & { lastBlockMs: number }>();

  add(span: SpanRecord): void {
    const a = span.attributes;
    const decision = text(a[ATTR.GUARDRAIL_DECISION]);
    if (decision === undefined) return;
    const name = text(a[ATTR.GUARDRAIL_NAME]) ?? span.name;
    let row = this.byName.get(name);
    if (row === undefined) {
      row = { name, total: 0, pass: 0, block: 0, modify: 0, other: 0, lastBlockMs: Number.NEGATIVE_INFINITY };
      this.byName.set(name, row);
    }
    row.total++;
    if (decision === 'pass' || decision === 'block' || decision === 'modify') row[decision]++;
    else row.other++;
    const reason = text(a[ATTR.GUARDRAIL_REASON]);
    if (decision === 'block' && reason !== undefined && endMsOf(span) >= row.lastBlockMs) {
      row.lastBlockMs = endMsOf(span);
      row.lastBlockReason = reason;
    }
  }

  rows(): GuardrailStats[] {
    return [...this.byName.values()]
      .map(({ lastBlockMs: _, ...row }) => row)
      .sort((x, y) => y.total - x.total || x.name.localeCompare(y.name));
  }
}

interface FeedbackAcc {
  name: string;
  kind: FeedbackStats['kind'];
  count: number;
  positive: number;
  negative: number;
  sum: number;
  numbers: number;
  min: number;
  max: number;
  labels: Map<string, number>;
}

/**
 * Feedback spans (`glassbox.feedback.*`), evaluation events (`gen_ai.evaluation.result`) and a store's
 * feedback records (given on the page), by name.
 */
export class FeedbackTally {
  private readonly byKey = new Map<string, FeedbackAcc>();
  /** Ids of the records the feedback spans seen stand for (a store makes one from each such span). */
  private readonly spanRecordIds = new Set<string>();

  add(span: SpanRecord): void {
    const a = span.attributes;
    const name = text(a[ATTR.FEEDBACK_NAME]);
    if (name !== undefined) {
      // A feedback span also carries its value as an evaluation event: count it once, as feedback.
      this.value(this.acc(name, 'feedback'), a[ATTR.FEEDBACK_VALUE]);
      const id = feedbackFromSpan(span)?.id;
      if (id !== undefined) this.spanRecordIds.add(id);
      return;
    }
    for (const e of span.events) {
      if (e.name !== ATTR.GEN_AI_EVALUATION_RESULT_EVENT) continue;
      const acc = this.acc(text(e.attributes[ATTR.GEN_AI_EVALUATION_NAME]) ?? '(unnamed)', 'evaluation');
      const score = num(e.attributes[ATTR.GEN_AI_EVALUATION_SCORE_VALUE]);
      const label = text(e.attributes[ATTR.GEN_AI_EVALUATION_SCORE_LABEL]);
      acc.count++;
      if (score !== undefined) this.number(acc, score);
      if (label !== undefined) this.label(acc, label);
    }
  }

  /** A stored feedback record; one made from a feedback span already added is not counted again. */
  addRecord(record: FeedbackRecord): void {
    if (this.spanRecordIds.has(record.id)) return;
    const v = record.value;
    // As a feedback span carries it: an object value is its JSON text.
    this.value(this.acc(record.name, 'feedback'), typeof v === 'object' ? JSON.stringify(v) : v);
  }

  private acc(name: string, kind: FeedbackStats['kind']): FeedbackAcc {
    const key = `${kind}\u0000${name}`;
    let acc = this.byKey.get(key);
    if (acc === undefined) {
      acc = {
        name,
        kind,
        count: 0,
        positive: 0,
        negative: 0,
        sum: 0,
        numbers: 0,
        min: Infinity,
        max: -Infinity,
        labels: new Map(),
      };
      this.byKey.set(key, acc);
    }
    return acc;
  }

  private value(acc: FeedbackAcc, v: AttrValue | undefined): void {
    acc.count++;
    if (typeof v === 'boolean') {
      if (v) acc.positive++;
      else acc.negative++;
    } else if (typeof v === 'number' && Number.isFinite(v)) this.number(acc, v);
    else if (typeof v === 'string' && v !== '') this.label(acc, v);
  }

  private number(acc: FeedbackAcc, n: number): void {
    acc.numbers++;
    acc.sum += n;
    acc.min = Math.min(acc.min, n);
    acc.max = Math.max(acc.max, n);
  }

  private label(acc: FeedbackAcc, label: string): void {
    const key = label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label;
    acc.labels.set(key, (acc.labels.get(key) ?? 0) + 1);
  }

  rows(): FeedbackStats[] {
    return [...this.byKey.values()]
      .map((acc) => ({
        name: acc.name,
        kind: acc.kind,
        count: acc.count,
        positive: acc.positive,
        negative: acc.negative,
        mean: acc.numbers === 0 ? null : acc.sum / acc.numbers,
        min: acc.numbers === 0 ? null : acc.min,
        max: acc.numbers === 0 ? null : acc.max,
        labels: [...acc.labels]
          .map(([label, count]) => ({ label, count }))
          .sort((x, y) => y.count - x.count || x.label.localeCompare(y.label))
          .slice(0, MAX_LABELS),
      }))
      .sort((x, y) => x.kind.localeCompare(y.kind) || y.count - x.count || x.name.localeCompare(y.name));
  }
}
