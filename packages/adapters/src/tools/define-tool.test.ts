import type Anthropic from '@anthropic-ai/sdk';
import { ATTR, GlassboxConfigError, SpanType, trace } from '@glassbox/core';
import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type OpenAI from 'openai';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { defineTool, ToolArgumentsError } from './index.js';

const { exporter, span } = setupGlassbox();
afterEach(() => exporter.reset());

const weather = defineTool({
  name: 'get_weather',
  description: 'Get the current weather for a city',
  parameters: z.object({
    city: z.string().describe('City name'),
    unit: z.enum(['celsius', 'fahrenheit']).default('celsius'),
  }),
  execute: async ({ city, unit }) => ({ city, unit, temperature: 21 }),
});

describe('defineTool: definitions', () => {
  it('derives the JSON Schema from zod (input side, no $schema) and builds each API shape', () => {
    expect(weather.jsonSchema).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' },
      },
      required: ['city'],
    });
    expect(weather.openai()).toEqual({
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Get the current weather for a city',
        parameters: weather.jsonSchema,
      },
    });
    expect(weather.openaiResponses()).toEqual({
      type: 'function',
      name: 'get_weather',
      description: 'Get the current weather for a city',
      parameters: weather.jsonSchema,
      strict: false,
    });
    expect(weather.anthropic()).toEqual({
      name: 'get_weather',
      description: 'Get the current weather for a city',
      input_schema: weather.jsonSchema,
    });
  });

  it('gives each caller its own copy, so editing one definition cannot change the tool', () => {
    const def = weather.openai();
    (def.function.parameters.properties as any).city.type = 'number';
    expect((weather.openai().function.parameters.properties as any).city.type).toBe('string');
    expect(Object.isFrozen(weather.jsonSchema)).toBe(true);
  });

  it('produces definitions the OpenAI and Anthropic SDK types accept', () => {
    expectTypeOf(weather.openai()).toExtend<OpenAI.Chat.ChatCompletionTool>();
    expectTypeOf(weather.openaiResponses()).toExtend<OpenAI.Responses.FunctionTool>();
    expectTypeOf(weather.anthropic()).toExtend<Anthropic.Tool>();
  });

  it('types execute from the schema: zod input in, the tool result out', () => {
    expectTypeOf(weather.execute)
      .parameter(0)
      .toEqualTypeOf<{ city: string; unit?: 'celsius' | 'fahrenheit' | undefined } | string>();
    expectTypeOf(weather.execute).returns.toEqualTypeOf<
      Promise<{ city: string; unit: 'celsius' | 'fahrenheit'; temperature: number }>
    >();
  });

  it('sets strict only when asked', () => {
    const strict = defineTool({
      name: 'lookup',
      description: 'Look up',
      parameters: z.object({ id: z.string() }),
      strict: true,
      execute: ({ id }) => id,
    });
    expect(strict.openai().function.strict).toBe(true);
    expect(strict.openaiResponses().strict).toBe(true);
    expect('strict' in weather.openai().function).toBe(false);
  });

  it('refuses bad definitions at once, naming the option', () => {
    const base = { description: 'x', parameters: z.object({}), execute: () => 1 };
    expect(() => defineTool({ ...base, name: 'get weather' })).toThrow(/defineTool\.name/);
    expect(() => defineTool({ ...base, name: 'a'.repeat(65) })).toThrow(GlassboxConfigError);
    expect(() => defineTool({ ...base, name: 'scalar', parameters: z.string() })).toThrow(
      /needs an object schema/,
    );
    expect(() => defineTool({ ...base, name: 'when', parameters: z.object({ at: z.date() }) })).toThrow(
      /cannot be expressed as JSON Schema/,
    );
    expect(() => defineTool({ ...base, name: 'nozod', parameters: { type: 'object' } as any })).toThrow(
      /zod 4 schema/,
    );
  });
});

describe('tool.execute: the TOOL span', () => {
  it('runs under the active span with the GenAI tool attributes, arguments and result', async () => {
    const agent = trace(async () => weather.execute({ city: 'Paris' }, { callId: 'call_abc' }), {
      name: 'agent',
      type: SpanType.AGENT,
    });
    expect(await agent()).toEqual({ city: 'Paris', unit: 'celsius', temperature: 21 });

    const tool = await span('execute_tool get_weather');
    const parent = await span('agent');
    expect(parentId(tool)).toBe(parent.spanContext().spanId);
    expect(tool.ended).toBe(true);
    expect(tool.kind).toBe(SpanKind.INTERNAL);
    expect(tool.status.code).toBe(SpanStatusCode.UNSET);
    expect(tool.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'TOOL',
      [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR.GEN_AI_TOOL_NAME]: 'get_weather',
      [ATTR.GEN_AI_TOOL_CALL_ID]: 'call_abc',
      [ATTR.GEN_AI_TOOL_DESCRIPTION]: 'Get the current weather for a city',
      [ATTR.GEN_AI_TOOL_TYPE]: 'function',
    });
    expect(jsonAttr(tool, ATTR.INPUTS)).toEqual({ city: 'Paris' });
    expect(jsonAttr(tool, ATTR.OUTPUTS)).toEqual({ city: 'Paris', unit: 'celsius', temperature: 21 });
  });

  it('accepts the model JSON string and passes parsed, defaulted arguments and the call id', async () => {
    const execute = vi.fn((args: { q: string; limit: number }, ctx: { callId: string | undefined }) => ({
      ...args,
      ...ctx,
    }));
    const search = defineTool({
      name: 'search',
      description: 'Search',
      parameters: z.object({ q: z.string(), limit: z.number().int().default(5) }),
      execute: (args, ctx) => execute(args, { callId: ctx.callId }),
    });
    expect(await search.execute('{"q":"shoes"}', { callId: 'c1' })).toEqual({
      q: 'shoes',
      limit: 5,
      callId: 'c1',
    });
    expect(await search.execute('', {}).catch((e) => e)).toBeInstanceOf(ToolArgumentsError);
    const s = (await exporterSpans('execute_tool search'))[0]!;
    expect(jsonAttr(s, ATTR.INPUTS)).toEqual({ q: 'shoes' });
    expect(s.attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBe('c1');
  });

  it('throws ToolArgumentsError listing zod issues, marks the span ERROR and never runs the tool', async () => {
    const execute = vi.fn();
    const tool = defineTool({
      name: 'book',
      description: 'Book a table',
      parameters: z.object({ people: z.number().int().min(1), date: z.string() }),
      execute,
    });
    const error = await tool.execute({ people: 0 } as any, { callId: 'call_1' }).catch((e: unknown) => e);
    expect(ToolArgumentsError.isInstance(error)).toBe(true);
    const e = error as ToolArgumentsError;
    expect(e.toolName).toBe('book');
    expect(e.issues.map((i) => [i.code, i.path])).toEqual([
      ['too_small', ['people']],
      ['invalid_type', ['date']],
    ]);
    expect(e.message).toMatch(/^Invalid arguments for tool "book": people: .+; date: .+/);
    expect(execute).not.toHaveBeenCalled();

    const s = await span('execute_tool book');
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('ToolArgumentsError');
    expect(s.events.some((ev) => ev.name === 'exception')).toBe(true);
    expect(jsonAttr(s, ATTR.INPUTS)).toEqual({ people: 0 });
  });

  it('reports malformed JSON as an invalid_json issue and records the raw string', async () => {
    const error = (await weather
      .execute('{"city": "Par', { callId: 'call_2' })
      .catch((e) => e)) as ToolArgumentsError;
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ code: 'invalid_json', path: [] });
    const s = await span('execute_tool get_weather');
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('ToolArgumentsError');
    expect(jsonAttr(s, ATTR.INPUTS)).toBe('{"city": "Par');
  });

  it("rethrows the tool's own error unchanged", async () => {
    class WarehouseDownError extends Error {}
    const boom = new WarehouseDownError('warehouse unreachable');
    const tool = defineTool({
      name: 'stock',
      description: 'Stock level',
      parameters: z.object({ sku: z.string() }),
      execute: async () => {
        throw boom;
      },
    });
    await expect(tool.execute({ sku: 'A1' })).rejects.toBe(boom);
    const s = await span('execute_tool stock');
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('WarehouseDownError');
    expect(s.attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBeUndefined();
  });

  it('lets a sync execute and the span handle in the context work', async () => {
    const tool = defineTool({
      name: 'add',
      description: 'Add two numbers',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }, { span: toolSpan }) => {
        toolSpan.setAttribute('app.cache_hit', false);
        return a + b;
      },
    });
    expect(await tool.execute({ a: 2, b: 3 })).toBe(5);
    expect((await span('execute_tool add')).attributes['app.cache_hit']).toBe(false);
  });

  it('keeps arguments and results out of the span when the tool opts out of content capture', async () => {
    const secret = defineTool({
      name: 'patient_record',
      description: 'Read a patient record',
      parameters: z.object({ patientId: z.string() }),
      captureContent: false,
      execute: ({ patientId }) => ({ patientId, diagnosis: 'private' }),
    });
    await secret.execute({ patientId: 'p-1' }, { callId: 'call_9' });
    const s = await span('execute_tool patient_record');
    expect(s.attributes[ATTR.INPUTS]).toBeUndefined();
    expect(s.attributes[ATTR.OUTPUTS]).toBeUndefined();
    expect(s.attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBe('call_9');
  });
});

async function exporterSpans(name: string) {
  return exporter.spans().filter((s) => s.name === name);
}
