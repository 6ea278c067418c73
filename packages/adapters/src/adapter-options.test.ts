import type { GlassboxConfigError } from '@glassbox/core';
import { expectConfigError } from '@glassbox/test-harness';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AiSdkSpanProcessorOptions,
  aiSdkSpanProcessor,
  type GlassboxTelemetryOptions,
  glassboxTelemetry,
} from './ai-sdk/index.js';
import { type TraceAnthropicOptions, traceAnthropic } from './anthropic/index.js';
import { GlassboxCallbackHandler, type GlassboxCallbackHandlerOptions } from './langchain/index.js';
import {
  type TraceMcpClientOptions,
  type TraceMcpServerOptions,
  traceMcpClient,
  traceMcpServer,
} from './mcp/index.js';
import { type TraceOpenAIOptions, traceOpenAI } from './openai/index.js';
import { type DefinePromptOptions, definePrompt } from './prompts/index.js';
import { type TraceRetrieverOptions, traceRetriever } from './retrieval/index.js';
import {
  measureRewrite,
  type RewriteThresholds,
  type TraceRewriteOptions,
  traceRewrite,
} from './rewrite/index.js';
import {
  type DefineToolOptions,
  defineTool,
  ToolRegistry,
  type ToolRegistryOptions,
  type ToolReportOptions,
} from './tools/index.js';

// Every adapter checks its options as `init()` does: a typo is refused, named under the adapter, with
// the known options and a suggestion (a privacy switch that is silently ignored exports the content the
// user meant to keep); every documented option passes. `Required<...>` keeps the lists complete.

const refusal = expectConfigError;

/** Expects one unknown-option issue at `option`, suggesting `meant`. */
function expectTypo(create: () => unknown, option: string, meant: string): GlassboxConfigError {
  const error = refusal(create);
  expect(error.issues).toEqual([
    {
      option,
      message: expect.stringMatching(
        new RegExp(`^unknown option \\(known: .*\\); did you mean \`${meant}\`\\?`),
      ),
    },
  ]);
  return error;
}

const openaiClient = () => ({ chat: { completions: { create: async () => ({}) } } });
const anthropicClient = () => ({ messages: { create: async () => ({}) } });
const toolOptions = {
  name: 'search_orders',
  description: 'Search orders',
  parameters: z.object({ customer: z.string() }),
  execute: async () => [],
};

describe('adapter options', () => {
  it('traceOpenAI', () => {
    const error = expectTypo(
      () => traceOpenAI(openaiClient(), { captureContnet: false } as never),
      'traceOpenAI.captureContnet',
      'captureContent',
    );
    expect(error.message).toContain('(known: captureContent, name, attributes, streamIdleTimeoutMs)');
    expect(refusal(() => traceOpenAI(openaiClient(), { attributes: [] as never })).message).toBe(
      'Glassbox: invalid option `traceOpenAI.attributes`: expected an object of attribute values, got an array (length 0)',
    );
    const documented: Required<TraceOpenAIOptions> = {
      captureContent: false,
      name: (operation, model) => `${operation} ${model}`,
      attributes: { 'gen_ai.provider.name': 'azure.ai.openai' },
      streamIdleTimeoutMs: 0,
    };
    expect(traceOpenAI(openaiClient(), documented)).toBeDefined();
  });

  it('traceAnthropic', () => {
    expectTypo(
      () => traceAnthropic(anthropicClient(), { sdkSpan: true } as never),
      'traceAnthropic.sdkSpan',
      'sdkSpans',
    );
    expect(refusal(() => traceAnthropic(anthropicClient(), { sdkSpans: 'yes' as never })).issues).toEqual([
      { option: 'traceAnthropic.sdkSpans', message: 'expected a boolean, got the string "yes"' },
    ]);
    const documented: Required<TraceAnthropicOptions> = {
      captureContent: true,
      name: (operation) => operation,
      attributes: { 'app.tier': 'gold' },
      streamIdleTimeoutMs: 60_000,
      sdkSpans: true,
    };
    expect(traceAnthropic(anthropicClient(), documented)).toBeDefined();
  });

  it('defineTool', () => {
    const error = expectTypo(
      () => defineTool({ ...toolOptions, captureContnet: false } as never),
      'defineTool.captureContnet',
      'captureContent',
    );
    expect(error.message).toMatch(/\(tool "search_orders"\)$/);
    expect(refusal(() => defineTool({ ...toolOptions, description: 3 as never })).message).toBe(
      'Glassbox: invalid option `defineTool.description`: expected a string, got 3 (tool "search_orders")',
    );
    expect(refusal(() => defineTool({ name: 'x' } as never)).issues.map((i) => i.option)).toEqual([
      'defineTool.description',
      'defineTool.parameters',
      'defineTool.execute',
    ]);
    const documented: Required<DefineToolOptions<typeof toolOptions.parameters, unknown[]>> = {
      ...toolOptions,
      strict: true,
      captureContent: false,
    };
    expect(defineTool(documented).name).toBe('search_orders');
  });

  it('ToolRegistry and its report', () => {
    expectTypo(
      () => new ToolRegistry([], { similarityTreshold: 0.5 } as never),
      'ToolRegistry.similarityTreshold',
      'similarityThreshold',
    );
    const documented: Required<ToolRegistryOptions> = {
      similarityThreshold: 0.8,
      similarity: () => 0,
      mcpClients: [],
    };
    const registry = new ToolRegistry([defineTool(toolOptions)], documented);
    expectTypo(
      () => registry.report({ provder: 'anthropic' } as never),
      'ToolRegistry.report.provder',
      'provider',
    );
    expect(refusal(() => registry.report({ provider: 'gemini' as never })).issues).toEqual([
      {
        option: 'ToolRegistry.report.provider',
        message: `expected 'openai', 'openai-responses' or 'anthropic', got the string "gemini"`,
      },
    ]);
    const report: Required<ToolReportOptions> = { provider: 'anthropic', similarityThreshold: 0.5 };
    expect(registry.report(report).tools).toHaveLength(1);
  });

  it('traceMcpClient and traceMcpServer', () => {
    const client = () => ({ request: async () => ({}), _requestHandlers: new Map() });
    expectTypo(
      () => traceMcpClient(client(), { enrichToolSpan: false } as never),
      'traceMcpClient.enrichToolSpan',
      'enrichToolSpans',
    );
    expectTypo(
      () => traceMcpServer(client(), { captureContnet: false } as never),
      'traceMcpServer.captureContnet',
      'captureContent',
    );
    expect(refusal(() => traceMcpClient({} as never)).issues[0]!.option).toBe('traceMcpClient');
    expect(refusal(() => traceMcpServer({ request: () => 1 })).issues[0]!.option).toBe('traceMcpServer');
    const clientOptions: Required<TraceMcpClientOptions> = {
      captureContent: false,
      attributes: { 'app.team': 'search' },
      enrichToolSpans: false,
    };
    const serverOptions: Required<TraceMcpServerOptions> = { captureContent: true, attributes: {} };
    const c = client();
    expect(traceMcpClient(c, clientOptions)).toBe(c);
    expect(traceMcpServer(c, serverOptions)).toBe(c);
  });

  it('traceRewrite and measureRewrite', () => {
    const rewrite = (query: string) => query;
    expectTypo(
      () => traceRewrite(rewrite, { minSimilarty: 0.5 } as never),
      'traceRewrite.minSimilarty',
      'minSimilarity',
    );
    const documented: Required<TraceRewriteOptions> = {
      name: 'rewrite_query',
      onFlag: () => undefined,
      attributes: { 'app.step': 'rewrite' },
      captureContent: false,
      maxLengthRatio: 3,
      minSimilarity: 0.2,
      needsRewrite: () => true,
    };
    expect(traceRewrite(rewrite, documented)('orders')).toBe('orders');
    expectTypo(
      () => measureRewrite('a', 'b', { maxLenghtRatio: 3 } as never),
      'measureRewrite.maxLenghtRatio',
      'maxLengthRatio',
    );
    const thresholds: Required<RewriteThresholds> = {
      maxLengthRatio: 3,
      minSimilarity: 0.2,
      needsRewrite: () => true,
    };
    expect(measureRewrite('orders last week', 'orders last week', thresholds).changed).toBe(false);
  });

  it('traceRetriever', () => {
    const retrieve = async (_query: string) => [];
    expectTypo(
      () => traceRetriever(retrieve, { datasource: 'kb' } as never),
      'traceRetriever.datasource',
      'dataSource',
    );
    const documented: Required<TraceRetrieverOptions<typeof retrieve>> = {
      dataSource: 'kb-articles',
      name: 'search kb',
      query: (query) => query,
      documents: (result) => result,
      attributes: { 'app.k': 4 },
      captureOutputs: true,
      captureContent: false,
    };
    expect(typeof traceRetriever(retrieve, documented)).toBe('function');
  });

  it('definePrompt', () => {
    const error = expectTypo(
      () => definePrompt({ name: 'sql', version: 1, template: 'x', maxChar: 10 } as never),
      'definePrompt.maxChar',
      'maxChars',
    );
    expect(error.message).toMatch(/\(prompt "sql"\)$/);
    expect(refusal(() => definePrompt({ name: 'sql', template: 'x' } as never)).message).toBe(
      'Glassbox: invalid option `definePrompt.version`: required, expected a non-empty string or a number (prompt "sql")',
    );
    const documented: Required<DefinePromptOptions<'Write SQL for {{question}}'>> = {
      name: 'sql',
      version: '2024-06-01',
      template: 'Write SQL for {{question}}',
      maxChars: 4000,
    };
    expect(definePrompt(documented).variables).toEqual(['question']);
  });

  it('glassboxTelemetry (AI SDK 7)', () => {
    expectTypo(
      () => glassboxTelemetry({ captureContnet: false } as never),
      'glassboxTelemetry.captureContnet',
      'captureContent',
    );
    expect(refusal(() => glassboxTelemetry({ maxOpenCalls: 0 })).issues).toEqual([
      { option: 'glassboxTelemetry.maxOpenCalls', message: 'expected an integer >= 1, got 0' },
    ]);
    const documented: Required<GlassboxTelemetryOptions> = {
      captureContent: false,
      abandonAfterMs: 60_000,
      maxOpenCalls: 100,
    };
    expect(typeof glassboxTelemetry(documented).onStart).toBe('function');
    expect(glassboxTelemetry({ abandonAfterMs: Number.POSITIVE_INFINITY })).toBeDefined();
  });

  it('aiSdkSpanProcessor', () => {
    expectTypo(
      () => aiSdkSpanProcessor({ capture_content: false } as never),
      'aiSdkSpanProcessor.capture_content',
      'captureContent',
    );
    const documented: Required<AiSdkSpanProcessorOptions> = { captureContent: false };
    expect(typeof aiSdkSpanProcessor(documented).onStart).toBe('function');
  });

  it('GlassboxCallbackHandler (LangChain), whose copies skip the check', () => {
    expectTypo(
      () => new GlassboxCallbackHandler({ maxOpenRun: 5 } as never),
      'GlassboxCallbackHandler.maxOpenRun',
      'maxOpenRuns',
    );
    // LangChain's base handler options are not passed on, so they are refused rather than ignored.
    expect(refusal(() => new GlassboxCallbackHandler({ ignoreLLM: true } as never)).issues[0]).toMatchObject({
      option: 'GlassboxCallbackHandler.ignoreLLM',
    });
    const documented: Required<GlassboxCallbackHandlerOptions> = {
      captureContent: false,
      abandonAfterMs: 60_000,
      maxOpenRuns: 100,
    };
    const handler = new GlassboxCallbackHandler(documented);
    expect(handler.copy()).toBeInstanceOf(GlassboxCallbackHandler);
  });
});
