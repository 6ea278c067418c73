import { GlassboxConfigError } from '@glassbox/core';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import { isObj, type Obj } from '../internal/llm/parts.js';
import { ATTRIBUTES, assertOptions } from '../internal/options.js';
import { traceIncoming, tracePeers } from './mcp-incoming.js';
import { traceOutgoing } from './mcp-outgoing.js';

/** Options of `traceMcpServer`. */
export interface TraceMcpServerOptions {
  /** Overrides the global `captureContent` switch for tool arguments, results, prompts and resources. */
  captureContent?: boolean;
  /** Extra attributes on every span of this server. */
  attributes?: Attributes;
}

const OPTIONS = rules.object({
  captureContent: rules.boolean(),
  attributes: ATTRIBUTES,
} satisfies Record<keyof TraceMcpServerOptions, Rule>);

/**
 * Traces an MCP server (`McpServer` or the low-level `Server` of `@modelcontextprotocol/sdk`) and returns
 * it: every request it handles becomes a SERVER span, the child of the client's span when the request's
 * `params._meta` carries trace context, with the handler's own spans nested inside; requests it sends the
 * client (sampling, elicitation) become CLIENT spans.
 */
export function traceMcpServer<S extends object>(server: S, options: TraceMcpServerOptions = {}): S {
  assertOptions(options, OPTIONS, 'traceMcpServer');
  // McpServer keeps the protocol object (the low-level Server) in `server`.
  const inner: unknown = isObj(server) ? (server as Obj).server : undefined;
  const protocol: unknown = isObj(inner) && inner._requestHandlers instanceof Map ? inner : server;
  if (!isObj(protocol) || !(protocol._requestHandlers instanceof Map)) {
    throw new GlassboxConfigError({
      option: 'traceMcpServer',
      message: 'expected an McpServer or Server of @modelcontextprotocol/sdk',
    });
  }
  const settings = {
    adapter: 'traceMcpServer',
    captureContent: options.captureContent,
    attributes: options.attributes,
    enrichToolSpans: false,
    reportOwner: undefined,
  } as const;
  traceIncoming(protocol, settings);
  traceOutgoing(protocol, settings);
  tracePeers(protocol, 'traceMcpServer');
  return server;
}
