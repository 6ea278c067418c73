import { round3 } from '../internal/text/similarity.js';
import { DURATION_SAMPLES, p95 } from './tool-stats.js';

/** How one MCP tool call ended: a result, a result with `isError: true`, or a thrown/JSON-RPC error. */
export type McpCallOutcome = 'ok' | 'tool_error' | 'error';

/** Usage of one MCP tool of one server, as seen by a traced client. */
export interface McpToolUsage {
  name: string;
  /** Whether the server's latest `tools/list` offered it. */
  listed: boolean;
  /** The description from `tools/list`, when listed. */
  description?: string;
  calls: number;
  /** Results with `isError: true` (the tool ran and reported a failure). */
  toolErrors: number;
  /** Calls that threw: a JSON-RPC error (unknown tool, invalid arguments), a timeout, a closed connection. */
  errors: number;
  meanMs: number;
  /** Over the last 1024 calls. */
  p95Ms: number;
}

/** What `mcpToolReport(client)` returns: the MCP tools a client listed, called, saw fail and never used. */
export interface McpToolReport {
  /** The server's name from `initialize` (`serverInfo.name`), when known. */
  server: string | undefined;
  /** Every tool listed or called, listed ones first in list order. */
  tools: McpToolUsage[];
  /** Names from the latest `tools/list`. */
  listed: string[];
  /** Listed tools never called. */
  unused: string[];
  /** Tools with at least one `isError` result or thrown call. */
  failing: string[];
  /** Tools called that the latest `tools/list` did not offer (a model inventing names, or a stale list). */
  unlisted: string[];
}

interface CallStats {
  calls: number;
  toolErrors: number;
  errors: number;
  totalMs: number;
  recentMs: number[];
}

interface ClientStats {
  server: string | undefined;
  listed: Map<string, string | undefined>;
  calls: Map<string, CallStats>;
}

// Kept beside the client object, so a client dropped by the app takes its counts with it.
const statsByClient = new WeakMap<object, ClientStats>();

function statsOf(client: object): ClientStats {
  let stats = statsByClient.get(client);
  if (stats === undefined) {
    stats = { server: undefined, listed: new Map(), calls: new Map() };
    statsByClient.set(client, stats);
  }
  return stats;
}

/** Records the server's name (from the `initialize` result). */
export function recordMcpServerName(client: object, server: string | undefined): void {
  if (typeof server === 'string') statsOf(client).server = server;
}

/**
 * Records the tools of one `tools/list` page; a first page (no cursor) replaces the previous listing,
 * a later page adds to it.
 */
export function recordMcpToolList(
  client: object,
  tools: readonly { name: string; description?: string }[],
  firstPage: boolean,
): void {
  const stats = statsOf(client);
  if (firstPage) stats.listed.clear();
  for (const tool of tools) stats.listed.set(tool.name, tool.description);
}

/** Records one finished `tools/call`. */
export function recordMcpToolCall(
  client: object,
  name: string,
  durationMs: number,
  outcome: McpCallOutcome,
): void {
  const calls = statsOf(client).calls;
  let stats = calls.get(name);
  if (stats === undefined) {
    stats = { calls: 0, toolErrors: 0, errors: 0, totalMs: 0, recentMs: [] };
    calls.set(name, stats);
  }
  if (stats.recentMs.length < DURATION_SAMPLES) stats.recentMs.push(durationMs);
  else stats.recentMs[stats.calls % DURATION_SAMPLES] = durationMs;
  stats.calls++;
  stats.totalMs += durationMs;
  if (outcome === 'tool_error') stats.toolErrors++;
  else if (outcome === 'error') stats.errors++;
}

/** The MCP tool report of a client traced with `traceMcpClient` (empty for a client never traced). */
export function mcpToolReport(client: object): McpToolReport {
  const stats = statsByClient.get(client) ?? { server: undefined, listed: new Map(), calls: new Map() };
  const names = [...stats.listed.keys(), ...[...stats.calls.keys()].filter((n) => !stats.listed.has(n))];
  const tools = names.map((name): McpToolUsage => {
    const call = stats.calls.get(name);
    const listed = stats.listed.has(name);
    const description = stats.listed.get(name);
    return {
      name,
      listed,
      ...(description !== undefined ? { description } : {}),
      calls: call?.calls ?? 0,
      toolErrors: call?.toolErrors ?? 0,
      errors: call?.errors ?? 0,
      meanMs: call ? round3(call.totalMs / call.calls) : 0,
      p95Ms: call ? round3(p95(call.recentMs)) : 0,
    };
  });
  return {
    server: stats.server,
    tools,
    listed: [...stats.listed.keys()],
    unused: tools.filter((t) => t.listed && t.calls === 0).map((t) => t.name),
    failing: tools.filter((t) => t.toolErrors + t.errors > 0).map((t) => t.name),
    unlisted: tools.filter((t) => !t.listed).map((t) => t.name),
  };
}
