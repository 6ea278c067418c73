import { ATTR, GlassboxConfigError, SpanType, withSpan } from '@glassbox/core';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import { assertOptions } from '../internal/options.js';
import { levenshteinSimilarity } from '../internal/text/similarity.js';
import type {
  AnthropicToolDefinition,
  AnyTool,
  OpenAIChatToolDefinition,
  OpenAIResponsesToolDefinition,
} from './define-tool.js';
import { mcpToolReport } from './mcp-tool-report.js';
import { UnknownToolError } from './tool-errors.js';
import {
  DEFAULT_SIMILARITY_THRESHOLD,
  similarTools,
  type ToolReport,
  type ToolSimilarity,
  toolUsage,
} from './tool-report.js';
import {
  normalizeToolCall,
  type ToolCall,
  type ToolResultMessage,
  toolResultMessage,
} from './tool-result-message.js';

/** The LLM API a set of tool definitions is for. */
export type ToolProvider = 'openai' | 'openai-responses' | 'anthropic';

/** The tool definitions for each provider. */
export interface ToolDefinitions {
  openai: OpenAIChatToolDefinition[];
  'openai-responses': OpenAIResponsesToolDefinition[];
  anthropic: AnthropicToolDefinition[];
}

/** Options of `ToolRegistry`. */
export interface ToolRegistryOptions {
  /** Pairs at or above this similarity are reported as `similar`; default 0.6. */
  similarityThreshold?: number;
  /** Replaces the default lexical tool similarity (for example with an embedding cosine). */
  similarity?: ToolSimilarity;
  /** MCP clients (traced with `traceMcpClient`) whose tools `report().mcp` covers; see `addMcpClient`. */
  mcpClients?: readonly object[];
}

/** Options of `ToolRegistry.report`. */
export interface ToolReportOptions {
  /** Whose definitions `definitionChars` measures; default `'openai'`. */
  provider?: ToolProvider;
  /** Overrides the registry's `similarityThreshold` for this report. */
  similarityThreshold?: number;
}

const PROVIDERS: readonly ToolProvider[] = ['openai', 'openai-responses', 'anthropic'];
const THRESHOLD = rules.number(0, 1);
const OPTIONS = rules.object({
  similarityThreshold: THRESHOLD,
  similarity: rules.func(),
  mcpClients: rules.arrayOf(rules.custom('an MCP client', (v) => typeof v === 'object' && v !== null)),
} satisfies Record<keyof ToolRegistryOptions, Rule>);
const REPORT_OPTIONS = rules.object({
  provider: rules.oneOf(PROVIDERS),
  similarityThreshold: THRESHOLD,
} satisfies Record<keyof ToolReportOptions, Rule>);

// A suggestion is only worth giving when the invented name is close to a real one.
const SUGGESTION_MIN_SIMILARITY = 0.5;

/** A set of tools that runs model tool calls of any supported API as TOOL spans and reports tool sprawl. */
export class ToolRegistry {
  private readonly byName = new Map<string, AnyTool>();
  private readonly unknownCalls = new Map<string, number>();
  private readonly mcpClients = new Set<object>();
  private readonly similarityThreshold: number;
  private readonly similarity: ToolSimilarity | undefined;

  constructor(tools: Iterable<AnyTool> = [], options: ToolRegistryOptions = {}) {
    assertOptions(options, OPTIONS, 'ToolRegistry');
    this.similarityThreshold = options.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
    this.similarity = options.similarity;
    for (const tool of tools) this.register(tool);
    for (const client of options.mcpClients ?? []) this.addMcpClient(client);
  }

  /** Adds an MCP client (traced with `traceMcpClient`) whose listed and called tools `report().mcp` covers. */
  addMcpClient(client: object): this {
    if (client === null || typeof client !== 'object') {
      throw new GlassboxConfigError({
        option: 'ToolRegistry.addMcpClient',
        message: 'expected an MCP client',
      });
    }
    this.mcpClients.add(client);
    return this;
  }

  /** Adds a tool; a second tool with the same name is refused, since the model could not tell them apart. */
  register(tool: AnyTool): this {
    if (tool === null || typeof tool !== 'object' || typeof tool.execute !== 'function') {
      throw new GlassboxConfigError({
        option: 'ToolRegistry.register',
        message: 'expected a tool made by defineTool()',
      });
    }
    const existing = this.byName.get(tool.name);
    if (existing !== undefined) {
      if (existing === tool) return this;
      throw new GlassboxConfigError({
        option: 'ToolRegistry.register',
        message: `a different tool named "${tool.name}" is already registered; tool names must be unique`,
      });
    }
    this.byName.set(tool.name, tool);
    return this;
  }

  /** The tool registered under this name, or undefined. */
  get(name: string): AnyTool | undefined {
    return this.byName.get(name);
  }

  /** The registered tools, in registration order. */
  list(): AnyTool[] {
    return [...this.byName.values()];
  }

  /** The definitions to send in `tools: [...]` for one LLM API. */
  definitions<P extends ToolProvider>(provider: P): ToolDefinitions[P];
  definitions(provider: ToolProvider): ToolDefinitions[ToolProvider] {
    const tools = this.list();
    if (provider === 'openai') return tools.map((t) => t.openai());
    if (provider === 'openai-responses') return tools.map((t) => t.openaiResponses());
    if (provider === 'anthropic') return tools.map((t) => t.anthropic());
    throw new GlassboxConfigError({
      option: 'ToolRegistry.definitions',
      message: `unknown provider ${JSON.stringify(provider)}; expected 'openai', 'openai-responses' or 'anthropic'`,
    });
  }

  /**
   * Runs a model's tool call (OpenAI chat, Responses or Anthropic shape) and resolves to the tool's result;
   * rejects with `ToolArgumentsError`, `UnknownToolError` or the tool's own error.
   */
  run(call: ToolCall): Promise<unknown> {
    let normalized: ReturnType<typeof normalizeToolCall>;
    try {
      normalized = normalizeToolCall(call);
    } catch (error) {
      return Promise.reject(error);
    }
    const { id, name, arguments: args } = normalized;
    const tool = this.byName.get(name);
    if (tool !== undefined) return tool.execute(args as never, id ? { callId: id } : {});
    return this.failUnknown(name, id);
  }

  /** Runs a tool call and builds the result message for the model; failures become error results, never rejections. */
  async respond<C extends ToolCall>(call: C): Promise<ToolResultMessage<C>> {
    let result: unknown;
    try {
      result = await this.run(call);
    } catch (error) {
      // The span already holds the failure; the model gets the message so it can correct itself.
      result = error instanceof Error ? error : new Error(String(error));
    }
    return toolResultMessage(call, result);
  }

  /** Tool sprawl at a glance: usage per tool, unused tools, near-duplicate pairs and the definitions' size. */
  report(options: ToolReportOptions = {}): ToolReport {
    assertOptions(options, REPORT_OPTIONS, 'ToolRegistry.report');
    const tools = this.list();
    const threshold = options.similarityThreshold ?? this.similarityThreshold;
    const usage = tools.map(toolUsage);
    return {
      tools: usage,
      unused: usage.filter((u) => u.calls === 0).map((u) => u.name),
      similar: similarTools(tools, threshold, this.similarity),
      definitionChars: JSON.stringify(this.definitions(options.provider ?? 'openai')).length,
      unknown: [...this.unknownCalls].map(([name, calls]) => ({ name, calls })),
      mcp: [...this.mcpClients].map(mcpToolReport),
    };
  }

  private failUnknown(name: string, id: string | undefined): Promise<never> {
    this.unknownCalls.set(name, (this.unknownCalls.get(name) ?? 0) + 1);
    const available = [...this.byName.keys()];
    let suggestion: string | undefined;
    let best = SUGGESTION_MIN_SIMILARITY;
    for (const candidate of available) {
      const similarity = levenshteinSimilarity(name, candidate);
      if (similarity >= best) [best, suggestion] = [similarity, candidate];
    }
    const attributes = {
      [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR.GEN_AI_TOOL_NAME]: name,
      [ATTR.GEN_AI_TOOL_TYPE]: 'function',
      ...(id ? { [ATTR.GEN_AI_TOOL_CALL_ID]: id } : {}),
    };
    // A span for the call that could not run, so the invented tool name is visible in the trace.
    return withSpan({ name: `execute_tool ${name}`, type: SpanType.TOOL, attributes }, async () => {
      throw new UnknownToolError(name, available, suggestion);
    });
  }
}
