import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATTR, SpanType, trace } from '@glassbox/core';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { jsonAttr, onlySpan, parentId, setupGlassbox } from '@glassbox/test-harness';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mcpToolReport, traceMcpClient } from './index.js';

// A real MCP server in a child process (the SDK's own transports), traced with traceMcpServer and writing
// its spans to a JSONL file; the client is traced here. One trace must span both processes.

const { exporter, spans } = setupGlassbox({ serviceName: 'mcp-client-app' });
const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
// The repository root: tsx reads tsconfig.json there, which maps @glassbox/* to their sources.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-mcp-'));
  exporter.reset();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Connection {
  transport: Transport;
  /** Closes the client, then waits until the server process flushed its spans and exited. */
  close: (client: Client) => Promise<void>;
}

function stdioServer(spansPath: string): Connection {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', fixture('stdio-server.ts'), spansPath],
    cwd: repoRoot,
    env: process.env as Record<string, string>,
    stderr: 'inherit',
  });
  // Closing the stdio client ends the child's stdin and waits for it to exit (it flushes first).
  return { transport, close: (client) => client.close() };
}

async function httpServer(spansPath: string): Promise<Connection> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', fixture('http-server.ts'), spansPath],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const match = /listening (\d+)/.exec(d.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the HTTP server exited early (${code})`)));
  });
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
  return {
    transport,
    close: async (client) => {
      await client.close();
      child.stdin!.end();
      await exited;
    },
  };
}

async function readSpans(path: string): Promise<TraceFileSpan[]> {
  const all: TraceFileSpan[] = [];
  for await (const s of readTraceFile(path)) all.push(s);
  return all;
}

function serverSpan(all: TraceFileSpan[], name: string): TraceFileSpan {
  const found = all.filter((s) => s.name === name);
  expect(found, `server spans named ${name} among ${all.map((s) => s.name).join(', ')}`).toHaveLength(1);
  return found[0]!;
}

/** Runs the same session against a server: connect, list, call (ok, isError), a JSON-RPC error, a prompt. */
async function session(connection: Connection) {
  const client = traceMcpClient(new Client({ name: 'glassbox-test-client', version: '1.0.0' }));
  const agent = trace(
    async () => {
      await client.connect(connection.transport);
      const listed = await client.listTools();
      const weather = await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
      const flight = await client.callTool({ name: 'book_flight', arguments: { to: 'Mars' } });
      const missing = await client.readResource({ uri: 'config://missing' }).catch((e: unknown) => e);
      const prompt = await client.getPrompt({ name: 'summarize', arguments: { text: 'long text' } });
      await client.ping();
      return { listed, weather, flight, missing, prompt };
    },
    { name: 'agent', type: SpanType.AGENT },
  );
  const results = await agent();
  const report = mcpToolReport(client);
  await connection.close(client);
  return { results, report };
}

describe.each([
  ['stdio', 'pipe'],
  ['Streamable HTTP', 'tcp'],
] as const)('traceMcpClient + traceMcpServer over %s', (kind, networkTransport) => {
  it('makes one trace across both processes, with the MCP attributes on both sides', async () => {
    const spansPath = join(dir, 'server-spans.jsonl');
    const connection = kind === 'stdio' ? stdioServer(spansPath) : await httpServer(spansPath);
    const { results, report } = await session(connection);
    const client = await spans();
    const server = await readSpans(spansPath);

    // The host app sees exactly what the SDK returns.
    expect(results.listed.tools.map((t) => t.name)).toEqual([
      'get_weather',
      'book_flight',
      'slow_report',
      'wait_forever',
      'unused_tool',
    ]);
    expect(results.weather.content).toEqual([{ type: 'text', text: 'sunny, 21 C in Paris' }]);
    expect(results.flight.isError).toBe(true);
    expect((results.missing as { code?: number }).code).toBe(-32602);

    const agent = onlySpan(client, 'agent');
    const traceId = agent.spanContext().traceId;
    const pairs: [ReadableSpan, TraceFileSpan][] = [
      'initialize',
      'tools/list',
      'tools/call get_weather',
      'tools/call book_flight',
      'resources/read',
      'prompts/get summarize',
      'ping',
    ].map((name) => [onlySpan(client, name), serverSpan(server, name)]);
    for (const [c, s] of pairs) {
      // One trace: each server span is the child of its client span, in the other process.
      expect(c.spanContext().traceId).toBe(traceId);
      expect(parentId(c)).toBe(agent.spanContext().spanId);
      expect(s.traceId).toBe(traceId);
      expect(s.parentSpanId).toBe(c.spanContext().spanId);
      expect(c.kind).toBe(SpanKind.CLIENT);
      expect(s.kind).toBe(SpanKind.SERVER);
      expect(s.resource['service.name']).toBe('mcp-weather-server');
      for (const attrs of [c.attributes, s.attributes]) {
        expect(attrs[ATTR.MCP_METHOD_NAME]).toBe(c.name.split(' ')[0]);
        expect(attrs[ATTR.NETWORK_TRANSPORT]).toBe(networkTransport);
        expect(attrs[ATTR.MCP_PROTOCOL_VERSION]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      expect(s.attributes[ATTR.JSONRPC_REQUEST_ID]).toBe(c.attributes[ATTR.JSONRPC_REQUEST_ID]);
    }
    expect(onlySpan(client, 'initialize').attributes[ATTR.JSONRPC_REQUEST_ID]).toBe('0');

    const [callClient, callServer] = pairs[2]!;
    for (const attrs of [callClient.attributes, callServer.attributes]) {
      expect(attrs).toMatchObject({
        [ATTR.SPAN_TYPE]: 'TOOL',
        [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
        [ATTR.GEN_AI_TOOL_NAME]: 'get_weather',
      });
      expect(JSON.parse(attrs[ATTR.INPUTS] as string)).toEqual({ city: 'Paris' });
      expect(JSON.parse(attrs[ATTR.OUTPUTS] as string)).toEqual({
        content: [{ type: 'text', text: 'sunny, 21 C in Paris' }],
      });
    }
    // The tool's own traced step nests under the server span.
    expect(serverSpan(server, 'lookup_forecast').parentSpanId).toBe(callServer.spanId);

    // isError results: error.type tool_error and status ERROR on both sides.
    const [flightClient, flightServer] = pairs[3]!;
    expect(flightClient.attributes[ATTR.ERROR_TYPE]).toBe('tool_error');
    expect(flightClient.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no seats left to Mars' });
    expect(flightServer.attributes[ATTR.ERROR_TYPE]).toBe('tool_error');
    expect(flightServer.status.code).toBe(SpanStatusCode.ERROR);

    // A JSON-RPC error: its code as error.type and rpc.response.status_code, on both sides.
    const [readClient, readServer] = pairs[4]!;
    for (const attrs of [readClient.attributes, readServer.attributes]) {
      expect(attrs[ATTR.MCP_RESOURCE_URI]).toBe('config://missing');
      expect(attrs[ATTR.ERROR_TYPE]).toBe('-32602');
      expect(attrs[ATTR.RPC_RESPONSE_STATUS_CODE]).toBe('-32602');
    }
    expect(readClient.status.code).toBe(SpanStatusCode.ERROR);
    expect(readServer.status.code).toBe(SpanStatusCode.ERROR);
    expect(readServer.events.some((e) => e.name === 'exception')).toBe(true);

    const [promptClient, promptServer] = pairs[5]!;
    expect(promptClient.attributes[ATTR.GEN_AI_PROMPT_NAME]).toBe('summarize');
    expect(promptServer.attributes[ATTR.GEN_AI_PROMPT_NAME]).toBe('summarize');
    expect(jsonAttr(promptClient, ATTR.INPUTS)).toEqual({ text: 'long text' });

    if (kind === 'Streamable HTTP') {
      const sessionId = callClient.attributes[ATTR.MCP_SESSION_ID];
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(callServer.attributes[ATTR.MCP_SESSION_ID]).toBe(sessionId);
      expect(onlySpan(client, 'initialize').attributes[ATTR.MCP_SESSION_ID]).toBe(sessionId);
      expect(callClient.attributes).toMatchObject({
        [ATTR.NETWORK_PROTOCOL_NAME]: 'http',
        [ATTR.SERVER_ADDRESS]: '127.0.0.1',
        [ATTR.SERVER_PORT]: expect.any(Number),
      });
      expect(callServer.attributes).toMatchObject({
        [ATTR.NETWORK_PROTOCOL_NAME]: 'http',
        [ATTR.NETWORK_PROTOCOL_VERSION]: '1.1',
        [ATTR.CLIENT_ADDRESS]: '127.0.0.1',
        [ATTR.CLIENT_PORT]: expect.any(Number),
      });
    } else {
      expect(callClient.attributes[ATTR.MCP_SESSION_ID]).toBeUndefined();
      expect(callClient.attributes[ATTR.SERVER_ADDRESS]).toBeUndefined();
    }

    // The report: listed, called, failing, never used.
    expect(report.server).toBe('weather');
    expect(report.listed).toEqual([
      'get_weather',
      'book_flight',
      'slow_report',
      'wait_forever',
      'unused_tool',
    ]);
    expect(report.unused).toEqual(['slow_report', 'wait_forever', 'unused_tool']);
    expect(report.failing).toEqual(['book_flight']);
    expect(report.unlisted).toEqual([]);
    expect(report.tools.find((t) => t.name === 'get_weather')).toMatchObject({
      listed: true,
      description: 'Get the current weather for a city',
      calls: 1,
      toolErrors: 0,
      errors: 0,
    });
    expect(report.tools.find((t) => t.name === 'book_flight')).toMatchObject({ calls: 1, toolErrors: 1 });
  }, 60_000); // two processes start (tsx compiles the fixture): generous on a loaded machine
});
