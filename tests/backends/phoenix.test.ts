// Arize Phoenix 20.26.1 (`phoenix serve` from a venv), SQLite in a temporary working directory, no
// telemetry: the demo exported with the `phoenix` preset (OpenInference conventions), read back through
// Phoenix's REST API the way its UI shows it.
import { otlpExporter } from '@glassbox/exporters';
import { expect, it } from 'vitest';
import { fetchJson, waitFor } from './support/backend-process.js';
import { startPhoenix } from './support/backend-servers.js';
import { backendSuite } from './support/backend-suite.js';
import { SESSION } from './support/run-demo.js';

const PROJECT = 'glassbox-demo';

interface PhoenixSpan {
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  parent_id: string | null;
  status_code: string;
  attributes: Record<string, unknown>;
  events: { name: string }[];
}

backendSuite(
  'Arize Phoenix (real server)',
  {
    start: () => startPhoenix(120_000),
    exporter: ({ baseUrl }) => otlpExporter({ preset: 'phoenix', baseUrl, projectName: PROJECT }),
  },
  (run) => {
    /** Every span Phoenix has stored for the demo, once it has all of them (ingestion is queued). */
    async function storedSpans(): Promise<PhoenixSpan[]> {
      return waitFor(
        async () => {
          const spans: PhoenixSpan[] = [];
          let cursor: string | null = null;
          do {
            const query: string = `limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
            const page: { data: PhoenixSpan[]; next_cursor: string | null } = await fetchJson(
              `${run.baseUrl}/v1/projects/${PROJECT}/spans?${query}`,
            );
            spans.push(...page.data);
            cursor = page.next_cursor;
          } while (cursor);
          return spans.length >= run.demo.spans.length ? spans : undefined;
        },
        30_000,
        () =>
          `Phoenix did not store the ${run.demo.spans.length} demo spans; log tail:\n${run.server.logTail()}`,
      );
    }

    const byId = (spans: PhoenixSpan[], spanId: string) => spans.find((s) => s.context.span_id === spanId)!;
    const ofType = (type: string) =>
      run.demo.spans.filter((s) => s.attributes['glassbox.span.type'] === type);

    it('stores every span under the project, with its parent', async () => {
      expect(run.demo.exportErrors).toBe(0);
      const spans = await storedSpans();
      expect(spans.map((s) => s.context.span_id).sort()).toEqual(
        run.demo.spans.map((s) => s.spanContext().spanId).sort(),
      );
      for (const span of run.demo.spans) {
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
      const [turn] = run.demo.turns;
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
      }>(`${run.baseUrl}/v1/projects/${PROJECT}/sessions`);
      const session = sessions.data.find((s) => s.session_id === SESSION.sessionId);
      expect(session?.traces.map((t) => t.trace_id).sort()).toEqual(
        run.demo.turns.map((t) => t.traceId).sort(),
      );
      const tokens = ofType('LLM').reduce(
        (sum, s) =>
          sum +
          Number(s.attributes['gen_ai.usage.input_tokens']) +
          Number(s.attributes['gen_ai.usage.output_tokens']),
        0,
      );
      expect(session?.token_count_total).toBe(tokens);
      const spans = await storedSpans();
      const root = byId(spans, run.demo.turns[0]!.spanId);
      expect(root.attributes['user.id']).toBe(SESSION.userId);
      expect(root.attributes['tag.tags']).toEqual(SESSION.tags);
    });

    it('shows the feedback as an evaluator step inside the judged trace', async () => {
      const spans = await storedSpans();
      const feedback = byId(spans, run.demo.feedback.spanId);
      expect(feedback.context.trace_id).toBe(run.demo.turns.at(-1)!.traceId);
      expect(feedback.parent_id).toBe(run.demo.turns.at(-1)!.spanId);
      expect(JSON.parse(String(feedback.attributes['output.value']))).toMatchObject({
        value: false,
        source: 'human',
      });
    });
  },
);
