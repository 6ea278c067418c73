import { describe, expect, it } from 'vitest';
import { useFakeLlm } from './fake-llm.js';

const server = useFakeLlm();

const chat = () =>
  fetch(`${server.openaiBaseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  }).then((r) => r.json() as Promise<{ id: string; choices: { message: { content: string } }[] }>);

describe('useFakeLlm', () => {
  it('serves the file from a running server', async () => {
    server.enqueue({ text: 'queued' }, { text: 'left over' });
    const reply = await chat();
    expect(reply.choices[0]?.message.content).toBe('queued');
    expect(server.requests).toHaveLength(1);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('resets between tests: no recorded request, no queued script, ids restarted', async () => {
    expect(server.requests).toHaveLength(0);
    const reply = await chat();
    expect(reply.choices[0]?.message.content).not.toBe('left over');
    expect(reply.id).toBe('chatcmpl-fake1');
  });
});
