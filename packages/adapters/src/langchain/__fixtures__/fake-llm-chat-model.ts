import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';

/** A minimal LangChain chat model that talks to the fake-llm server over HTTP (OpenAI chat completions). */
export class FakeLlmChatModel extends BaseChatModel {
  readonly baseURL: string;
  readonly model: string;

  constructor(fields: BaseChatModelParams & { baseURL: string; model: string }) {
    super(fields);
    this.baseURL = fields.baseURL;
    this.model = fields.model;
  }

  _llmType(): string {
    return 'fake-llm';
  }

  override invocationParams(): Record<string, unknown> {
    return { model: this.model, temperature: 0.2 };
  }

  override getLsParams(options: this['ParsedCallOptions']) {
    return {
      ...super.getLsParams(options),
      ls_provider: 'openai',
      ls_model_name: this.model,
      ls_temperature: 0.2,
    };
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const body = (await (await this.post(messages, false)).json()) as any;
    const choice = body.choices[0];
    const message = new AIMessage({
      id: body.id,
      content: choice.message.content ?? '',
      response_metadata: { model_name: body.model, finish_reason: choice.finish_reason },
      usage_metadata: {
        input_tokens: body.usage.prompt_tokens,
        output_tokens: body.usage.completion_tokens,
        total_tokens: body.usage.total_tokens,
      },
    });
    return {
      generations: [
        { message, text: String(message.content), generationInfo: { finish_reason: choice.finish_reason } },
      ],
    };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    _options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const response = await this.post(messages, true);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(bytes, { stream: true });
      let newline = buffer.indexOf('\n\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline).replace(/^data: /, '');
        buffer = buffer.slice(newline + 2);
        newline = buffer.indexOf('\n\n');
        if (line === '[DONE]' || line === '') continue;
        const event = JSON.parse(line);
        const delta = event.choices?.[0]?.delta?.content ?? '';
        const usage = event.usage
          ? {
              input_tokens: event.usage.prompt_tokens,
              output_tokens: event.usage.completion_tokens,
              total_tokens: event.usage.total_tokens,
            }
          : undefined;
        const finish = event.choices?.[0]?.finish_reason ?? undefined;
        const chunk = new ChatGenerationChunk({
          text: delta,
          message: new AIMessageChunk({
            content: delta,
            usage_metadata: usage,
            response_metadata: finish ? { model_name: event.model, finish_reason: finish } : {},
          }),
          generationInfo: finish ? { finish_reason: finish } : undefined,
        });
        yield chunk;
        if (delta !== '')
          await runManager?.handleLLMNewToken(delta, undefined, undefined, undefined, undefined, { chunk });
      }
    }
  }

  private post(messages: BaseMessage[], stream: boolean): Promise<Response> {
    const role = (m: BaseMessage) =>
      ({ human: 'user', ai: 'assistant', system: 'system' })[m.getType() as string] ?? 'user';
    return fetch(`${this.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: this.model,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
        messages: messages.map((m) => ({ role: role(m), content: m.content })),
      }),
    });
  }
}
