// A script whose exporter is a backend that accepts the connection and never answers: the socket it
// holds open keeps the event loop alive until the exporter is told to give up.
import { connect, type Socket } from 'node:net';
import { init, trace } from '@glassbox/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

const port = Number(process.argv[2]);
const sockets: Socket[] = [];
const blackHole: SpanExporter = {
  export() {
    sockets.push(connect(port, '127.0.0.1'));
  },
  async shutdown() {
    for (const socket of sockets) socket.destroy();
    console.log('exporter shutdown');
  },
};
init({ exporters: [blackHole], logLevel: 'none', shutdownTimeoutMs: 1000 });
const work = trace(async (n: number) => n + 1, { name: 'work' });
for (let i = 0; i < 10; i++) await work(i);
console.log(`done ${Date.now()}`);
