import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveEvents } from '../src/server/live-events.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A real server whose every request opens a stream of `live`; resolves once `count` streams are open. */
async function serve(live: LiveEvents): Promise<{ port: number; opened: (count: number) => Promise<void> }> {
  const waiting: { count: number; resolve: () => void }[] = [];
  server = createServer((req, res) => {
    live.open(req, res);
    for (const w of waiting.splice(0)) {
      if (live.size >= w.count) w.resolve();
      else waiting.push(w);
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    opened: (count) =>
      new Promise<void>((resolve) => (live.size >= count ? resolve() : waiting.push({ count, resolve }))),
  };
}

function connect(port: number, onText: (text: string) => void) {
  const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => onText((text += chunk)));
    res.on('error', () => {});
  });
  req.on('error', () => {});
  req.end();
  return req;
}

describe('LiveEvents', () => {
  it('coalesces the ingests of one burst into one event per kind, to every open page', async () => {
    const live = new LiveEvents();
    const { port, opened } = await serve(live);
    const texts: Promise<string>[] = [];
    for (let i = 0; i < 2; i++) {
      texts.push(
        new Promise((resolve) => {
          connect(port, (text) => {
            if (text.includes('event: feedback')) resolve(text);
          });
        }),
      );
    }
    await opened(2);
    live.notify('spans', ['a'.repeat(32)]);
    live.notify('spans', ['b'.repeat(32), 'a'.repeat(32)]);
    live.notify('feedback', ['c'.repeat(32)]);
    for (const text of await Promise.all(texts)) {
      const events = text.split('\n\n').filter((e) => e.startsWith('event:'));
      expect(events).toEqual([
        `event: spans\ndata: {"traceIds":["${'a'.repeat(32)}","${'b'.repeat(32)}"]}`,
        `event: feedback\ndata: {"traceIds":["${'c'.repeat(32)}"]}`,
      ]);
    }
    live.close();
  });

  it('forgets a page that goes away', async () => {
    const live = new LiveEvents();
    const { port, opened } = await serve(live);
    const req = connect(port, () => {});
    await opened(1);
    expect(live.size).toBe(1);
    // Polled on the event loop (no clock): the server sees the socket close a few turns later.
    const closed = new Promise<void>((resolve) => {
      const check = () => (live.size === 0 ? resolve() : setImmediate(check));
      check();
    });
    req.destroy();
    await closed;
    expect(live.size).toBe(0);
    live.notify('spans', ['d'.repeat(32)]); // nobody listening: nothing queued, nothing thrown
    live.close();
  });
});
