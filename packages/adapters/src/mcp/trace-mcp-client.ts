import { GlassboxConfigError } from '@glassbox/core';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import { isObj } from '../internal/llm/parts.js';
import { ATTRIBUTES, assertOptions } from '../internal/options.js';
import { tryOrWarn } from '../internal/warn.js';
import { recordMcpServerName } from '../tools/mcp-tool-report.js';
import { traceIncoming } from './mcp-incoming.js';
import { traceOutgoing } from './mcp-outgoing.js';

/** Options of `traceMcpClient`. */
export interface TraceMcpClientOptions {
  /** Overrides the global `captureContent` switch for tool arguments, results, prompts and resources. */
  captureContent?: boolean;
  /** Extra attributes on every span of this client. */
  attributes?: Attributes;
  /**
   * When a `tools/call` runs inside an open tool span for the same tool name (a `defineTool` whose
   * `execute` calls MCP, an LLM adapter's tool run), add the MCP attributes to that span instead of
   * starting a second one; default true.
   */
  enrichToolSpans?: boolean;
}

const OPTIONS = rules.object({
  captureContent: rules.boolean(),
  attributes: ATTRIBUTES,
  enrichToolSpans: rules.boolean(),
} satisfies Record<keyof TraceMcpClientOptions, Rule>);

/**
 * Traces one MCP `Client` (`@modelcontextprotocol/sdk`) and returns that same client: every request it
 * sends (`initialize`, `tools/call`, `tools/list`, `resources/read`, `prompts/get`, `ping`...) becomes a
 * CLIENT span carrying its trace context to the server in `params._meta`; requests the server sends it
 * (sampling, elicitation, roots) become SERVER spans; `tools/list` and `tools/call` feed `mcpToolReport`.
 */
export function traceMcpClient<C extends object>(client: C, options: TraceMcpClientOptions = {}): C {
  assertOptions(options, OPTIONS, 'traceMcpClient');
  if (!isObj(client) || typeof (client as { request?: unknown }).request !== 'function') {
    throw new GlassboxConfigError({
      option: 'traceMcpClient',
      message: 'expected a Client of @modelcontextprotocol/sdk (an object with a request method)',
    });
  }
  const settings = {
    adapter: 'traceMcpClient',
    captureContent: options.captureContent,
    attributes: options.attributes,
    enrichToolSpans: options.enrichToolSpans ?? true,
    reportOwner: client,
  } as const;
  traceOutgoing(client, settings);
  traceIncoming(client, settings);
  // A client traced after `connect` already knows its server: the report names it all the same.
  const info = tryOrWarn('traceMcpClient', 'server', 'could not read the server info', () =>
    (client as { getServerVersion?: () => unknown }).getServerVersion?.(),
  );
  if (isObj(info)) recordMcpServerName(client, info.name);
  return client;
}
