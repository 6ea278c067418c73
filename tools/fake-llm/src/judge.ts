// Scripted LLM-judge replies: a responder that reads a judge prompt (as @glassbox/evals writes it) and
// answers with a JSON verdict derived from it, or with prose to exercise a judge's retry.
import { readConversation } from './conversation.js';
import type { RecordedRequest, Responder } from './request.js';
import type { Script } from './script.js';

/** The parts of a judge prompt the fake judge reads. */
export interface JudgePrompt {
  /** The whole first prompt. */
  text: string;
  /** The numbered lines inside `<guidelines>`, without their numbers. */
  guidelines: string[];
  inputs: string;
  /** The text inside `<response>` (a guidelines judge), else the whole prompt. */
  response: string;
  trace: string;
  /** The document ids the trace lists (`documents: kb-1, kb-2`). */
  documents: string[];
  /** Whether this request is the retry after a malformed answer. */
  retry: boolean;
}

/** A rule for guidelines matching `guideline`: returns a failure reason, or undefined when it is followed. */
export interface JudgeRule {
  guideline: RegExp;
  check: (prompt: JudgePrompt) => string | undefined;
}

/** The fake judge's built-in rules: citing a retrieved document, and no SQL in the answer. */
export const DEFAULT_JUDGE_RULES: readonly JudgeRule[] = [
  {
    guideline: /\bcite/i,
    check: (p) =>
      p.documents.some((id) => p.response.includes(id))
        ? undefined
        : `the response cites none of the retrieved documents (${p.documents.join(', ') || 'none retrieved'})`,
  },
  {
    guideline: /\bSQL\b/i,
    check: (p) =>
      /\b(SELECT|INSERT|UPDATE|DELETE)\b[\s\S]{0,200}?\b(FROM|INTO|SET|WHERE)\b/i.test(p.response)
        ? 'the response contains an SQL statement'
        : undefined,
  },
];

/** Options of `judgeResponder`. */
export interface JudgeResponderOptions {
  /** Checked before the defaults. */
  rules?: readonly JudgeRule[];
  /** `'once'`: prose on the first try, a verdict on the retry; `'always'`: prose every time. */
  prose?: 'once' | 'always';
  /** Answers requests that are not judge prompts (default: a short text). */
  fallback?: Responder;
}

const PROSE =
  'Looking at this response, I would say it mostly does what was asked, though it could be clearer.';

/** A queued reply with a JSON verdict. */
export function judgeReply(value: boolean | number | string, rationale: string): Script {
  const v = typeof value === 'boolean' ? (value ? 'pass' : 'fail') : value;
  return { text: JSON.stringify({ value: v, rationale }) };
}

/** A queued reply in prose, not the JSON a judge asks for. */
export function judgeProse(text = PROSE): Script {
  return { text };
}

/** Reads a request as a judge prompt; undefined when it is not one (no `"rationale"` answer format). */
export function readJudgePrompt(request: RecordedRequest): JudgePrompt | undefined {
  const turns = readConversation(request);
  const users = turns.filter((t) => t.role === 'user');
  const text = users[0]?.text ?? '';
  if (!text.includes('"rationale"')) return undefined;
  const section = (tag: string) => text.match(new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`))?.[1] ?? '';
  const guidelines = section('guidelines')
    .split('\n')
    .map((line) => line.replace(/^\s*\d+\.\s*/, '').trim())
    .filter((line) => line !== '');
  const trace = section('trace');
  const documents = [...trace.matchAll(/documents: ([^\n]+)/g)].flatMap((m) =>
    m[1]!.split(',').map((d) => d.trim()),
  );
  return {
    text,
    guidelines,
    inputs: section('inputs'),
    response: section('response') || text,
    trace,
    documents: [...new Set(documents)],
    // A plain-function judge model gets the retry folded into one prompt.
    retry: users.length > 1 || text.includes('Your answer could not be used'),
  };
}

/**
 * A responder playing an LLM judge: for a guidelines prompt it checks each guideline with the first
 * matching rule (unmatched guidelines pass) and answers `{ value, rationale }` citing the broken ones;
 * other judge prompts get the best value their answer format allows.
 */
export function judgeResponder(options: JudgeResponderOptions = {}): Responder {
  const rules = [...(options.rules ?? []), ...DEFAULT_JUDGE_RULES];
  return (request) => {
    const prompt = readJudgePrompt(request);
    if (!prompt) return options.fallback ? options.fallback(request) : { text: 'Hello from the fake judge.' };
    if (options.prose === 'always' || (options.prose === 'once' && !prompt.retry)) return judgeProse();
    if (prompt.guidelines.length > 0) {
      const broken = prompt.guidelines.flatMap((guideline, i) => {
        const reason = rules.find((r) => r.guideline.test(guideline))?.check(prompt);
        return reason ? [`guideline ${i + 1} ("${guideline}") is broken: ${reason}`] : [];
      });
      return broken.length > 0
        ? judgeReply(false, `${broken.join('; ')}.`)
        : judgeReply(true, `The response follows all ${prompt.guidelines.length} guidelines.`);
    }
    const range = prompt.text.match(/a number from (-?[\d.]+) \(worst\) to (-?[\d.]+)/);
    if (range) return judgeReply(Number(range[2]), 'The fake judge gives the best score.');
    const labels = prompt.text.match(/exactly one of ("[^"]*"(?:, "[^"]*")*)/);
    if (labels)
      return judgeReply(JSON.parse(`[${labels[1]}]`)[0] as string, 'The fake judge picks the first label.');
    return judgeReply(true, 'The fake judge passes what it cannot check.');
  };
}
