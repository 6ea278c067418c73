/** One message of a chat template. */
export interface ChatTemplateMessage {
  role: string;
  content: string;
}

/** A prompt template: a string, or chat messages, with `{{variable}}` slots. */
export type PromptTemplate = string | readonly ChatTemplateMessage[];

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer L} ` ? Trim<L> : S;
type Root<S extends string> = S extends `${infer Head}.${string}` ? Head : S;
type Slots<S extends string> = S extends `${string}{{${infer Slot}}}${infer Rest}`
  ? Root<Trim<Slot>> | Slots<Rest>
  : never;
type TemplateText<T> = T extends string
  ? T
  : T extends readonly ChatTemplateMessage[]
    ? T[number]['content']
    : never;

/** The slot names of a template known at compile time (`string` when the template is not a literal). */
export type PromptSlots<T extends PromptTemplate> =
  string extends TemplateText<T> ? string : Slots<TemplateText<T>>;

/** The variables `render` takes: every slot of a literal template is required, extra variables are allowed. */
export type PromptVariables<T extends PromptTemplate> =
  string extends PromptSlots<T>
    ? Record<string, unknown>
    : { [K in PromptSlots<T>]: unknown } & Record<string, unknown>;

/** What `render` returns: a string for a string template, messages for a chat template. */
export type RenderedPrompt<T extends PromptTemplate> = T extends string
  ? string
  : { role: T extends readonly ChatTemplateMessage[] ? T[number]['role'] : string; content: string }[];

// `{{ name }}` or `{{ user.name }}`: identifiers, optionally dotted, with optional inner whitespace.
const SLOT = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\}\}/g;

/** The distinct variable paths used by a template text, in order of first use. */
export function slotsOf(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(SLOT), (m) => m[1]!))];
}

/** Fills the slots of a text; `lookup` returns the string for a path, or undefined when it is missing. */
export function fill(text: string, lookup: (path: string) => string | undefined): string {
  return text.replace(SLOT, (slot, path: string) => lookup(path) ?? slot);
}

/** Reads a dotted path from the variables; `null` and `undefined` count as missing. */
export function valueAt(variables: Record<string, unknown>, path: string): unknown {
  let value: unknown = variables;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? undefined;
}

/** How a variable's value is written into the prompt: strings as is, objects as JSON. */
export function stringifyValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
