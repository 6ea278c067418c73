import { ATTR, currentSpan, GlassboxConfigError } from '@glassbox/core';
import { type Rule, rules, setCapturedJson } from '@glassbox/core/instrumentation';
import { optionIssues } from '../internal/options.js';
import {
  type ChatTemplateMessage,
  fill,
  type PromptTemplate,
  type PromptVariables,
  type RenderedPrompt,
  slotsOf,
  stringifyValue,
  valueAt,
} from './prompt-template.js';
import { PromptVariableError } from './prompt-variable-error.js';

/** Options of `definePrompt`. */
export interface DefinePromptOptions<T extends PromptTemplate> {
  /** A stable name, recorded as `glassbox.prompt.name`. */
  name: string;
  /** The template's version (a number, a date, a git sha...), recorded as `glassbox.prompt.version`. */
  version: string | number;
  /** A string, or chat messages `{ role, content }`, with `{{variable}}` slots (`{{ name }}`, `{{ user.name }}`). */
  template: T;
  /** A size budget in characters; a rendered prompt longer than this adds a `glassbox.prompt.over_budget` event. */
  maxChars?: number;
}

/** A versioned prompt template whose renders are recorded on the active span. */
export interface Prompt<T extends PromptTemplate = PromptTemplate> {
  readonly name: string;
  readonly version: string;
  readonly template: T;
  /** The variable paths the template uses, in order of first use. */
  readonly variables: readonly string[];
  readonly maxChars: number | undefined;
  /** Fills the slots (throwing `PromptVariableError` for missing ones) and records the prompt on the active span. */
  render(variables: PromptVariables<T>): RenderedPrompt<T>;
}

const OPTIONS = rules.object(
  {
    name: rules.string({ nonEmpty: true }),
    version: rules.custom(
      'a non-empty string or a number',
      (v) => (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v)),
    ),
    template: rules.custom('a string or a non-empty array of { role, content } strings', isTemplate),
    maxChars: rules.custom('a positive integer', (v) => Number.isSafeInteger(v) && (v as number) > 0),
  } satisfies Record<keyof DefinePromptOptions<PromptTemplate>, Rule>,
  { required: ['name', 'version', 'template'] },
);

/** Defines a versioned prompt whose renders say, on the active span, which prompt and version produced the call. */
export function definePrompt<const T extends PromptTemplate>(options: DefinePromptOptions<T>): Prompt<T> {
  const { name, template, maxChars } = validate(options);
  const version = String(options.version);
  const texts = typeof template === 'string' ? [template] : template.map((m) => m.content);
  const variables = Object.freeze(slotsOf(texts.join('\n')));

  return Object.freeze({
    name,
    version,
    template,
    variables,
    maxChars,
    render(values: PromptVariables<T>): RenderedPrompt<T> {
      const given = (values ?? {}) as Record<string, unknown>;
      const used: Record<string, unknown> = {};
      const missing: string[] = [];
      for (const path of variables) {
        const value = valueAt(given, path);
        if (value === undefined) missing.push(path);
        else used[path] = value;
      }
      if (missing.length > 0) throw new PromptVariableError(name, missing);
      const lookup = (path: string) => stringifyValue(used[path]);
      let rendered: string | ChatTemplateMessage[];
      let length: number;
      if (typeof template === 'string') {
        rendered = fill(template, lookup);
        length = rendered.length;
      } else {
        rendered = template.map((m) => ({ role: m.role, content: fill(m.content, lookup) }));
        length = rendered.reduce((sum, m) => sum + m.content.length, 0);
      }
      record(name, version, used, length, maxChars);
      return rendered as RenderedPrompt<T>;
    },
  });
}

// On the active span (the step or LLM span the prompt is for); without one, rendering is all there is.
function record(
  name: string,
  version: string,
  used: Record<string, unknown>,
  length: number,
  maxChars?: number,
): void {
  const span = currentSpan();
  if (span === undefined || !span.isRecording()) return;
  try {
    span.setAttributes({
      [ATTR.PROMPT_NAME]: name,
      [ATTR.PROMPT_VERSION]: version,
      [ATTR.PROMPT_RENDERED_LENGTH]: length,
    });
    // Variables are content (user questions, retrieved text): only with content capture on.
    setCapturedJson(span, ATTR.PROMPT_VARIABLES, used);
    if (maxChars !== undefined && length > maxChars) {
      span.addEvent(ATTR.PROMPT_OVER_BUDGET_EVENT, {
        [ATTR.PROMPT_NAME]: name,
        [ATTR.PROMPT_VERSION]: version,
        [ATTR.PROMPT_RENDERED_LENGTH]: length,
        [ATTR.PROMPT_MAX_CHARS]: maxChars,
      });
    }
  } catch {
    // Recording a prompt must never break the call that renders it.
  }
}

function validate<T extends PromptTemplate>(options: DefinePromptOptions<T>): DefinePromptOptions<T> {
  const issues = optionIssues(options, OPTIONS, 'definePrompt');
  if (issues.length === 0) return options;
  // Among many prompts, the message must say which one.
  const name = (options as { name?: unknown } | null)?.name;
  const prompt = typeof name === 'string' && name !== '' ? ` (prompt ${JSON.stringify(name)})` : '';
  throw new GlassboxConfigError(
    issues.map((i) => (i.option === 'definePrompt.name' ? i : { ...i, message: `${i.message}${prompt}` })),
  );
}

function isTemplate(value: unknown): boolean {
  if (typeof value === 'string') return true;
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (m) =>
        m !== null && typeof m === 'object' && typeof m.role === 'string' && typeof m.content === 'string',
    )
  );
}
