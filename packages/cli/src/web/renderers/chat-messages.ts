// LLM messages from the conventions a span may use, as one shape: the GenAI parts schema
// (gen_ai.input.messages / gen_ai.output.messages / gen_ai.system_instructions), OpenInference's
// flattened `llm.input_messages.N.message.*` keys, and the Vercel AI SDK's `ai.prompt.messages`.
import type { Attrs } from '../../store/span-record.js';
import { parseJson, str } from '../format.js';

/** One part of a message. */
export type ChatPart =
  | { kind: 'text'; text: string }
  | { kind: 'tool_call'; name: string; id?: string; args: unknown }
  | { kind: 'tool_result'; id?: string; result: unknown }
  | { kind: 'other'; type: string; value: unknown };

/** One message. */
export interface ChatMessage {
  role: string;
  parts: ChatPart[];
  finishReason?: string;
}

/** The conversation of an LLM span: what was sent and what came back. */
export interface Chat {
  convention: 'gen_ai' | 'openinference' | 'ai-sdk';
  input: ChatMessage[];
  output: ChatMessage[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON attribute that must be an array; throws (so the view falls back to raw) when it is not. */
function jsonArray(attrs: Attrs, key: string): unknown[] | undefined {
  const v = attrs[key];
  if (v === undefined || v === null || v === '') return undefined;
  const parsed = typeof v === 'string' ? parseJson(v) : v;
  if (!Array.isArray(parsed)) throw new Error(`${key} is not a JSON array of messages`);
  return parsed;
}

function genAiPart(part: unknown): ChatPart {
  if (typeof part === 'string') return { kind: 'text', text: part };
  if (!isObj(part)) return { kind: 'other', type: typeof part, value: part };
  const type = String(part.type ?? '');
  if (type === 'text' || type === 'reasoning')
    return { kind: 'text', text: String(part.content ?? part.text ?? '') };
  if (type === 'tool_call' || type === 'server_tool_call')
    return {
      kind: 'tool_call',
      name: String(part.name ?? ''),
      id: typeof part.id === 'string' ? part.id : undefined,
      args: part.arguments,
    };
  if (type === 'tool_call_response' || type === 'server_tool_call_response')
    return {
      kind: 'tool_result',
      id: typeof part.id === 'string' ? part.id : undefined,
      result: part.response ?? part.result,
    };
  return { kind: 'other', type: type || 'part', value: part };
}

function genAiMessage(m: unknown): ChatMessage {
  if (!isObj(m)) return { role: 'unknown', parts: [genAiPart(m)] };
  const parts = Array.isArray(m.parts)
    ? m.parts.map(genAiPart)
    : m.content !== undefined
      ? [genAiPart(typeof m.content === 'string' ? m.content : { type: 'json', value: m.content })]
      : [];
  const message: ChatMessage = { role: String(m.role ?? 'unknown'), parts };
  if (typeof m.finish_reason === 'string') message.finishReason = m.finish_reason;
  return message;
}

/** The system instructions: a string, or a JSON array of parts. */
function systemMessage(attrs: Attrs): ChatMessage | undefined {
  const v = attrs['gen_ai.system_instructions'];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') {
    const parsed = v.trim().startsWith('[') ? parseJson(v) : undefined;
    if (Array.isArray(parsed)) return { role: 'system', parts: parsed.map(genAiPart) };
    return { role: 'system', parts: [{ kind: 'text', text: v }] };
  }
  return { role: 'system', parts: Array.isArray(v) ? v.map(genAiPart) : [genAiPart(v)] };
}

function fromGenAi(attrs: Attrs): Chat | undefined {
  const input = jsonArray(attrs, 'gen_ai.input.messages');
  const output = jsonArray(attrs, 'gen_ai.output.messages');
  const system = systemMessage(attrs);
  if (!input && !output && !system) return undefined;
  const messages = (input ?? []).map(genAiMessage);
  if (system && !messages.some((m) => m.role === 'system')) messages.unshift(system);
  return { convention: 'gen_ai', input: messages, output: (output ?? []).map(genAiMessage) };
}

/** OpenInference: `llm.input_messages.0.message.role`, `.content`, `.tool_calls.0.tool_call.function.name`... */
function openInferenceList(attrs: Attrs, prefix: string): ChatMessage[] {
  const byIndex = new Map<number, Obj>();
  for (const [key, value] of Object.entries(attrs)) {
    if (!key.startsWith(prefix)) continue;
    const m = /^(\d+)\.message\.(.+)$/.exec(key.slice(prefix.length));
    if (!m) continue;
    const i = Number(m[1]);
    const entry = byIndex.get(i) ?? {};
    entry[m[2]!] = value;
    byIndex.set(i, entry);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, e]) => {
      const parts: ChatPart[] = [];
      if (e.content !== undefined) parts.push({ kind: 'text', text: String(e.content) });
      const calls = new Map<number, Obj>();
      const contents = new Map<number, string>();
      for (const [k, v] of Object.entries(e)) {
        const c = /^tool_calls\.(\d+)\.tool_call\.(.+)$/.exec(k);
        if (c) {
          const call = calls.get(Number(c[1])) ?? {};
          call[c[2]!] = v;
          calls.set(Number(c[1]), call);
        }
        const t = /^contents\.(\d+)\.message_content\.text$/.exec(k);
        if (t) contents.set(Number(t[1]), String(v));
      }
      for (const [, text] of [...contents.entries()].sort(([a], [b]) => a - b))
        parts.push({ kind: 'text', text });
      for (const [, call] of [...calls.entries()].sort(([a], [b]) => a - b)) {
        const args = call['function.arguments'];
        parts.push({
          kind: 'tool_call',
          name: String(call['function.name'] ?? ''),
          id: typeof call.id === 'string' ? call.id : undefined,
          args: typeof args === 'string' ? (parseJson(args) ?? args) : args,
        });
      }
      if (typeof e.tool_call_id === 'string' && parts[0]?.kind === 'text' && e.role === 'tool')
        parts[0] = { kind: 'tool_result', id: e.tool_call_id, result: parts[0].text };
      return { role: String(e.role ?? 'unknown'), parts };
    });
}

function fromOpenInference(attrs: Attrs): Chat | undefined {
  const input = openInferenceList(attrs, 'llm.input_messages.');
  const output = openInferenceList(attrs, 'llm.output_messages.');
  if (input.length === 0 && output.length === 0) return undefined;
  return { convention: 'openinference', input, output };
}

function aiSdkContent(content: unknown): ChatPart[] {
  if (typeof content === 'string') return [{ kind: 'text', text: content }];
  if (!Array.isArray(content))
    return content === undefined ? [] : [{ kind: 'other', type: 'content', value: content }];
  return content.map((p): ChatPart => {
    if (!isObj(p)) return { kind: 'text', text: String(p) };
    if (p.type === 'text') return { kind: 'text', text: String(p.text ?? '') };
    if (p.type === 'tool-call')
      return {
        kind: 'tool_call',
        name: String(p.toolName ?? ''),
        id: typeof p.toolCallId === 'string' ? p.toolCallId : undefined,
        args: p.input ?? p.args,
      };
    if (p.type === 'tool-result')
      return {
        kind: 'tool_result',
        id: typeof p.toolCallId === 'string' ? p.toolCallId : undefined,
        result: p.output ?? p.result,
      };
    return { kind: 'other', type: String(p.type ?? 'part'), value: p };
  });
}

function fromAiSdk(attrs: Attrs): Chat | undefined {
  let messages = jsonArray(attrs, 'ai.prompt.messages');
  const prompt = typeof attrs['ai.prompt'] === 'string' ? parseJson(attrs['ai.prompt'] as string) : undefined;
  const input: ChatMessage[] = [];
  if (!messages && isObj(prompt)) {
    if (typeof prompt.system === 'string')
      input.push({ role: 'system', parts: [{ kind: 'text', text: prompt.system }] });
    if (typeof prompt.prompt === 'string')
      input.push({ role: 'user', parts: [{ kind: 'text', text: prompt.prompt }] });
    if (Array.isArray(prompt.messages)) messages = prompt.messages;
  }
  for (const m of messages ?? [])
    input.push(
      isObj(m) ? { role: String(m.role ?? 'unknown'), parts: aiSdkContent(m.content) } : genAiMessage(m),
    );
  const parts: ChatPart[] = [];
  const text = str(attrs, 'ai.response.text');
  if (text) parts.push({ kind: 'text', text });
  const calls =
    typeof attrs['ai.response.toolCalls'] === 'string'
      ? parseJson(attrs['ai.response.toolCalls'] as string)
      : undefined;
  if (Array.isArray(calls))
    parts.push(...aiSdkContent(calls.map((c) => (isObj(c) ? { type: 'tool-call', ...c } : c))));
  if (input.length === 0 && parts.length === 0) return undefined;
  const output: ChatMessage[] = parts.length > 0 ? [{ role: 'assistant', parts }] : [];
  const finish = str(attrs, 'ai.response.finishReason');
  if (finish && output[0]) output[0].finishReason = finish;
  return { convention: 'ai-sdk', input, output };
}

/** The chat of a span, from the first convention it carries, or undefined. */
export function chatOf(attrs: Attrs): Chat | undefined {
  return fromGenAi(attrs) ?? fromOpenInference(attrs) ?? fromAiSdk(attrs);
}
