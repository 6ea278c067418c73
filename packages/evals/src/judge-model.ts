import { GlassboxConfigError } from '@glassbox/core';

/** One turn of the conversation with a judge model. */
export interface JudgeMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The part of an OpenAI client a judge uses (`chat.completions.create`), e.g. `traceOpenAI(new OpenAI())`. */
export interface OpenAIClientLike {
  chat: { completions: { create(body: any, options?: any): Promise<any> } };
}

/** The part of an Anthropic client a judge uses (`messages.create`), e.g. `traceAnthropic(new Anthropic())`. */
export interface AnthropicClientLike {
  messages: { create(body: any, options?: any): Promise<any> };
}

/**
 * The model behind a judge: an OpenAI or Anthropic client (traced, so the judge's tokens and cost are
 * recorded) with a model name, or any function from a prompt to the model's text.
 */
export type JudgeModel =
  | ((prompt: string, options: { signal?: AbortSignal }) => Promise<string>)
  | {
      client: OpenAIClientLike | AnthropicClientLike;
      model: string;
      maxTokens?: number;
      temperature?: number;
    };

/** A model call: system prompt and turns in, text out. */
export type ModelCall = (
  system: string,
  messages: readonly JudgeMessage[],
  signal?: AbortSignal,
) => Promise<string>;

/** Builds the call of a judge model; throws `GlassboxConfigError` naming `option` for anything else. */
export function modelCall(model: unknown, option: string): ModelCall {
  if (typeof model === 'function') {
    const fn = model as (prompt: string, options: { signal?: AbortSignal }) => Promise<string>;
    // A plain function sees one prompt: the system text, then the turns (a retry adds the bad answer and why).
    return async (system, messages, signal) => {
      const turns = messages.map((m, i) =>
        i === 0 ? m.content : `${m.role === 'assistant' ? 'Your previous answer' : 'Note'}:\n${m.content}`,
      );
      const text = await fn([system, ...turns].join('\n\n'), signal ? { signal } : {});
      if (typeof text !== 'string')
        throw new TypeError(`the judge model function returned ${typeof text}, not a string`);
      return text;
    };
  }
  const fail = (message: string): never => {
    throw new GlassboxConfigError({ option, message });
  };
  if (typeof model !== 'object' || model === null)
    return fail(
      'expected { client, model } (an OpenAI or Anthropic client) or a function (prompt) => Promise<string>',
    );
  const { client, model: name, maxTokens = 1024, temperature = 0 } = model as Record<string, any>;
  if (typeof name !== 'string' || name === '') fail('`model` must name the model, e.g. "gpt-4o-mini"');
  if (typeof client?.chat?.completions?.create === 'function') {
    const call: ModelCall = async (system, messages, signal) => {
      const completion = await client.chat.completions.create(
        {
          model: name,
          temperature,
          // JSON mode: the answer is one JSON object (the prompt says which).
          response_format: { type: 'json_object' },
          messages: [{ role: 'system', content: system }, ...messages],
        },
        signal ? { signal } : undefined,
      );
      const content = completion?.choices?.[0]?.message?.content;
      if (typeof content !== 'string') throw new Error('the OpenAI response has no message content');
      return content;
    };
    return call;
  }
  if (typeof client?.messages?.create === 'function') {
    const call: ModelCall = async (system, messages, signal) => {
      const message = await client.messages.create(
        { model: name, max_tokens: maxTokens, temperature, system, messages },
        signal ? { signal } : undefined,
      );
      const blocks: unknown[] = Array.isArray(message?.content) ? message.content : [];
      const text = blocks
        .map((b) => (b && typeof b === 'object' && (b as any).type === 'text' ? String((b as any).text) : ''))
        .join('');
      if (text === '') throw new Error('the Anthropic response has no text content');
      return text;
    };
    return call;
  }
  return fail(
    '`client` must be an OpenAI client (chat.completions.create) or an Anthropic client (messages.create)',
  );
}
