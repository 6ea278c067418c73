export type { McpCallOutcome, McpToolReport, McpToolUsage } from '../tools/mcp-tool-report.js';
export { mcpToolReport } from '../tools/mcp-tool-report.js';
export type { TraceMcpClientOptions } from './trace-mcp-client.js';
export { traceMcpClient } from './trace-mcp-client.js';
export type { TraceMcpServerOptions } from './trace-mcp-server.js';
export { traceMcpServer } from './trace-mcp-server.js';
