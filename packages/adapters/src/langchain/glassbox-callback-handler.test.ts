import { ATTR, trace } from '@glassbox/core';
import { jsonAttr, onlySpan, parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { BaseRetriever } from '@langchain/core/retrievers';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { FakeListChatModel, FakeLLM } from '@langchain/core/utils/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FakeLlmChatModel } from './__fixtures__/fake-llm-chat-model.js';
import { GlassboxCallbackHandler } from './glassbox-callback-handler.js';

const { exporter, spans } = setupGlassbox();
const server = useFakeLlm();
beforeEach(() => exporter.reset());

const prompt = ChatPromptTemplate.fromMessages([
  ['system', 'You answer in one line.'],
  ['human', 'Tell me about {topic}'],
]);

class NotesRetriever extends BaseRetriever {
  lc_namespace = ['tests', 'retrievers'];
  override async _getRelevantDocuments(
    query: string,
    _run?: CallbackManagerForRetrieverRun,
  ): Promise<Document[]> {
    return [
      new Document({
        id: 'n1',
        pageContent: `Note about ${query}`,
        metadata: { score: 0.92, source: 'notes' },
      }),
      new Document({ id: 'n2', pageContent: 'Another note', metadata: { score: 0.4 } }),
    ];
  }
}

describe('GlassboxCallbackHandler', () => {
  it('traces prompt | chat model | parser as a CHAIN with PROMPT, LLM and PARSER children under the active span', async () => {
    server.enqueue({
      text: 'Otters hold hands while sleeping.',
      usage: { inputTokens: 21, outputTokens: 6 },
    });
    const model = new FakeLlmChatModel({ baseURL: server.openaiBaseURL, model: 'fake-model' });
    const chain = prompt.pipe(model).pipe(new StringOutputParser());
    const handler = new GlassboxCallbackHandler();
    const run = trace(async function answer(topic: string) {
      return chain.invoke({ topic }, { callbacks: [handler] });
    });
    expect(await run('otters')).toBe('Otters hold hands while sleeping.');

    const all = await spans();
    const root = onlySpan(all, 'RunnableSequence');
    const llm = onlySpan(all, 'chat fake-model');
    expect(parentId(root)).toBe(onlySpan(all, 'answer').spanContext().spanId);
    for (const name of ['ChatPromptTemplate', 'chat fake-model', 'StrOutputParser'])
      expect(parentId(onlySpan(all, name))).toBe(root.spanContext().spanId);
    expect(root.attributes[ATTR.SPAN_TYPE]).toBe('CHAIN');
    expect(jsonAttr(root, ATTR.INPUTS)).toEqual({ topic: 'otters' });
    expect(jsonAttr(root, ATTR.OUTPUTS)).toBe('Otters hold hands while sleeping.');
    expect(onlySpan(all, 'ChatPromptTemplate').attributes[ATTR.SPAN_TYPE]).toBe('PROMPT');
    expect(onlySpan(all, 'StrOutputParser').attributes[ATTR.SPAN_TYPE]).toBe('PARSER');

    expect(llm.kind).toBe(2);
    expect(llm.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'LLM',
      [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR.GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR.GEN_AI_REQUEST_MODEL]: 'fake-model',
      [ATTR.GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [ATTR.GEN_AI_RESPONSE_MODEL]: 'fake-model',
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 21,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 6,
    });
    expect(llm.attributes[ATTR.GEN_AI_RESPONSE_ID]).toMatch(/^chatcmpl-/);
    expect(jsonAttr(llm, ATTR.GEN_AI_SYSTEM_INSTRUCTIONS)).toEqual([
      { type: 'text', content: 'You answer in one line.' },
    ]);
    expect(jsonAttr(llm, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Tell me about otters' }] },
    ]);
    expect(jsonAttr(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Otters hold hands while sleeping.' }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('streams: time to first token from handleLLMNewToken, usage from the aggregated message', async () => {
    server.enqueue({
      text: 'one two three four',
      latencyMs: 25,
      chunkDelayMs: 2,
      usage: { inputTokens: 9, outputTokens: 4 },
    });
    const chain = prompt
      .pipe(new FakeLlmChatModel({ baseURL: server.openaiBaseURL, model: 'fake-model' }))
      .pipe(new StringOutputParser());
    let text = '';
    for await (const chunk of await chain.stream(
      { topic: 'counting' },
      { callbacks: [new GlassboxCallbackHandler()] },
    ))
      text += chunk;
    expect(text).toBe('one two three four');

    const all = await spans();
    const llm = onlySpan(all, 'chat fake-model');
    expect(llm.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS] as number).toBeGreaterThanOrEqual(20);
    expect(llm.attributes).toMatchObject({
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 9,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 4,
    });
    // A streamed chain reports its input at the end.
    expect(jsonAttr(onlySpan(all, 'RunnableSequence'), ATTR.INPUTS)).toEqual({ topic: 'counting' });
  });

  it('ends the runs of a stream the consumer stops reading, as abandoned', async () => {
    const model = new FakeListChatModel({ responses: ['a long streamed answer'], sleep: 5 });
    const chain = prompt.pipe(model).pipe(new StringOutputParser());
    const handler = new GlassboxCallbackHandler({ abandonAfterMs: 40 });
    for await (const _ of await chain.stream({ topic: 'x' }, { callbacks: [handler] })) break;
    await new Promise((r) => setTimeout(r, 200));

    const all = await spans();
    const abandoned = all.filter((s) => s.attributes[ATTR.STREAM_END] === 'abandoned').map((s) => s.name);
    expect(abandoned.sort()).toEqual(['RunnableSequence', 'StrOutputParser', 'chat FakeListChatModel']);
    expect(all.map((s) => s.name)).toContain('ChatPromptTemplate');
  });

  it('traces a tool called with a tool call, and a retriever with its documents', async () => {
    const lookup = tool(async ({ city }) => JSON.stringify({ city, tempC: 21 }), {
      name: 'weather',
      description: 'Weather for a city',
      schema: z.object({ city: z.string() }),
    });
    const handler = new GlassboxCallbackHandler();
    const pipeline = RunnableLambda.from(async (question: string, config) => {
      const docs = await new NotesRetriever().invoke(question, config);
      const result = await lookup.invoke(
        { id: 'call_7', name: 'weather', args: { city: 'Paris' }, type: 'tool_call' },
        config,
      );
      return `${docs.length} ${result.content}`;
    }).withConfig({ runName: 'pipeline' });
    await pipeline.invoke('paris', { callbacks: [handler] });

    const all = await spans();
    const root = onlySpan(all, 'pipeline');
    const toolSpan = onlySpan(all, 'execute_tool weather');
    const retrieval = onlySpan(all, 'retrieval NotesRetriever');
    expect(parentId(toolSpan)).toBe(root.spanContext().spanId);
    expect(parentId(retrieval)).toBe(root.spanContext().spanId);
    expect(toolSpan.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'TOOL',
      [ATTR.GEN_AI_TOOL_NAME]: 'weather',
      [ATTR.GEN_AI_TOOL_CALL_ID]: 'call_7',
    });
    expect(jsonAttr(toolSpan, ATTR.INPUTS)).toEqual({ city: 'Paris' });
    expect(jsonAttr(toolSpan, ATTR.OUTPUTS)).toEqual({ city: 'Paris', tempC: 21 });
    expect(retrieval.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'RETRIEVER',
      [ATTR.GEN_AI_OPERATION_NAME]: 'retrieval',
      [ATTR.RETRIEVAL_QUERY]: 'paris',
      [ATTR.RETRIEVAL_DOCUMENT_COUNT]: 2,
    });
    expect((jsonAttr(retrieval, ATTR.RETRIEVAL_DOCUMENTS) as unknown[])[0]).toEqual({
      id: 'n1',
      score: 0.92,
      content: 'Note about paris',
      metadata: { score: 0.92, source: 'notes' },
    });
  });

  it('traces a text-completion LLM', async () => {
    await new FakeLLM({ response: 'completed text' }).invoke('complete this', {
      callbacks: [new GlassboxCallbackHandler()],
    });
    const span = onlySpan(await spans(), 'text_completion FakeLLM');
    expect(span.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'LLM',
      [ATTR.GEN_AI_OPERATION_NAME]: 'text_completion',
    });
    expect(jsonAttr(span, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'complete this' }] },
    ]);
    expect(jsonAttr(span, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'completed text' }], finish_reason: 'stop' },
    ]);
  });

  it('closes failing runs with ERROR and error.type', async () => {
    const failing = tool(
      async () => {
        throw new RangeError('out of range');
      },
      { name: 'boom', schema: z.object({}) },
    );
    await expect(failing.invoke({}, { callbacks: [new GlassboxCallbackHandler()] })).rejects.toThrow(
      'out of range',
    );
    const span = onlySpan(await spans(), 'execute_tool boom');
    expect(span.status.code).toBe(2);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('RangeError');
  });

  it('marks a chain that takes agent actions as AGENT', async () => {
    const handler = new GlassboxCallbackHandler();
    // Drive the callbacks directly, as an agent executor does: a chain run, an agent action on it, its end.
    const runId = '00000000-0000-4000-8000-000000000001';
    handler.handleChainStart({ lc: 1, type: 'not_implemented', id: ['Executor'] }, { input: 'q' }, runId);
    handler.handleAgentAction({ tool: 'search', toolInput: {}, log: '' }, runId);
    handler.handleChainEnd({ output: 'done' }, runId);
    expect(onlySpan(await spans(), 'Executor').attributes[ATTR.SPAN_TYPE]).toBe('AGENT');
  });

  it('keeps messages, inputs, outputs and documents in the process when capture is off', async () => {
    server.enqueue({ text: 'secret reply' });
    const chain = prompt
      .pipe(new FakeLlmChatModel({ baseURL: server.openaiBaseURL, model: 'fake-model' }))
      .pipe(new StringOutputParser());
    const handler = new GlassboxCallbackHandler({ captureContent: false });
    await chain.invoke({ topic: 'secrets' }, { callbacks: [handler] });
    await new NotesRetriever().invoke('secret query', { callbacks: [handler] });
    const all = await spans();
    const content = [
      ATTR.INPUTS,
      ATTR.OUTPUTS,
      ATTR.GEN_AI_INPUT_MESSAGES,
      ATTR.GEN_AI_OUTPUT_MESSAGES,
      ATTR.GEN_AI_SYSTEM_INSTRUCTIONS,
      ATTR.RETRIEVAL_QUERY,
      ATTR.RETRIEVAL_DOCUMENTS,
    ];
    for (const span of all)
      for (const key of content) expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
    expect(onlySpan(all, 'chat fake-model').attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
    expect(onlySpan(all, 'retrieval NotesRetriever').attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBe(2);
  });

  it('bounds the open runs: the oldest is ended as abandoned', async () => {
    const handler = new GlassboxCallbackHandler({ maxOpenRuns: 2 });
    for (const n of [1, 2, 3])
      handler.handleChainStart(
        { lc: 1, type: 'not_implemented', id: [`Run${n}`] },
        {},
        `00000000-0000-4000-8000-00000000000${n}`,
      );
    expect((await spans()).map((s) => [s.name, s.attributes[ATTR.STREAM_END]])).toEqual([
      ['Run1', 'abandoned'],
    ]);
  });
});
