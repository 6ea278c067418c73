import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { exitWhenStdinEnds, initServerGlassbox, weatherServer } from './weather-server.js';

// An MCP server over stdio in its own process; argv[2] is the JSONL file its spans go to.
const glassbox = initServerGlassbox(process.argv[2]!);
exitWhenStdinEnds(glassbox);
await weatherServer().connect(new StdioServerTransport());
