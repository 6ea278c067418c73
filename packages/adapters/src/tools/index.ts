export type {
  AnthropicToolDefinition,
  AnyTool,
  DefineToolOptions,
  OpenAIChatToolDefinition,
  OpenAIResponsesToolDefinition,
  Tool,
  ToolContext,
  ToolExecuteOptions,
  ToolJsonSchema,
} from './define-tool.js';
export { defineTool } from './define-tool.js';
export type { McpCallOutcome, McpToolReport, McpToolUsage } from './mcp-tool-report.js';
export { mcpToolReport } from './mcp-tool-report.js';
export type { ToolArgumentIssue } from './tool-errors.js';
export { ToolArgumentsError, UnknownToolError } from './tool-errors.js';
export type {
  ToolDefinitions,
  ToolProvider,
  ToolRegistryOptions,
  ToolReportOptions,
} from './tool-registry.js';
export { ToolRegistry } from './tool-registry.js';
export type { SimilarTools, ToolReport, ToolSimilarity, ToolUsage } from './tool-report.js';
export type {
  AnthropicToolResult,
  AnthropicToolUse,
  OpenAIChatToolCall,
  OpenAIChatToolMessage,
  OpenAIResponsesFunctionCall,
  OpenAIResponsesFunctionCallOutput,
  ToolCall,
  ToolResultMessage,
} from './tool-result-message.js';
export { toolResultMessage } from './tool-result-message.js';
