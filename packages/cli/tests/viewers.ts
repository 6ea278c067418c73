// The viewer fixture of the server tests: real viewers on 127.0.0.1 port 0, closed after each test.
import { afterEach } from 'vitest';
import { startViewer, type Viewer } from '../src/server/viewer-server.js';

/** Registers the cleanup for this test file and returns a function that starts a viewer (port 0 unless given). */
export function useViewers(): (options?: Parameters<typeof startViewer>[0]) => Promise<Viewer> {
  const open: Viewer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((v) => v.close()));
  });
  return async (options = {}) => {
    const v = await startViewer({ port: 0, ...options });
    open.push(v);
    return v;
  };
}
