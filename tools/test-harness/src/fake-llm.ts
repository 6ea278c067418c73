import { type FakeLlmServer, type FakeLlmServerOptions, startFakeLlmServer } from '@glassbox/fake-llm';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/**
 * The fake LLM server of the calling test file: started before its tests, reset before each one (queued
 * scripts, recorded requests, ids), closed after the last. Call it at the top of the file; the server it
 * returns is usable in tests and hooks (in a `beforeAll` declared after this call, too).
 */
export function useFakeLlm(options?: FakeLlmServerOptions): FakeLlmServer {
  let server: FakeLlmServer | undefined;
  beforeAll(async () => {
    server = await startFakeLlmServer(options);
  });
  beforeEach(() => server?.reset());
  afterAll(async () => {
    await server?.close();
    server = undefined;
  });
  const running = (): FakeLlmServer => {
    if (server === undefined)
      throw new Error('useFakeLlm(): the server runs only during the tests of its file');
    return server;
  };
  return {
    get url() {
      return running().url;
    },
    get openaiBaseURL() {
      return running().openaiBaseURL;
    },
    get anthropicBaseURL() {
      return running().anthropicBaseURL;
    },
    get requests() {
      return running().requests;
    },
    enqueue: (...scripts) => running().enqueue(...scripts),
    reset: () => running().reset(),
    close: () => running().close(),
  };
}
