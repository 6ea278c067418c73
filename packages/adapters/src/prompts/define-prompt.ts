import { ATTR, currentSpan, GlassboxConfigError } from '@glassbox/core';
import { setCapturedJson } from '@glassbox/core/instrumentation';
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
  const fail = (option: string, message: string): never => {
    throw new GlassboxConfigError({ option: `definePrompt.${option}`, message });
  };
  if (options === null || typeof options !== 'object') fail('options', 'expected an options object');
  if (typeof options.name !== 'string' || options.name === '') fail('name', 'expected a non-empty string');
  const { version, template, maxChars } = options;
  if (
    !(typeof version === 'string' && version !== '') &&
    !(typeof version === 'number' && Number.isFinite(version))
  ) {
    fail('version', `expected a non-empty string or a number for prompt "${options.name}"`);
  }
  if (typeof template !== 'string') {
    const isChat =
      Array.isArray(template) &&
      template.length > 0 &&
      template.every(
        (m) =>
          m !== null && typeof m === 'object' && typeof m.role === 'string' && typeof m.content === 'string',
      );
    if (!isChat)
      fail(
        'template',
        `expected a string or a non-empty array of { role, content } strings for prompt "${options.name}"`,
      );
  }
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars > 0))
    fail('maxChars', 'expected a positive integer');
  return options;
}
