// The demo's pipeline (examples/demo: query rewrite, retrieval with embeddings, LLM with a tool call,
// three conversation turns and a thumbs-down) run offline against the fake OpenAI server, exported to
// a real backend by the exporter under test, next to an in-memory exporter that keeps what was sent.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { traceOpenAI } from '@glassbox/adapters/openai';
import { init, logFeedback, withSpan, withTraceContext } from '@glassbox/core';
import { InMemoryExporter } from '@glassbox/exporters';
import { startFakeLlmServer } from '@glassbox/fake-llm';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createAssistant, type Turn } from '../../../examples/demo/assistant.js';
import { supportModel } from '../../../examples/demo/model.js';

export const QUESTIONS = [
  'Hi! Where is my order A-1042? It was supposed to arrive yesterday.',
  "Can I return hiking boots I've already worn outside?",
  'tent warranty',
];
export const SESSION = { sessionId: 'chat-2025-11-08-0042', userId: 'user-123', tags: ['demo'] };
/** Characters of the large value the demo also records: big, but under the default limit of 16384. */
export const LARGE_VALUE_CHARS = 16_000;

type OpenAIClient = Parameters<typeof createAssistant>[0];
type OpenAIConstructor = new (options: {
  apiKey: string;
  baseURL: string;
  maxRetries: number;
}) => OpenAIClient;

/** openai is a dependency of the examples package (the "user app"), so it is loaded from there. */
async function loadOpenAI(): Promise<OpenAIConstructor> {
  const fromExamples = createRequire(
    fileURLToPath(new URL('../../../examples/package.json', import.meta.url)),
  );
  const module = (await import(pathToFileURL(fromExamples.resolve('openai')).href)) as {
    default: OpenAIConstructor;
  };
  return module.default;
}

export interface DemoRun {
  turns: Turn[];
  /** The feedback span's ids. */
  feedback: { traceId: string; spanId: string };
  /** The large-value span's trace and the value it recorded. */
  large: { traceId: string; value: string };
  /** Every span as the app recorded it. */
  spans: ReadableSpan[];
  /** Spans the exporter under test failed to send, as `init` counted them. */
  exportErrors: number;
}

/** Runs the demo once, exporting to `exporter`; resolves after every span was flushed and shut down. */
export async function runDemo(exporter: SpanExporter, serviceName: string): Promise<DemoRun> {
  const memory = new InMemoryExporter();
  const glassbox = init({ serviceName, exporters: [memory, exporter], logLevel: 'none' });
  const server = await startFakeLlmServer({ responder: supportModel });
  try {
    const OpenAI = await loadOpenAI();
    const options = { apiKey: 'demo-key-not-used', baseURL: server.openaiBaseURL, maxRetries: 0 };
    const assistant = await createAssistant(traceOpenAI(new OpenAI(options)), new OpenAI(options));
    const turns: Turn[] = [];
    for (const question of QUESTIONS) {
      turns.push(await withTraceContext(SESSION, () => assistant.ask(question)));
    }
    const last = turns.at(-1)!;
    const feedback = logFeedback({
      traceId: last.traceId,
      spanId: last.spanId,
      name: 'helpful',
      value: false,
      rationale: 'I asked about the tent warranty and got the returns policy.',
      source: 'human',
    });
    // A large captured value (a long document), to see that the backend keeps it whole.
    const value = Array.from(
      { length: LARGE_VALUE_CHARS / 10 },
      (_, i) => `${String(i).padStart(9, '0')}|`,
    ).join('');
    const large = await withSpan({ name: 'load_document', type: 'CHAIN' }, (span) => {
      span.setOutputs(value);
      return { traceId: span.traceId, value };
    });
    await glassbox.flush();
    const exportErrors = glassbox.stats().exportErrors;
    return { turns, feedback, large, spans: memory.spans(), exportErrors };
  } finally {
    await glassbox.shutdown();
    await server.close();
  }
}
