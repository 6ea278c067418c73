import { type Glassbox, init, SpanType, trace } from '@glassbox/core';
import { jsonFileExporter } from '@glassbox/exporters';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { traceMcpServer } from '../index.js';

/** Glassbox for a fixture server process: every span written at once to the JSONL file the test reads. */
export function initServerGlassbox(spansPath: string): Glassbox {
  return init({
    serviceName: 'mcp-weather-server',
    exporters: [jsonFileExporter({ path: spansPath })],
    exportMode: 'immediate',
    logLevel: 'none',
  });
}

// A traced step inside a tool: its span must nest under the server span.
const lookupForecast = trace(async (city: string) => ({ city, temperature: 21, sky: 'sunny' }), {
  name: 'lookup_forecast',
  type: SpanType.RETRIEVER,
});

/** The weather MCP server of the tests, traced. */
export function weatherServer(): McpServer {
  const server = traceMcpServer(new McpServer({ name: 'weather', version: '1.0.0' }));
  server.registerTool(
    'get_weather',
    { description: 'Get the current weather for a city', inputSchema: { city: z.string() } },
    async ({ city }) => {
      const forecast = await lookupForecast(city);
      return { content: [{ type: 'text', text: `${forecast.sky}, ${forecast.temperature} C in ${city}` }] };
    },
  );
  server.registerTool(
    'book_flight',
    { description: 'Book a flight', inputSchema: { to: z.string() } },
    async ({ to }) => ({ isError: true, content: [{ type: 'text', text: `no seats left to ${to}` }] }),
  );
  server.registerTool(
    'slow_report',
    { description: 'A long report, with progress', inputSchema: { steps: z.number() } },
    async ({ steps }, extra) => {
      for (let i = 1; i <= steps; i++) {
        if (extra._meta?.progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: extra._meta.progressToken, progress: i, total: steps },
          });
        }
      }
      // Echoes the request's _meta keys, so the test sees what reached the server.
      return { content: [{ type: 'text', text: JSON.stringify(Object.keys(extra._meta ?? {}).sort()) }] };
    },
  );
  server.registerTool(
    'wait_forever',
    { description: 'Never answers until cancelled', inputSchema: {} },
    (_args, extra) =>
      new Promise((resolve) => {
        extra.signal.addEventListener('abort', () =>
          resolve({ content: [{ type: 'text', text: 'aborted' }] }),
        );
      }),
  );
  server.registerTool('unused_tool', { description: 'Nobody calls this', inputSchema: {} }, async () => ({
    content: [{ type: 'text', text: 'never' }],
  }));
  server.registerPrompt(
    'summarize',
    { description: 'Summarise a text', argsSchema: { text: z.string() } },
    ({ text }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Summarise: ${text}` } }] }),
  );
  server.registerResource('config', 'config://app', { description: 'App config' }, async (uri) => ({
    contents: [{ uri: uri.href, text: '{"units":"metric"}' }],
  }));
  return server;
}

/** Flushes the spans and exits once the test closes this process's stdin. */
export function exitWhenStdinEnds(glassbox: Glassbox): void {
  process.stdin.resume();
  process.stdin.on('end', () => {
    glassbox.shutdown().finally(() => process.exit(0));
  });
}
