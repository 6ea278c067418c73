import Anthropic from '@anthropic-ai/sdk';
import { ATTR, GlassboxConfigError, SpanType, trace } from '@glassbox/core';
import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type AnthropicToolUse,
  defineTool,
  type OpenAIChatToolCall,
  type OpenAIResponsesFunctionCall,
  ToolRegistry,
  toolResultMessage,
  UnknownToolError,
} from './index.js';

const { exporter, span, spans } = setupGlassbox();
const server = useFakeLlm();
afterEach(() => exporter.reset());

const orders = [{ id: 'o-1', customer: 'ada', total: 42 }];
const makeTools = () => [
  defineTool({
    name: 'search_orders',
    description: 'Search orders by customer and date',
    parameters: z.object({ customer: z.string(), since: z.string().optional() }),
    execute: async ({ customer }) => orders.filter((o) => o.customer === customer),
  }),
  defineTool({
    name: 'get_weather',
    description: 'Get the current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => `Sunny in ${city}`,
  }),
];

describe('ToolRegistry.run with real SDK tool calls', () => {
  it('runs an OpenAI Chat Completions tool call and hands the result back', async () => {
    const registry = new ToolRegistry(makeTools());
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 });
    server.enqueue(
      { toolCalls: [{ id: 'call_42', name: 'search_orders', arguments: { customer: 'ada' } }] },
      { text: 'Ada has one order.' },
    );
    const agent = trace(
      async (question: string) => {
        const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
        const tools = registry.definitions('openai');
        const first = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
        const message = first.choices[0]!.message;
        messages.push(message);
        for (const call of message.tool_calls ?? []) {
          if (call.type !== 'function') continue;
          messages.push(toolResultMessage(call, await registry.run(call)));
        }
        const second = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
        return second.choices[0]!.message.content;
      },
      { name: 'agent', type: SpanType.AGENT },
    );

    expect(await agent('What did Ada order?')).toBe('Ada has one order.');
    expect((server.requests[0]!.body as any).tools).toEqual(registry.definitions('openai'));
    expect(((server.requests[1]!.body as any).messages as unknown[]).at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'call_42',
      content: JSON.stringify(orders),
    });
    const tool = await span('execute_tool search_orders');
    expect(parentId(tool)).toBe((await span('agent')).spanContext().spanId);
    expect(tool.attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBe('call_42');
    expect(jsonAttr(tool, ATTR.INPUTS)).toEqual({ customer: 'ada' });
    expect(jsonAttr(tool, ATTR.OUTPUTS)).toEqual(orders);
  });

  it('runs an OpenAI Responses function_call item', async () => {
    const registry = new ToolRegistry(makeTools());
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 });
    server.enqueue(
      { toolCalls: [{ id: 'call_r1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { text: 'ok' },
    );
    const response = await client.responses.create({
      model: 'gpt-4o',
      input: 'Weather in Oslo?',
      tools: registry.definitions('openai-responses'),
    });
    const call = response.output.find((item) => item.type === 'function_call')!;
    expectTypeOf(call).toExtend<OpenAIResponsesFunctionCall>();
    const output = toolResultMessage(call, await registry.run(call));
    expect(output).toEqual({ type: 'function_call_output', call_id: 'call_r1', output: 'Sunny in Oslo' });
    await client.responses.create({ model: 'gpt-4o', input: [call, output] });
    expect((server.requests[1]!.body as any).input).toEqual([
      expect.objectContaining({ call_id: 'call_r1' }),
      output,
    ]);
    expect((await span('execute_tool get_weather')).attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBe('call_r1');
  });

  it('runs an Anthropic tool_use block and answers with a tool_result block', async () => {
    const registry = new ToolRegistry(makeTools());
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL, maxRetries: 0 });
    server.enqueue(
      { toolCalls: [{ id: 'toolu_7', name: 'get_weather', arguments: { city: 'Lima' } }] },
      { text: 'ok' },
    );
    const params = { model: 'claude-fake-1', max_tokens: 256, tools: registry.definitions('anthropic') };
    const message = await client.messages.create({
      ...params,
      messages: [{ role: 'user', content: 'Lima?' }],
    });
    const use = message.content.find((block) => block.type === 'tool_use')!;
    expectTypeOf(use).toExtend<AnthropicToolUse>();
    const result = await registry.respond(use);
    expect(result).toEqual({ type: 'tool_result', tool_use_id: 'toolu_7', content: 'Sunny in Lima' });
    await client.messages.create({
      ...params,
      messages: [
        { role: 'user', content: 'Lima?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [result] },
      ],
    });
    expect(server.requests).toHaveLength(2);
    const s = await span('execute_tool get_weather');
    expect(s.attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBe('toolu_7');
    expect(jsonAttr(s, ATTR.INPUTS)).toEqual({ city: 'Lima' });
  });

  it('accepts the SDK tool-call types without casts', () => {
    expectTypeOf<OpenAI.Chat.ChatCompletionMessageFunctionToolCall>().toExtend<OpenAIChatToolCall>();
    expectTypeOf<OpenAI.Responses.ResponseFunctionToolCall>().toExtend<OpenAIResponsesFunctionCall>();
    expectTypeOf<Anthropic.ToolUseBlock>().toExtend<AnthropicToolUse>();
  });
});

describe('ToolRegistry: failures', () => {
  it('rejects an unknown tool with UnknownToolError, a suggestion and an ERROR span', async () => {
    const registry = new ToolRegistry(makeTools());
    const call = {
      id: 'call_x',
      type: 'function',
      function: { name: 'search_order', arguments: '{}' },
    } as const;
    const error = await registry.run(call).catch((e: unknown) => e);
    expect(UnknownToolError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ toolName: 'search_order', suggestion: 'search_orders' });
    expect((error as Error).message).toBe(
      'Unknown tool "search_order". Did you mean "search_orders"? Registered tools: search_orders, get_weather',
    );
    const s = await span('execute_tool search_order');
    expect(s.ended).toBe(true);
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes).toMatchObject({
      [ATTR.ERROR_TYPE]: 'UnknownToolError',
      [ATTR.SPAN_TYPE]: 'TOOL',
      [ATTR.GEN_AI_TOOL_NAME]: 'search_order',
      [ATTR.GEN_AI_TOOL_CALL_ID]: 'call_x',
    });
    expect(registry.report().unknown).toEqual([{ name: 'search_order', calls: 1 }]);
  });

  it('respond() turns failures into error results the model can read', async () => {
    const registry = new ToolRegistry(makeTools());
    const bad: AnthropicToolUse = {
      type: 'tool_use',
      id: 'toolu_1',
      name: 'get_weather',
      input: { town: 'Lima' },
    };
    const result = await registry.respond(bad);
    expect(result).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true });
    expect(result.content).toMatch(/^Error: Invalid arguments for tool "get_weather": city: /);
    const chat = await registry.respond({
      id: 'c',
      type: 'function',
      function: { name: 'nope', arguments: '{}' },
    });
    expect(chat).toMatchObject({ role: 'tool', tool_call_id: 'c' });
    expect(chat.content).toMatch(/^Error: Unknown tool "nope"/);
    expect((await spans()).map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR]);
  });

  it('refuses a second tool with the same name, and an unsupported call shape', async () => {
    const [orders, weather] = makeTools();
    const registry = new ToolRegistry([orders!, weather!]);
    expect(registry.register(weather!)).toBe(registry);
    const twin = defineTool({
      ...{ description: 'x', parameters: z.object({}), execute: () => 1 },
      name: 'get_weather',
    });
    expect(() => registry.register(twin)).toThrow(GlassboxConfigError);
    expect(() => registry.register(twin)).toThrow(/"get_weather" is already registered/);
    expect(() => new ToolRegistry([weather!, twin])).toThrow(/already registered/);
    await expect(registry.run({ type: 'custom', name: 'x' } as any)).rejects.toThrow(TypeError);
    expect(registry.get('get_weather')).toBe(weather);
    expect(registry.get('missing')).toBeUndefined();
  });
});

describe('ToolRegistry.report', () => {
  it('shows usage, unused tools, near-duplicates and the size of the definitions', async () => {
    const tools = [
      ...makeTools(),
      defineTool({
        name: 'find_orders',
        description: 'Find orders for a customer within a date range',
        parameters: z.object({ customer: z.string() }),
        execute: () => [],
      }),
      defineTool({
        name: 'getWeather',
        description: 'Weather now',
        parameters: z.object({ city: z.string() }),
        execute: () => 'rain',
      }),
      defineTool({
        name: 'run_sql',
        description: 'Run a read-only SQL query against the warehouse',
        parameters: z.object({ sql: z.string() }),
        execute: () => {
          throw new Error('read-only');
        },
      }),
    ];
    const registry = new ToolRegistry(tools);
    for (let i = 0; i < 3; i++)
      await registry.run({ type: 'tool_use', id: `t${i}`, name: 'get_weather', input: { city: 'Rome' } });
    await registry
      .run({ type: 'tool_use', id: 'bad', name: 'get_weather', input: {} })
      .catch(() => undefined);
    await registry
      .run({ type: 'tool_use', id: 'sql', name: 'run_sql', input: { sql: 'select 1' } })
      .catch(() => undefined);

    const report = registry.report();
    const byName = Object.fromEntries(report.tools.map((t) => [t.name, t]));
    expect(report.tools.map((t) => t.name)).toEqual([
      'search_orders',
      'get_weather',
      'find_orders',
      'getWeather',
      'run_sql',
    ]);
    expect(byName.get_weather).toMatchObject({ calls: 4, errors: 1 });
    expect(byName.run_sql).toMatchObject({ calls: 1, errors: 1 });
    expect(byName.get_weather!.meanMs).toBeGreaterThanOrEqual(0);
    expect(byName.get_weather!.p95Ms).toBeGreaterThanOrEqual(byName.get_weather!.meanMs * 0);
    expect(report.unused).toEqual(['search_orders', 'find_orders', 'getWeather']);
    expect(report.similar).toEqual([
      { a: 'get_weather', b: 'getWeather', similarity: 1, by: 'name' },
      { a: 'search_orders', b: 'find_orders', similarity: expect.closeTo(0.61, 2), by: 'description' },
    ]);
    expect(report.definitionChars).toBe(JSON.stringify(registry.definitions('openai')).length);
    expect(registry.report({ provider: 'anthropic' }).definitionChars).toBe(
      JSON.stringify(registry.definitions('anthropic')).length,
    );
    expect(registry.report({ similarityThreshold: 0.95 }).similar.map((p) => p.b)).toEqual(['getWeather']);
    expect(() => registry.report({ similarityThreshold: 2 })).toThrow(/similarityThreshold/);
  });

  it('takes a custom similarity measure', () => {
    const registry = new ToolRegistry(makeTools(), { similarity: () => 0.9, similarityThreshold: 0.8 });
    expect(registry.report().similar).toEqual([
      { a: 'search_orders', b: 'get_weather', similarity: 0.9, by: 'custom' },
    ]);
  });
});
