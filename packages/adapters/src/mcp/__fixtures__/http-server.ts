import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { exitWhenStdinEnds, initServerGlassbox, weatherServer } from './weather-server.js';

// An MCP server over Streamable HTTP on 127.0.0.1 (a session per client) in its own process; argv[2] is
// the JSONL file its spans go to; prints `listening <port>` when ready.
const glassbox = initServerGlassbox(process.argv[2]!);
const sessions = new Map<string, StreamableHTTPServerTransport>();

const http = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
  const id = req.headers['mcp-session-id'];
  let transport = typeof id === 'string' ? sessions.get(id) : undefined;
  if (transport === undefined) {
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, transport!);
      },
    });
    await weatherServer().connect(transport);
  }
  await transport.handleRequest(req, res, body);
});

exitWhenStdinEnds(glassbox);
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
