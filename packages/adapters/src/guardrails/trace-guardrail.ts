import { type ActiveSpan, ATTR, GlassboxConfigError, SpanType, withSpan } from '@glassbox/core';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import { ATTRIBUTES, assertOptions } from '../internal/options.js';
import { tryOrWarn, warnOnce } from '../internal/warn.js';
import { whenSettled } from '../internal/when-settled.js';

/** What a guardrail decided: let the request through, stop it, or let a changed version through. */
export type GuardrailDecision = 'pass' | 'block' | 'modify';

/** A check's verdict, as a guardrail function returns it (or as `verdict` reads it from what it returns). */
export interface GuardrailVerdict {
  decision: GuardrailDecision;
  /** Why, in a few words (recorded even with content capture off: do not quote the checked input here). */
  reason?: string;
  /** The check's score (a probability, a similarity...), searchable. */
  score?: number;
  /** The policy applied, when the check says which (wins over the `policy` option). */
  policy?: string;
  /** For `modify`: the changed input (recorded with the outputs, when content is captured). */
  modified?: unknown;
}

/** Options of `traceGuardrail`. */
export interface TraceGuardrailOptions {
  /** The guardrail's name: the span is `guardrail {name}` and `glassbox.guardrail.name` says it. */
  name: string;
  /** The policy it enforces (`prompt-injection`, `pii`, ...): `glassbox.guardrail.policy`. */
  policy?: string;
  /**
   * Reads the verdict from what the function returns, when it is not already a `GuardrailVerdict` or a
   * boolean (`true`: pass, `false`: block); say `{ flagged } => ({ decision: flagged ? 'block' : 'pass' })`.
   */
  verdict?: (result: any) => GuardrailVerdict | boolean;
  /** Extra attributes set when the span starts. */
  attributes?: Attributes;
  /** Overrides the global `captureContent` switch for the span's inputs and outputs. */
  captureContent?: boolean;
}

type GuardrailFn = (...args: any[]) => unknown;

const DECISIONS: readonly GuardrailDecision[] = ['pass', 'block', 'modify'];

const OPTIONS = rules.object(
  {
    name: rules.string({ nonEmpty: true }),
    policy: rules.string({ nonEmpty: true }),
    verdict: rules.func(),
    attributes: ATTRIBUTES,
    captureContent: rules.boolean(),
  } satisfies Record<keyof TraceGuardrailOptions, Rule>,
  { required: ['name'] },
);

/**
 * Wraps a guardrail check so each call is a GUARDRAIL span recording its input, decision, reason, score
 * and policy; a `block` adds a `glassbox.guardrail.blocked` event (the span status stays unset: a
 * blocked request is the guardrail working, not an error). Returns exactly what the check returns.
 */
export function traceGuardrail<F extends GuardrailFn>(fn: F, options: TraceGuardrailOptions): F {
  validate(fn, options);
  const { name, policy, verdict } = options;
  const spanOptions = {
    name: `guardrail ${name}`,
    type: SpanType.GUARDRAIL,
    attributes: {
      ...options.attributes,
      [ATTR.GUARDRAIL_NAME]: name,
      ...(policy !== undefined ? { [ATTR.GUARDRAIL_POLICY]: policy } : {}),
    },
    captureContent: options.captureContent,
  };

  const traced = function (this: unknown, ...args: unknown[]): unknown {
    return withSpan(spanOptions, (span) => {
      span.setInputs(args.length === 1 ? args[0] : args);
      const result = fn.apply(this, args as Parameters<F>);
      return whenSettled(
        result,
        (value) => {
          tryOrWarn('traceGuardrail', 'record', 'could not record the decision', () =>
            record(span, name, value, verdict),
          );
        },
        () =>
          warnOnce(
            'traceGuardrail',
            `thenable:${name}`,
            `guardrail "${name}" returned a thenable that is not a promise: its decision is not recorded (calling \`then\` ourselves would run it again); return a promise`,
          ),
      );
    });
  };
  // Callers and frameworks read `name` and `length`; keep the wrapper indistinguishable from `fn`.
  Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  return traced as F;
}

/** The verdict in a check's result: a boolean, a `GuardrailVerdict`, or what `verdict` makes of it. */
function readVerdict(
  result: unknown,
  verdict?: (result: any) => GuardrailVerdict | boolean,
): GuardrailVerdict | undefined {
  const read = verdict !== undefined ? verdict(result) : result;
  if (read === true) return { decision: 'pass' };
  if (read === false) return { decision: 'block' };
  if (typeof read !== 'object' || read === null) return undefined;
  const decision = (read as { decision?: unknown }).decision;
  return DECISIONS.includes(decision as GuardrailDecision) ? (read as GuardrailVerdict) : undefined;
}

function record(
  span: ActiveSpan,
  name: string,
  result: unknown,
  verdict: TraceGuardrailOptions['verdict'],
): void {
  const found = readVerdict(result, verdict);
  if (found === undefined) {
    warnOnce(
      'traceGuardrail',
      `shape:${name}`,
      `guardrail "${name}" returned no decision: return true/false or { decision: 'pass' | 'block' | 'modify' }, or pass a \`verdict\` option`,
    );
    return;
  }
  const attrs: Attributes = { [ATTR.GUARDRAIL_DECISION]: found.decision };
  if (typeof found.reason === 'string') attrs[ATTR.GUARDRAIL_REASON] = found.reason;
  if (typeof found.score === 'number' && Number.isFinite(found.score))
    attrs[ATTR.GUARDRAIL_SCORE] = found.score;
  if (typeof found.policy === 'string' && found.policy !== '') attrs[ATTR.GUARDRAIL_POLICY] = found.policy;
  span.setAttributes(attrs);
  if (found.decision === 'block') {
    const event: Attributes = { [ATTR.GUARDRAIL_NAME]: name };
    if (attrs[ATTR.GUARDRAIL_REASON] !== undefined)
      event[ATTR.GUARDRAIL_REASON] = attrs[ATTR.GUARDRAIL_REASON];
    span.addEvent(ATTR.GUARDRAIL_BLOCKED_EVENT, event);
  }
}

function validate(fn: unknown, options: TraceGuardrailOptions): void {
  if (typeof fn !== 'function') {
    throw new GlassboxConfigError({
      option: 'traceGuardrail.fn',
      message: 'expected the guardrail function',
    });
  }
  assertOptions(options, OPTIONS, 'traceGuardrail');
}
