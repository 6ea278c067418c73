import { ATTR } from '@glassbox/core';
import { jsonAttr, onlySpan, parentId, setupGlassbox } from '@glassbox/test-harness';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CreateMessageRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { context, trace as otelTrace, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, ToolRegistry } from '../tools/index.js';
import { weatherServer } from './__fixtures__/weather-server.js';
import { traceMcpClient, traceMcpServer } from './index.js';

// The real SDK client and server, linked by the SDK's in-memory transport, in this process: the
// behaviours that do not need a second process (cross-process traces: trace-mcp.cross-process.test.ts).

const { exporter, spans } = setupGlassbox();
const open: Client[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  exporter.reset();
});

async function connect(
  options: {
    trace?: boolean;
    client?: Parameters<typeof traceMcpClient>[1];
    server?: McpServer | Server;
  } = {},
) {
  const server = options.server ?? weatherServer();
  const raw = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: { sampling: {} } });
  const client = options.trace === false ? raw : traceMcpClient(raw, options.client);
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([client.connect(a), server.connect(b)]);
  open.push(client);
  return client;
}

const ofKind = (all: ReadableSpan[], name: string, kind: SpanKind) =>
  all.filter((s) => s.name === name && s.kind === kind);

describe('traceMcpClient: the host app sees what the SDK returns', () => {
  it('returns the same results and errors as an untraced client', async () => {
    const run = async (client: Client) => ({
      weather: await client.callTool({ name: 'get_weather', arguments: { city: 'Rome' } }),
      flight: await client.callTool({ name: 'book_flight', arguments: { to: 'Mars' } }),
      tools: (await client.listTools()).tools.map((t) => t.name),
      error: await client
        .readResource({ uri: 'config://missing' })
        .catch((e: Error) => [e.constructor.name, e.message]),
      config: await client.readResource({ uri: 'config://app' }),
    });
    expect(await run(await connect())).toEqual(await run(await connect({ trace: false })));
  });

  it('never modifies the caller params or _meta, keeps their keys and adds trace context and baggage', async () => {
    const client = await connect();
    const params = Object.freeze({
      name: 'slow_report',
      arguments: Object.freeze({ steps: 0 }),
      _meta: Object.freeze({ 'app.example/request': 'r-1' }),
    });
    const before = structuredClone(params);
    const baggage = propagation.createBaggage({ 'user.tier': { value: 'gold' } });
    const result = await context.with(propagation.setBaggage(context.active(), baggage), () =>
      client.callTool(params),
    );
    expect(params).toEqual(before);
    // The server echoes the _meta keys it received.
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toEqual([
      'app.example/request',
      'baggage',
      'traceparent',
    ]);
  });

  it('passes progress notifications through, with the progress token beside the trace context', async () => {
    const client = await connect();
    const progress: number[] = [];
    const result = await client.callTool({ name: 'slow_report', arguments: { steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(progress).toEqual([1, 2, 3]);
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toEqual([
      'progressToken',
      'traceparent',
    ]);
  });

  it('rejects a cancelled call as the SDK does and records it on the client span', async () => {
    const client = await connect();
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait_forever', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort('user left');
    await expect(call).rejects.toMatchObject({ code: -32001, message: expect.stringContaining('user left') });
    const [span] = ofKind(await spans(), 'tools/call wait_forever', SpanKind.CLIENT);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes[ATTR.ERROR_TYPE]).toBe('-32001');
  });

  it('keeps arguments and results out of the spans when content capture is off', async () => {
    const client = await connect({ client: { captureContent: false } });
    await client.callTool({ name: 'book_flight', arguments: { to: 'Mars' } });
    const [span] = ofKind(await spans(), 'tools/call book_flight', SpanKind.CLIENT);
    expect(span!.attributes[ATTR.INPUTS]).toBeUndefined();
    expect(span!.attributes[ATTR.OUTPUTS]).toBeUndefined();
    expect(span!.attributes[ATTR.ERROR_TYPE]).toBe('tool_error');
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR });
  });

  it('traces a client once, however often it is handed to traceMcpClient', async () => {
    const client = await connect();
    expect(traceMcpClient(traceMcpClient(client))).toBe(client);
    await client.ping();
    expect(ofKind(await spans(), 'ping', SpanKind.CLIENT)).toHaveLength(1);
    expect(ofKind(await spans(), 'ping', SpanKind.SERVER)).toHaveLength(1);
  });

  it('adds extra attributes to every span of the client', async () => {
    const client = await connect({ client: { attributes: { 'app.mcp.server': 'weather' } } });
    await client.ping();
    const all = await spans();
    expect(ofKind(all, 'ping', SpanKind.CLIENT)[0]!.attributes['app.mcp.server']).toBe('weather');
    expect(ofKind(all, 'ping', SpanKind.SERVER)[0]!.attributes['app.mcp.server']).toBeUndefined();
  });
});

describe('traceMcpClient inside a tool span', () => {
  it('adds the MCP attributes to a defineTool span of the same name instead of a second span', async () => {
    const client = await connect();
    const proxy = defineTool({
      name: 'get_weather',
      description: 'Weather, from the MCP server',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => client.callTool({ name: 'get_weather', arguments: { city } }),
    });
    await proxy.execute({ city: 'Oslo' }, { callId: 'call_1' });
    const all = await spans();
    const tool = onlySpan(all, 'execute_tool get_weather');
    expect(ofKind(all, 'tools/call get_weather', SpanKind.CLIENT)).toEqual([]);
    expect(tool.attributes).toMatchObject({
      [ATTR.MCP_METHOD_NAME]: 'tools/call',
      [ATTR.JSONRPC_REQUEST_ID]: expect.any(String),
      [ATTR.MCP_PROTOCOL_VERSION]: expect.any(String),
      [ATTR.GEN_AI_TOOL_CALL_ID]: 'call_1',
    });
    // The server span is the child of the tool span: its context went into _meta.
    const [server] = ofKind(all, 'tools/call get_weather', SpanKind.SERVER);
    expect(parentId(server!)).toBe(tool.spanContext().spanId);
  });

  it('starts its own span under a tool of another name, for a second call, or with enrichToolSpans off', async () => {
    const client = await connect();
    const twice = defineTool({
      name: 'get_weather',
      description: 'Weather twice',
      parameters: z.object({}),
      execute: async () => {
        await client.callTool({ name: 'get_weather', arguments: { city: 'A' } });
        await client.callTool({ name: 'get_weather', arguments: { city: 'B' } });
      },
    });
    const other = defineTool({
      name: 'plan_trip',
      description: 'Plan a trip',
      parameters: z.object({}),
      execute: () => client.callTool({ name: 'get_weather', arguments: { city: 'C' } }),
    });
    await twice.execute({});
    await other.execute({});
    const all = await spans();
    const clientSpans = ofKind(all, 'tools/call get_weather', SpanKind.CLIENT);
    expect(clientSpans.map((s) => jsonAttr(s, ATTR.INPUTS))).toEqual([{ city: 'B' }, { city: 'C' }]);
    expect(parentId(clientSpans[1]!)).toBe(onlySpan(all, 'execute_tool plan_trip').spanContext().spanId);

    exporter.reset();
    const plain = await connect({ client: { enrichToolSpans: false } });
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather',
      parameters: z.object({}),
      execute: () => plain.callTool({ name: 'get_weather', arguments: { city: 'D' } }),
    });
    await tool.execute({});
    expect(ofKind(await spans(), 'tools/call get_weather', SpanKind.CLIENT)).toHaveLength(1);
  });

  it('enriches the tool spans of other instrumentations: GenAI execute_tool spans and AI SDK ai.toolCall spans', async () => {
    const client = await connect();
    const tracer = otelTrace.getTracer('other-instrumentation');
    const runInside = (name: string, attributes: Record<string, string>) => {
      const span = tracer.startSpan(name, { attributes });
      return context
        .with(otelTrace.setSpan(context.active(), span), () =>
          client.callTool({ name: 'get_weather', arguments: { city: 'Kyiv' } }),
        )
        .finally(() => span.end());
    };
    await runInside('execute_tool get_weather', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
    });
    await runInside('ai.toolCall', { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'get_weather' });
    await runInside('not a tool', { 'gen_ai.tool.name': 'get_weather' });
    const all = await spans();
    for (const name of ['execute_tool get_weather', 'ai.toolCall']) {
      expect(onlySpan(all, name).attributes[ATTR.MCP_METHOD_NAME]).toBe('tools/call');
    }
    const [own] = ofKind(all, 'tools/call get_weather', SpanKind.CLIENT);
    expect(parentId(own!)).toBe(onlySpan(all, 'not a tool').spanContext().spanId);
    expect(ofKind(all, 'tools/call get_weather', SpanKind.CLIENT)).toHaveLength(1);
  });

  it('marks the enriched tool span tool_error when the MCP result has isError', async () => {
    const client = await connect();
    const tool = defineTool({
      name: 'book_flight',
      description: 'Book',
      parameters: z.object({ to: z.string() }),
      execute: ({ to }) => client.callTool({ name: 'book_flight', arguments: { to } }),
    });
    await tool.execute({ to: 'Mars' });
    const span = onlySpan(await spans(), 'execute_tool book_flight');
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('tool_error');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('MCP tools in the ToolRegistry report', () => {
  it('lists MCP tools listed, called, failing, never used and called without being listed', async () => {
    const client = await connect();
    const local = defineTool({
      name: 'local',
      description: 'Local',
      parameters: z.object({}),
      execute: () => 1,
    });
    const registry = new ToolRegistry([local], { mcpClients: [client] });
    await client.listTools();
    await client.callTool({ name: 'get_weather', arguments: { city: 'Lima' } });
    await client.callTool({ name: 'get_weather', arguments: { city: 'Quito' } });
    await client.callTool({ name: 'book_flight', arguments: { to: 'Mars' } });
    await client.callTool({ name: 'no_such_tool', arguments: {} });
    const [mcp] = registry.report().mcp;
    expect(mcp).toMatchObject({
      server: 'weather',
      unused: ['slow_report', 'wait_forever', 'unused_tool'],
      failing: ['book_flight', 'no_such_tool'],
      unlisted: ['no_such_tool'],
    });
    expect(mcp!.tools.find((t) => t.name === 'get_weather')).toMatchObject({
      calls: 2,
      toolErrors: 0,
      errors: 0,
    });
    expect(registry.report().unused).toEqual(['local']);
    expect(new ToolRegistry().addMcpClient(client).report().mcp).toHaveLength(1);
  });
});

describe('traceMcpServer', () => {
  it('makes a server span a root (or the child of the active span) when the request carries no trace context', async () => {
    const client = await connect({ trace: false });
    await client.callTool({ name: 'get_weather', arguments: { city: 'Bern' } });
    const all = await spans();
    const [server] = ofKind(all, 'tools/call get_weather', SpanKind.SERVER);
    expect(parentId(server!)).toBeUndefined();
    expect(parentId(onlySpan(all, 'lookup_forecast'))).toBe(server!.spanContext().spanId);
  });

  it('records a thrown handler error with the JSON-RPC code the client receives', async () => {
    const low = new Server({ name: 'low', version: '1.0.0' }, { capabilities: { tools: {} } });
    low.setRequestHandler(ListToolsRequestSchema, () => {
      throw new TypeError('index corrupt');
    });
    const client = await connect({ server: traceMcpServer(low) });
    await expect(client.listTools()).rejects.toMatchObject({ code: -32603 });
    const [server] = ofKind(await spans(), 'tools/list', SpanKind.SERVER);
    expect(server!.attributes[ATTR.ERROR_TYPE]).toBe('-32603');
    expect(server!.attributes[ATTR.RPC_RESPONSE_STATUS_CODE]).toBe('-32603');
    expect(server!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'index corrupt' });
    expect(server!.events[0]!.attributes!['exception.type']).toBe('TypeError');
  });

  it('traces the requests a server sends the client (sampling), parented across the link', async () => {
    const server = weatherServer();
    server.registerTool('ask_model', { description: 'Ask the client model', inputSchema: {} }, async () => {
      const answer = await server.server.createMessage({
        messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
        maxTokens: 10,
      });
      return { content: [answer.content as { type: 'text'; text: string }] };
    });
    const client = await connect({ server });
    client.setRequestHandler(CreateMessageRequestSchema, () => ({
      model: 'fake',
      role: 'assistant',
      content: { type: 'text', text: 'hello' },
    }));
    const result = await client.callTool({ name: 'ask_model', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'hello' }]);
    const all = await spans();
    const [toolServer] = ofKind(all, 'tools/call ask_model', SpanKind.SERVER);
    const [sent] = ofKind(all, 'sampling/createMessage', SpanKind.CLIENT);
    const [handled] = ofKind(all, 'sampling/createMessage', SpanKind.SERVER);
    expect(parentId(sent!)).toBe(toolServer!.spanContext().spanId);
    expect(parentId(handled!)).toBe(sent!.spanContext().spanId);
  });
});
