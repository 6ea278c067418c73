/// <reference lib="dom" />
// LLM and embedding spans: model, usage, cost, finish reason, and the conversation as a chat.
import type { SpanRecord } from '../../store/span-record.js';
import { type Child, h } from '../dom.js';
import { formatCost, formatCount, formatDuration, num, str, strList } from '../format.js';
import { facts, section, valueView } from '../value-view.js';
import { type ChatMessage, type ChatPart, chatOf } from './chat-messages.js';
import type { SpanRenderer } from './renderer.js';

const LLM_KEYS = ['gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name', 'ai.model.id'];

function first(span: SpanRecord, keys: string[]): string | undefined {
  for (const key of keys) {
    const v = str(span.attributes, key);
    if (v !== undefined) return v;
  }
  return undefined;
}

function firstNum(span: SpanRecord, keys: string[]): number | undefined {
  for (const key of keys) {
    const v = num(span.attributes, key);
    if (v !== undefined) return v;
  }
  return undefined;
}

function partView(part: ChatPart): HTMLElement {
  switch (part.kind) {
    case 'text':
      return h('div', { class: 'part part-text' }, valueView(part.text, { raw: true, className: 'prose' }));
    case 'tool_call':
      return h(
        'div',
        { class: 'part part-tool-call' },
        h(
          'div',
          { class: 'part-head' },
          '→ tool call ',
          h('b', null, part.name || '(unnamed)'),
          part.id ? h('span', { class: 'muted mono' }, ` ${part.id}`) : null,
        ),
        valueView(part.args),
      );
    case 'tool_result':
      return h(
        'div',
        { class: 'part part-tool-result' },
        h(
          'div',
          { class: 'part-head' },
          '← tool result',
          part.id ? h('span', { class: 'muted mono' }, ` ${part.id}`) : null,
        ),
        valueView(part.result),
      );
    default:
      return h(
        'div',
        { class: 'part part-other' },
        h('div', { class: 'part-head' }, part.type),
        valueView(part.value),
      );
  }
}

function messageView(message: ChatMessage): HTMLElement {
  const role = message.role.toLowerCase();
  return h(
    'div',
    { class: `msg role-${role.replace(/[^a-z_]/g, '')}`, 'data-role': role },
    h(
      'div',
      { class: 'msg-role' },
      role,
      message.finishReason ? h('span', { class: 'muted' }, ` · ${message.finishReason}`) : null,
    ),
    message.parts.length === 0 ? h('div', { class: 'muted' }, '(no content)') : message.parts.map(partView),
  );
}

function usage(span: SpanRecord): Child {
  const a = span.attributes;
  const input = firstNum(span, [
    'gen_ai.usage.input_tokens',
    'llm.token_count.prompt',
    'ai.usage.inputTokens',
    'ai.usage.promptTokens',
  ]);
  const output = firstNum(span, [
    'gen_ai.usage.output_tokens',
    'llm.token_count.completion',
    'ai.usage.outputTokens',
    'ai.usage.completionTokens',
  ]);
  const cacheRead = num(a, 'gen_ai.usage.cache_read.input_tokens');
  const cacheWrite = num(a, 'gen_ai.usage.cache_creation.input_tokens');
  const reasoning = num(a, 'gen_ai.usage.reasoning.output_tokens');
  const parts: string[] = [];
  if (input !== undefined) parts.push(`${formatCount(input)} in`);
  if (output !== undefined) parts.push(`${formatCount(output)} out`);
  // Providers report zero cached/reasoning tokens on every call; only non-zero ones say something.
  if (cacheRead) parts.push(`${formatCount(cacheRead)} cache read`);
  if (cacheWrite) parts.push(`${formatCount(cacheWrite)} cache write`);
  if (reasoning) parts.push(`${formatCount(reasoning)} reasoning`);
  return parts.length ? parts.join(' · ') : undefined;
}

function cost(span: SpanRecord): Child {
  const a = span.attributes;
  const total = num(a, 'gen_ai.usage.cost');
  if (total === undefined) return undefined;
  const split = [
    ['input', num(a, 'glassbox.cost.input_usd')],
    ['output', num(a, 'glassbox.cost.output_usd')],
    ['cache read', num(a, 'glassbox.cost.cache_read_usd')],
    ['cache write', num(a, 'glassbox.cost.cache_write_usd')],
  ].filter(([, v]) => v !== undefined) as [string, number][];
  const source = str(a, 'glassbox.cost.price_source');
  const detail = split.map(([k, v]) => `${k} ${formatCost(v)}`).join(', ');
  return [
    formatCost(total),
    detail || source
      ? h(
          'span',
          { class: 'muted' },
          ` (${[detail, source ? `prices: ${source}` : ''].filter(Boolean).join('; ')})`,
        )
      : null,
  ];
}

/** Model facts of an LLM span. */
export function llmFacts(span: SpanRecord): HTMLElement {
  const a = span.attributes;
  const requested = first(span, LLM_KEYS);
  const answered = str(a, 'gen_ai.response.model');
  const ttft = firstNum(span, ['glassbox.llm.time_to_first_token_ms', 'ai.response.msToFirstChunk']);
  const finish = strList(a, 'gen_ai.response.finish_reasons');
  return facts([
    ['model', answered && answered !== requested ? `${requested ?? '?'} → ${answered}` : requested],
    [
      'provider',
      str(a, 'gen_ai.provider.name') ??
        str(a, 'gen_ai.system') ??
        str(a, 'llm.provider') ??
        str(a, 'ai.model.provider'),
    ],
    ['operation', str(a, 'gen_ai.operation.name')],
    ['finish reason', finish.length ? finish.join(', ') : str(a, 'ai.response.finishReason')],
    ['tokens', usage(span)],
    ['cost', cost(span)],
    ['time to first token', ttft !== undefined ? formatDuration(ttft) : undefined],
    ['temperature', str(a, 'gen_ai.request.temperature')],
    ['max tokens', str(a, 'gen_ai.request.max_tokens')],
    ['response id', str(a, 'gen_ai.response.id')],
    [
      'endpoint',
      str(a, 'server.address')
        ? `${str(a, 'server.address')}${str(a, 'server.port') ? `:${str(a, 'server.port')}` : ''}`
        : undefined,
    ],
  ]);
}

/** LLM spans: facts, then the chat. */
export const llmRenderer: SpanRenderer = {
  name: 'LLM',
  applies(span) {
    const a = span.attributes;
    const type = str(a, 'glassbox.span.type');
    return (
      type === 'LLM' ||
      type === 'EMBEDDING' ||
      a['gen_ai.input.messages'] !== undefined ||
      a['gen_ai.output.messages'] !== undefined ||
      a['gen_ai.usage.input_tokens'] !== undefined ||
      LLM_KEYS.some((k) => a[k] !== undefined) ||
      Object.keys(a).some((k) => k.startsWith('llm.input_messages.') || k === 'ai.prompt.messages')
    );
  },
  render(span) {
    const chat = chatOf(span.attributes);
    const defs = span.attributes['gen_ai.tool.definitions'];
    return h(
      'div',
      { class: 'llm-view' },
      section('Model', llmFacts(span)),
      chat && chat.input.length > 0
        ? section('Input messages', h('div', { class: 'chat' }, chat.input.map(messageView)))
        : null,
      chat && chat.output.length > 0
        ? section('Output', h('div', { class: 'chat' }, chat.output.map(messageView)))
        : null,
      !chat
        ? h('p', { class: 'muted' }, 'No messages recorded (content capture off, or an embeddings call).')
        : null,
      defs !== undefined ? section('Tools offered', valueView(defs, { limit: 600 })) : null,
    );
  },
};
