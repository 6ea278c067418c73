import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLlmServer, judgeProse, judgeReply, judgeResponder, startFakeLlmServer } from './index.js';

let server: FakeLlmServer;
let prose: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer({
    responder: judgeResponder({
      rules: [
        {
          guideline: /\bpolite\b/i,
          check: (p) => (/\bplease\b/i.test(p.response) ? undefined : 'no "please"'),
        },
      ],
    }),
  });
  prose = await startFakeLlmServer({ responder: judgeResponder({ prose: 'once' }) });
});
afterAll(async () => {
  await server.close();
  await prose.close();
});
beforeEach(() => {
  server.reset();
  prose.reset();
});

const FORMAT = 'Answer with only a JSON object: {"value": <"pass" or "fail">, "rationale": "<why>"}.';
const guidelinesPrompt = (response: string, documents = 'kb-1, kb-4') =>
  [
    '<guidelines>',
    '1. answers cite a retrieved document',
    '2. no SQL in the answer',
    '3. be polite',
    '</guidelines>',
    '<response>',
    response,
    '</response>',
    '<trace>',
    `- retrieval help-center [RETRIEVER] 2ms\n    documents: ${documents}`,
    '</trace>',
    FORMAT,
  ].join('\n');

const ask = async (target: FakeLlmServer, messages: { role: 'user' | 'assistant'; content: string }[]) => {
  const client = new OpenAI({ apiKey: 'k', baseURL: target.openaiBaseURL, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'judge', messages });
  return completion.choices[0]!.message.content!;
};

describe('judgeResponder', () => {
  it('passes a response that follows every guideline', async () => {
    const answer = JSON.parse(
      await ask(server, [{ role: 'user', content: guidelinesPrompt('Please see kb-4.') }]),
    );
    expect(answer).toEqual({ value: 'pass', rationale: 'The response follows all 3 guidelines.' });
  });

  it('fails one that breaks guidelines, naming each (built-in and custom rules)', async () => {
    const answer = JSON.parse(
      await ask(server, [
        { role: 'user', content: guidelinesPrompt('Run SELECT * FROM orders WHERE id = 7') },
      ]),
    );
    expect(answer.value).toBe('fail');
    expect(answer.rationale).toContain(
      'guideline 1 ("answers cite a retrieved document") is broken: the response cites none of the retrieved documents (kb-1, kb-4)',
    );
    expect(answer.rationale).toContain(
      'guideline 2 ("no SQL in the answer") is broken: the response contains an SQL statement',
    );
    expect(answer.rationale).toContain('guideline 3 ("be polite") is broken: no "please"');
  });

  it('answers other judge prompts by their answer format', async () => {
    const number = await ask(server, [
      {
        role: 'user',
        content:
          'Rate it. Answer with only a JSON object: {"value": <a number from 1 (worst) to 5 (best)>, "rationale": "..."}',
      },
    ]);
    expect(JSON.parse(number).value).toBe(5);
    const labels = await ask(server, [
      { role: 'user', content: 'Tone? {"value": <exactly one of "friendly", "rude">, "rationale": "..."}' },
    ]);
    expect(JSON.parse(labels).value).toBe('friendly');
    expect(await ask(server, [{ role: 'user', content: 'hello' }])).toBe('Hello from the fake judge.');
  });

  it("prose: 'once' answers prose first, then a verdict on the retry", async () => {
    const first = await ask(prose, [{ role: 'user', content: guidelinesPrompt('kb-1') }]);
    expect(() => JSON.parse(first)).toThrow();
    const retry = await ask(prose, [
      { role: 'user', content: guidelinesPrompt('kb-1') },
      { role: 'assistant', content: first },
      { role: 'user', content: `Your answer could not be used: it was not JSON. ${FORMAT}` },
    ]);
    expect(JSON.parse(retry).value).toBe('pass');
  });

  it('judgeReply and judgeProse script single replies', async () => {
    server.enqueue(judgeReply(false, 'wrong'), judgeProse('just words'));
    expect(JSON.parse(await ask(server, [{ role: 'user', content: 'x' }]))).toEqual({
      value: 'fail',
      rationale: 'wrong',
    });
    expect(await ask(server, [{ role: 'user', content: 'x' }])).toBe('just words');
  });
});
