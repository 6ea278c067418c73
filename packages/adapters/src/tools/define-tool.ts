import { type ActiveSpan, ATTR, GlassboxConfigError, SpanType, withSpan } from '@glassbox/core';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import { type $ZodType, type input, type output, safeParseAsync, toJSONSchema } from 'zod/v4/core';
import { optionIssues } from '../internal/options.js';
import { ToolArgumentsError, toArgumentIssues } from './tool-errors.js';
import { recordToolRun } from './tool-stats.js';

/** The JSON Schema of a tool's parameters: always an object schema, as both OpenAI and Anthropic require. */
export interface ToolJsonSchema {
  type: 'object';
  properties?: Record<string, unknown>;
  required?: string[];
  [keyword: string]: unknown;
}

/** A Chat Completions tool definition (`tools: [...]` of `chat.completions.create`). */
export interface OpenAIChatToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: ToolJsonSchema; strict?: boolean };
}

/** A Responses API function tool definition (`tools: [...]` of `responses.create`). */
export interface OpenAIResponsesToolDefinition {
  type: 'function';
  name: string;
  description: string;
  parameters: ToolJsonSchema;
  strict: boolean;
}

/** An Anthropic Messages tool definition (`tools: [...]` of `messages.create`). */
export interface AnthropicToolDefinition {
  name: string;
  description: string;
  input_schema: ToolJsonSchema;
}

/** What a tool's `execute` receives besides its arguments. */
export interface ToolContext {
  /** The model's id for this call (`call_...`, `toolu_...`), when known. */
  callId: string | undefined;
  /** The tool's span, for extra attributes or events. */
  span: ActiveSpan;
}

/** Options of `tool.execute`. */
export interface ToolExecuteOptions {
  /** The model's id for this call, recorded as `gen_ai.tool.call.id`. */
  callId?: string;
}

/** Options of `defineTool`. */
export interface DefineToolOptions<S extends $ZodType, R> {
  /** The name the model calls the tool by (letters, digits, `_` and `-`, at most 64). */
  name: string;
  /** What the tool does, for the model; sent with every LLM call. */
  description: string;
  /** A zod 4 schema of the arguments; must describe an object. */
  parameters: S;
  /** Runs the tool with validated (parsed) arguments. */
  execute: (args: output<S>, context: ToolContext) => R | PromiseLike<R>;
  /** Sets OpenAI `strict: true` (the schema must then follow OpenAI's structured-output rules); default false. */
  strict?: boolean;
  /** Overrides the global `captureContent` switch for this tool's arguments and results. */
  captureContent?: boolean;
}

/** A tool: its definitions for each LLM API and a traced `execute`. */
export interface Tool<S extends $ZodType = $ZodType, R = unknown> {
  readonly name: string;
  readonly description: string;
  readonly parameters: S;
  /** The parameters as JSON Schema (draft 2020-12, input side of the zod schema), frozen. */
  readonly jsonSchema: Readonly<ToolJsonSchema>;
  /** The Chat Completions definition. */
  openai(): OpenAIChatToolDefinition;
  /** The Responses API definition. */
  openaiResponses(): OpenAIResponsesToolDefinition;
  /** The Anthropic Messages definition. */
  anthropic(): AnthropicToolDefinition;
  /** Validates the arguments (an object or the model's JSON string) and runs the tool as a TOOL span. */
  execute(args: input<S> | string, options?: ToolExecuteOptions): Promise<Awaited<R>>;
}

/** Any tool, whatever its schema and result. */
export type AnyTool = Tool<any, unknown>;

// The function-name rule of OpenAI, which Anthropic's tool names follow too: fail at definition, not per call.
const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

const OPTIONS = rules.object(
  {
    name: rules.custom(
      '1-64 letters, digits, "_" or "-" (what OpenAI and Anthropic accept)',
      (v) => typeof v === 'string' && NAME_PATTERN.test(v),
    ),
    description: rules.string(),
    parameters: rules.custom('a zod 4 schema', (v) => typeof v === 'object' && v !== null && '_zod' in v),
    execute: rules.func(),
    strict: rules.boolean(),
    captureContent: rules.boolean(),
  } satisfies Record<keyof DefineToolOptions<$ZodType, unknown>, Rule>,
  { required: ['name', 'description', 'parameters', 'execute'] },
);

/** Defines a tool from a zod schema: definitions for OpenAI and Anthropic, and a traced, validating `execute`. */
export function defineTool<S extends $ZodType, R>(options: DefineToolOptions<S, R>): Tool<S, R> {
  const { name, description, parameters, execute: run, strict = false, captureContent } = validate(options);
  const jsonSchema = deepFreeze(toToolJsonSchema(name, parameters));
  const spanName = `execute_tool ${name}`;
  const baseAttributes = {
    [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
    [ATTR.GEN_AI_TOOL_NAME]: name,
    [ATTR.GEN_AI_TOOL_DESCRIPTION]: description,
    [ATTR.GEN_AI_TOOL_TYPE]: 'function',
  };
  const schema = () => structuredClone(jsonSchema) as ToolJsonSchema;

  const tool: Tool<S, R> = {
    name,
    description,
    parameters,
    jsonSchema,
    openai: () => ({
      type: 'function',
      function: { name, description, parameters: schema(), ...(strict ? { strict: true } : {}) },
    }),
    // The Responses API expects `strict` to be said (its type requires it); strict mode rejects most zod schemas.
    openaiResponses: () => ({ type: 'function', name, description, parameters: schema(), strict }),
    anthropic: () => ({ name, description, input_schema: schema() }),
    execute(args, executeOptions = {}) {
      const { callId } = executeOptions;
      const attributes = callId ? { ...baseAttributes, [ATTR.GEN_AI_TOOL_CALL_ID]: callId } : baseAttributes;
      const startedMs = performance.now();
      const spanOptions = { name: spanName, type: SpanType.TOOL, attributes, captureContent };
      const traced = withSpan(spanOptions, async (span): Promise<Awaited<R>> => {
        // The arguments as the model sent them: what went wrong is usually there, before any zod default.
        span.setInputs(typeof args === 'string' ? parseJsonOr(args) : args);
        const parsed = await parseArguments(name, parameters, args);
        return await run(parsed, { callId, span });
      });
      return traced.then(
        (result) => {
          recordToolRun(tool, performance.now() - startedMs, true);
          return result;
        },
        (error: unknown) => {
          recordToolRun(tool, performance.now() - startedMs, false);
          throw error;
        },
      );
    },
  };
  return tool;
}

async function parseArguments<S extends $ZodType>(
  toolName: string,
  schema: S,
  args: unknown,
): Promise<output<S>> {
  let value = args;
  if (typeof args === 'string') {
    // Models send "" for a tool without parameters now and then; that means "no arguments".
    if (args.trim() === '') value = {};
    else {
      try {
        value = JSON.parse(args);
      } catch (error) {
        const message = `arguments are not valid JSON (${(error as Error).message})`;
        throw new ToolArgumentsError(toolName, [{ code: 'invalid_json', path: [], message }]);
      }
    }
  }
  const result = await safeParseAsync(schema, value);
  if (!result.success) throw new ToolArgumentsError(toolName, toArgumentIssues(result.error.issues));
  return result.data;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function validate<S extends $ZodType, R>(options: DefineToolOptions<S, R>): DefineToolOptions<S, R> {
  const issues = optionIssues(options, OPTIONS, 'defineTool');
  if (issues.length === 0) return options;
  // With thirty tools defined, the message must say which one.
  const name = (options as { name?: unknown } | null)?.name;
  const tool = typeof name === 'string' && name !== '' ? ` (tool ${JSON.stringify(name)})` : '';
  throw new GlassboxConfigError(
    issues.map((i) => (i.option === 'defineTool.name' ? i : { ...i, message: `${i.message}${tool}` })),
  );
}

function toToolJsonSchema(name: string, parameters: $ZodType): ToolJsonSchema {
  let schema: Record<string, unknown>;
  try {
    // The model writes the input side: fields with a default are optional to it.
    schema = toJSONSchema(parameters, { io: 'input' }) as Record<string, unknown>;
  } catch (error) {
    throw new GlassboxConfigError({
      option: 'defineTool.parameters',
      message: `the schema of tool "${name}" cannot be expressed as JSON Schema: ${(error as Error).message}`,
    });
  }
  const { $schema: _dialect, ...rest } = schema;
  if (rest.type !== 'object') {
    throw new GlassboxConfigError({
      option: 'defineTool.parameters',
      message: `tool "${name}" needs an object schema (z.object(...)); LLM APIs only accept object parameters`,
    });
  }
  return rest as ToolJsonSchema;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
