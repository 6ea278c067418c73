// Arize Phoenix 20.26.1 (`phoenix serve` from a venv), SQLite in a temporary working directory, no
// telemetry: the demo exported with the `phoenix` preset (OpenInference conventions), read back through
// Phoenix's REST API the way its UI shows it.
import { otlpExporter } from '@glassbox/exporters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answers,
  type Backend,
  ensureInstalled,
  fetchJson,
  freePort,
  startBackend,
  tempDir,
  waitFor,
} from './support/backend-process.js';
import { type DemoRun, runDemo, SESSION } from './support/run-demo.js';

const PROJECT = 'glassbox-demo';
let phoenix: Backend | undefined;
let baseUrl = '';
let demo: DemoRun;

interface PhoenixSpan {
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  status_code: string;
  attributes: Record<string, unknown>;
  events: { name: string }[];
}

const suite = process.env.GLASSBOX_BACKENDS_SUITE ? describe : describe.skip;

suite('Arize Phoenix (real server)', () => {
  beforeAll(async () => {
    const python = await ensureInstalled('phoenix', 15 * 60_000);
    const [port, grpcPort] = [await freePort(), await freePort()];
    const dir = tempDir('phoenix');
    baseUrl = `http://127.0.0.1:${port}`;
    phoenix = await startBackend({
      name: 'phoenix',
      command: python,
      args: ['-m', 'phoenix.server.main', 'serve'],
      dir,
      env: {
        PHOENIX_HOST: '127.0.0.1',
        PHOENIX_PORT: String(port),
        PHOENIX_GRPC_PORT: String(grpcPort),
        PHOENIX_WORKING_DIR: dir,
        PHOENIX_TELEMETRY_ENABLED: 'false',
      },
      ready: () => answers(`${baseUrl}/healthz`),
      timeoutMs: 120_000,
    });
    demo = await runDemo(
      otlpExporter({ preset: 'phoenix', baseUrl, projectName: PROJECT }),
      'support-assistant-demo',
    );
  });

  afterAll(async () => {
    await phoenix?.stop();
  });

  /** Every span Phoenix has stored for the demo, once it has all of them (ingestion is queued). */
  async function storedSpans(): Promise<PhoenixSpan[]> {
    return waitFor(
      async () => {
        const spans: PhoenixSpan[] = [];
        let cursor: string | null = null;
        do {
          const query: string = `limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const page: { data: PhoenixSpan[]; next_cursor: string | null } = await fetchJson(
            `${baseUrl}/v1/projects/${PROJECT}/spans?${query}`,
          );
          spans.push(...page.data);
          cursor = page.next_cursor;
        } while (cursor);
        return spans.length >= demo.spans.length ? spans : undefined;
      },
      30_000,
      () => `Phoenix did not store the ${demo.spans.length} demo spans; log tail:\n${phoenix?.logTail()}`,
    );
  }

  const byId = (spans: PhoenixSpan[], spanId: string) => spans.find((s) => s.context.span_id === spanId)!;
  const ofType = (type: string) => demo.spans.filter((s) => s.attributes['glassbox.span.type'] === type);

  it('stores every span under the project, with its parent', async () => {
    expect(demo.exportErrors).toBe(0);
    const spans = await storedSpans();
    expect(spans.map((s) => s.context.span_id).sort()).toEqual(
      demo.spans.map((s) => s.spanContext().spanId).sort(),
    );
    for (const span of demo.spans) {
      expect(byId(spans, span.spanContext().spanId).parent_id ?? undefined).toBe(
        span.parentSpanContext?.spanId,
      );
    }
  });

  it('shows each span with its kind: AGENT, CHAIN, RETRIEVER, EMBEDDING, LLM, TOOL, EVALUATOR', async () => {
    const spans = await storedSpans();
    const kinds = (type: string) =>
      new Set(ofType(type).map((s) => byId(spans, s.spanContext().spanId).span_kind));
    expect(kinds('AGENT')).toEqual(new Set(['AGENT']));
    expect(kinds('QUERY_REWRITE')).toEqual(new Set(['CHAIN']));
    expect(kinds('RETRIEVER')).toEqual(new Set(['RETRIEVER']));
    expect(kinds('EMBEDDING')).toEqual(new Set(['EMBEDDING']));
    expect(kinds('LLM')).toEqual(new Set(['LLM']));
    expect(kinds('TOOL')).toEqual(new Set(['TOOL']));
    expect(kinds('EVALUATOR')).toEqual(new Set(['EVALUATOR']));
    // The demo's guardrail step, where the demo has one.
    if (ofType('GUARDRAIL').length > 0) expect(kinds('GUARDRAIL')).toEqual(new Set(['GUARDRAIL']));
  });

  it('shows inputs and outputs of every step, not only of LLM calls', async () => {
    const spans = await storedSpans();
    const [turn] = demo.turns;
    const root = byId(spans, turn!.spanId);
    expect(JSON.parse(String(root.attributes['input.value']))).toEqual({
      question: expect.stringContaining('A-1042'),
    });
    expect(root.attributes['input.mime_type']).toBe('application/json');
    expect(root.attributes['output.value']).toContain('DHL');
    expect(root.attributes['output.mime_type']).toBe('text/plain');

    for (const span of [...ofType('QUERY_REWRITE'), ...ofType('TOOL'), ...ofType('RETRIEVER')]) {
      const stored = byId(spans, span.spanContext().spanId);
      expect(stored.attributes['input.value'], span.name).toBeTruthy();
      if (span.attributes['glassbox.outputs'] !== undefined)
        expect(stored.attributes['output.value'], span.name).toBeTruthy();
    }
    const tool = byId(spans, ofType('TOOL')[0]!.spanContext().spanId);
    expect(tool.attributes['tool.name']).toBe('lookup_order');
    expect(JSON.parse(String(tool.attributes['output.value']))).toMatchObject({ carrier: 'DHL' });

    const retrieval = byId(spans, ofType('RETRIEVER')[0]!.spanContext().spanId);
    // The REST API serves OpenInference's flattened keys, as they were sent.
    const sentDocs = JSON.parse(String(ofType('RETRIEVER')[0]!.attributes['glassbox.retrieval.documents']));
    sentDocs.forEach((doc: { id: string; score: number; content: string }, i: number) => {
      expect(retrieval.attributes[`retrieval.documents.${i}.document.id`]).toBe(doc.id);
      expect(retrieval.attributes[`retrieval.documents.${i}.document.score`]).toBe(doc.score);
      expect(retrieval.attributes[`retrieval.documents.${i}.document.content`]).toBe(doc.content);
    });
  });

  it('shows LLM calls with model, messages and token counts', async () => {
    const spans = await storedSpans();
    for (const llm of ofType('LLM')) {
      const stored = byId(spans, llm.spanContext().spanId);
      expect(stored.attributes['llm.model_name']).toBe(llm.attributes['gen_ai.response.model']);
      expect(stored.attributes['llm.token_count.prompt']).toBe(llm.attributes['gen_ai.usage.input_tokens']);
      expect(stored.attributes['llm.token_count.completion']).toBe(
        llm.attributes['gen_ai.usage.output_tokens'],
      );
      expect(stored.attributes['llm.token_count.total']).toBe(
        Number(llm.attributes['gen_ai.usage.input_tokens']) +
          Number(llm.attributes['gen_ai.usage.output_tokens']),
      );
      expect(stored.attributes['llm.input_messages.0.message.role']).toBe('system');
      expect(stored.attributes['llm.input_messages.1.message.role']).toBe('user');
      expect(stored.attributes['llm.output_messages.0.message.role']).toBe('assistant');
      expect(stored.attributes['llm.provider']).toBe('openai');
    }
  });

  it('groups the three turns into the session, with its token totals', async () => {
    await storedSpans();
    const sessions = await fetchJson<{
      data: { session_id: string; traces: { trace_id: string }[]; token_count_total: number }[];
    }>(`${baseUrl}/v1/projects/${PROJECT}/sessions`);
    const session = sessions.data.find((s) => s.session_id === SESSION.sessionId);
    expect(session?.traces.map((t) => t.trace_id).sort()).toEqual(demo.turns.map((t) => t.traceId).sort());
    const tokens = ofType('LLM').reduce(
      (sum, s) =>
        sum +
        Number(s.attributes['gen_ai.usage.input_tokens']) +
        Number(s.attributes['gen_ai.usage.output_tokens']),
      0,
    );
    expect(session?.token_count_total).toBe(tokens);
    const spans = await storedSpans();
    const root = byId(spans, demo.turns[0]!.spanId);
    expect(root.attributes['user.id']).toBe(SESSION.userId);
    expect(root.attributes['tag.tags']).toEqual(SESSION.tags);
  });

  it('shows the feedback as an evaluator step inside the judged trace', async () => {
    const spans = await storedSpans();
    const feedback = byId(spans, demo.feedback.spanId);
    expect(feedback.context.trace_id).toBe(demo.turns.at(-1)!.traceId);
    expect(feedback.parent_id).toBe(demo.turns.at(-1)!.spanId);
    expect(JSON.parse(String(feedback.attributes['output.value']))).toMatchObject({
      value: false,
      source: 'human',
    });
  });
});
