import { ATTR, GlassboxConfigError, SpanType, trace, withSpan } from '@glassbox/core';
import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { definePrompt, PromptVariableError } from './index.js';

const { exporter, span, spans } = setupGlassbox();
afterEach(() => exporter.reset());

const sqlPrompt = definePrompt({
  name: 'sql-generator',
  version: 3,
  template: 'Write SQL for: {{ question }}\nTables: {{tables}}\nDialect: {{db.dialect}}',
  maxChars: 120,
});

describe('definePrompt: render', () => {
  it('fills {{slot}}, {{ slot }} and dotted slots; objects as JSON; extra variables allowed', () => {
    const text = sqlPrompt.render({
      question: 'orders last week',
      tables: ['orders'],
      db: { dialect: 'postgres' },
      unused: 1,
    });
    expect(text).toBe('Write SQL for: orders last week\nTables: ["orders"]\nDialect: postgres');
    expect(sqlPrompt.variables).toEqual(['question', 'tables', 'db.dialect']);
    expect(sqlPrompt.version).toBe('3');
  });

  it('throws PromptVariableError naming every missing variable (null counts as missing)', () => {
    const error = (() => {
      try {
        sqlPrompt.render({ question: 'q', db: { dialect: null } } as any);
      } catch (e) {
        return e;
      }
    })() as PromptVariableError;
    expect(PromptVariableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      promptName: 'sql-generator',
      variable: 'tables',
      missing: ['tables', 'db.dialect'],
    });
    expect(error.message).toBe('Prompt "sql-generator" is missing variables "tables", "db.dialect"');
  });

  it('leaves $ patterns in values alone and renders a template without slots', () => {
    const p = definePrompt({ name: 'echo', version: 'v1', template: 'Say {{x}}' });
    expect(p.render({ x: "$& $1 $' {{x}}" })).toBe("Say $& $1 $' {{x}}");
    expect(definePrompt({ name: 'static', version: 1, template: 'Be brief.' }).render({})).toBe('Be brief.');
  });

  it('types the variables from a literal template', () => {
    expectTypeOf(sqlPrompt.render)
      .parameter(0)
      .toExtend<{ question: unknown; tables: unknown; db: unknown }>();
    expectTypeOf(sqlPrompt.render).returns.toEqualTypeOf<string>();
    // @ts-expect-error `tables` and `db` are required by the template
    expect(() => sqlPrompt.render({ question: 'q' })).toThrow(PromptVariableError);
    const loaded: string = 'from a file: {{a}}';
    const dynamic = definePrompt({ name: 'dyn', version: 1, template: loaded });
    expectTypeOf(dynamic.render).parameter(0).toEqualTypeOf<Record<string, unknown>>();
  });

  it('renders chat templates to messages, keeping the roles', () => {
    const chat = definePrompt({
      name: 'support',
      version: '2024-06-01',
      template: [
        { role: 'system', content: 'You answer for {{company}}.' },
        { role: 'user', content: '{{question}}' },
      ],
    });
    const messages = chat.render({ company: 'Acme', question: 'Where is my order?' });
    expect(messages).toEqual([
      { role: 'system', content: 'You answer for Acme.' },
      { role: 'user', content: 'Where is my order?' },
    ]);
    expectTypeOf(messages).toEqualTypeOf<{ role: 'system' | 'user'; content: string }[]>();
    expect(chat.variables).toEqual(['company', 'question']);
  });

  it('refuses bad definitions, naming the option', () => {
    expect(() => definePrompt({ name: '', version: 1, template: 'x' })).toThrow(/definePrompt\.name/);
    expect(() => definePrompt({ name: 'p', version: '', template: 'x' })).toThrow(/definePrompt\.version/);
    expect(() => definePrompt({ name: 'p', version: 1, template: [] })).toThrow(GlassboxConfigError);
    expect(() => definePrompt({ name: 'p', version: 1, template: 'x', maxChars: 0 })).toThrow(/maxChars/);
  });
});

describe('definePrompt: tracing on the active span', () => {
  it('records name, version, variables and rendered length on the span that uses the prompt', async () => {
    const generateSql = trace(
      async (question: string) => {
        const prompt = sqlPrompt.render({ question, tables: 'orders', db: { dialect: 'pg' } });
        return prompt.length;
      },
      { name: 'generate_sql', type: SpanType.LLM },
    );
    const pipeline = trace(async () => generateSql('orders last week'), {
      name: 'pipeline',
      type: SpanType.CHAIN,
    });
    const length = await pipeline();

    const s = await span('generate_sql');
    expect(parentId(s)).toBe((await span('pipeline')).spanContext().spanId);
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
    expect(s.attributes).toMatchObject({
      [ATTR.PROMPT_NAME]: 'sql-generator',
      [ATTR.PROMPT_VERSION]: '3',
      [ATTR.PROMPT_RENDERED_LENGTH]: length,
    });
    expect(jsonAttr(s, ATTR.PROMPT_VARIABLES)).toEqual({
      question: 'orders last week',
      tables: 'orders',
      'db.dialect': 'pg',
    });
    expect(s.events).toEqual([]);
    expect((await span('pipeline')).attributes[ATTR.PROMPT_NAME]).toBeUndefined();
  });

  it('adds a glassbox.prompt.over_budget event when the rendered prompt exceeds maxChars', async () => {
    withSpan('stuffed_step', () =>
      sqlPrompt.render({ question: 'x'.repeat(200), tables: 'orders', db: { dialect: 'pg' } }),
    );
    const s = await span('stuffed_step');
    const event = s.events.find((e) => e.name === ATTR.PROMPT_OVER_BUDGET_EVENT);
    expect(event?.attributes).toEqual({
      [ATTR.PROMPT_NAME]: 'sql-generator',
      [ATTR.PROMPT_VERSION]: '3',
      [ATTR.PROMPT_RENDERED_LENGTH]: s.attributes[ATTR.PROMPT_RENDERED_LENGTH],
      'glassbox.prompt.max_chars': 120,
    });
  });

  it('records the total content length of a chat template', async () => {
    const chat = definePrompt({ name: 'c', version: 1, template: [{ role: 'user', content: '{{q}}!' }] });
    withSpan('chat_step', () => chat.render({ q: 'hello' }));
    expect((await span('chat_step')).attributes[ATTR.PROMPT_RENDERED_LENGTH]).toBe(6);
  });

  it('is a no-op for tracing outside any span, and a failed render records nothing', async () => {
    expect(sqlPrompt.render({ question: 'q', tables: 't', db: { dialect: 'd' } })).toContain('q');
    withSpan('failing_step', () => {
      expect(() => sqlPrompt.render({} as any)).toThrow(PromptVariableError);
    });
    const all = await spans();
    expect(all.map((s) => s.name)).toEqual(['failing_step']);
    expect(all[0]!.attributes[ATTR.PROMPT_NAME]).toBeUndefined();
  });
});
