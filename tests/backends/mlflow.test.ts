// MLflow 3.18.0 (`mlflow server` from a venv) with a SQLite store in a temporary directory, no
// telemetry: the demo exported with the `mlflow` preset (MLflow + OpenInference conventions) into an
// experiment created through the REST API, read back through MLflow's traces API.
import { otlpExporter } from '@glassbox/exporters';
import { expect, it } from 'vitest';
import { fetchJson, waitFor } from './support/backend-process.js';
import { startMlflow } from './support/backend-servers.js';
import { backendSuite } from './support/backend-suite.js';
import { SESSION } from './support/run-demo.js';

/** An OTel AnyValue in proto JSON (snake_case fields). */
type AnyValue = {
  string_value?: string;
  bool_value?: boolean;
  int_value?: number | string;
  double_value?: number;
  array_value?: { values?: AnyValue[] };
  kvlist_value?: { values?: { key: string; value: AnyValue }[] };
};
/** A span as MLflow's traces API serves it: OTel proto JSON, ids in base64, JSON values as kvlists. */
interface MlflowSpan {
  trace_id: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  attributes: { key: string; value: AnyValue }[];
}
interface MlflowTrace {
  trace_info: {
    trace_id: string;
    trace_location: { mlflow_experiment?: { experiment_id: string } };
    request_preview?: string;
    response_preview?: string;
    trace_metadata?: Record<string, string>;
    tags?: Record<string, string>;
    state: string;
  };
  spans: MlflowSpan[];
}

const hex = (base64: string | undefined) =>
  base64 ? Buffer.from(base64, 'base64').toString('hex') : undefined;

function decode(value: AnyValue | undefined): unknown {
  // An empty value (a JSON null) is served as no value at all.
  if (value === undefined) return null;
  if (value.string_value !== undefined) return value.string_value;
  if (value.bool_value !== undefined) return value.bool_value;
  if (value.int_value !== undefined) return Number(value.int_value);
  if (value.double_value !== undefined) return value.double_value;
  if (value.array_value !== undefined) return (value.array_value.values ?? []).map(decode);
  if (value.kvlist_value !== undefined) {
    return Object.fromEntries((value.kvlist_value.values ?? []).map((kv) => [kv.key, decode(kv.value)]));
  }
  return null;
}

/** A span's attributes as plain values (MLflow serves the JSON ones it stored as objects). */
function attributesOf(span: MlflowSpan): Record<string, unknown> {
  return Object.fromEntries(span.attributes.map(({ key, value }) => [key, decode(value)]));
}

backendSuite(
  'MLflow (real server)',
  {
    start: () => startMlflow(300_000),
    exporter: ({ baseUrl, experimentId }) => otlpExporter({ preset: 'mlflow', baseUrl, experimentId }),
  },
  (run) => {
    /** A trace with all its spans, once MLflow has them. */
    async function storedTrace(traceId: string): Promise<MlflowTrace> {
      const expected = run.demo.spans.filter((s) => s.spanContext().traceId === traceId).length;
      return waitFor(
        async () => {
          const body = await fetchJson<{ trace: MlflowTrace }>(
            `${run.baseUrl}/api/3.0/mlflow/traces/get?trace_id=tr-${traceId}`,
          );
          return body.trace.spans.length >= expected ? body.trace : undefined;
        },
        30_000,
        () =>
          `MLflow did not serve trace tr-${traceId} with ${expected} spans; log tail:\n${run.server.logTail()}`,
      );
    }

    function storedSpan(trace: MlflowTrace, spanId: string): Record<string, unknown> {
      const span = trace.spans.find((s) => hex(s.span_id) === spanId);
      if (!span) throw new Error(`span ${spanId} not in trace ${trace.trace_info.trace_id}`);
      return attributesOf(span);
    }

    const ofType = (traceId: string, type: string) =>
      run.demo.spans.filter(
        (s) => s.spanContext().traceId === traceId && s.attributes['glassbox.span.type'] === type,
      );

    it('files every trace under the experiment, every span under its parent', async () => {
      expect(run.demo.exportErrors).toBe(0);
      for (const turn of run.demo.turns) {
        const trace = await storedTrace(turn.traceId);
        expect(trace.trace_info.trace_location.mlflow_experiment?.experiment_id).toBe(run.experimentId);
        const sent = run.demo.spans.filter((s) => s.spanContext().traceId === turn.traceId);
        expect(trace.spans.map((s) => hex(s.span_id)).sort()).toEqual(
          sent.map((s) => s.spanContext().spanId).sort(),
        );
        for (const span of sent) {
          const got = trace.spans.find((s) => hex(s.span_id) === span.spanContext().spanId)!;
          expect(hex(got.parent_span_id)).toBe(span.parentSpanContext?.spanId);
        }
      }
    });

    it('gives each span its MLflow type: AGENT, CHAIN, RETRIEVER, EMBEDDING, CHAT_MODEL, TOOL, EVALUATOR', async () => {
      const last = run.demo.turns.at(-1)!;
      const first = run.demo.turns[0]!;
      const trace = await storedTrace(first.traceId);
      const typeOf = (traceId: string, type: string, t: MlflowTrace) =>
        new Set(ofType(traceId, type).map((s) => storedSpan(t, s.spanContext().spanId)['mlflow.spanType']));
      expect(typeOf(first.traceId, 'AGENT', trace)).toEqual(new Set(['AGENT']));
      expect(typeOf(first.traceId, 'QUERY_REWRITE', trace)).toEqual(new Set(['CHAIN']));
      expect(typeOf(first.traceId, 'RETRIEVER', trace)).toEqual(new Set(['RETRIEVER']));
      expect(typeOf(first.traceId, 'EMBEDDING', trace)).toEqual(new Set(['EMBEDDING']));
      expect(typeOf(first.traceId, 'LLM', trace)).toEqual(new Set(['CHAT_MODEL']));
      expect(typeOf(first.traceId, 'TOOL', trace)).toEqual(new Set(['TOOL']));
      if (ofType(first.traceId, 'GUARDRAIL').length > 0) {
        expect(typeOf(first.traceId, 'GUARDRAIL', trace)).toEqual(new Set(['GUARDRAIL']));
      }
      const lastTrace = await storedTrace(last.traceId);
      expect(storedSpan(lastTrace, run.demo.feedback.spanId)['mlflow.spanType']).toBe('EVALUATOR');
    });

    it('shows inputs and outputs of every step, the LLM calls as OpenAI chat messages', async () => {
      const turn = run.demo.turns[0]!;
      const trace = await storedTrace(turn.traceId);
      const root = storedSpan(trace, turn.spanId);
      expect(root['mlflow.spanInputs']).toEqual({ question: expect.stringContaining('A-1042') });
      expect(root['mlflow.spanOutputs']).toContain('DHL');
      // The trace list's request and response columns come from the root span.
      expect(trace.trace_info.request_preview).toContain('A-1042');
      expect(trace.trace_info.response_preview).toContain('DHL');

      const tool = storedSpan(trace, ofType(turn.traceId, 'TOOL')[0]!.spanContext().spanId);
      expect(tool['mlflow.spanInputs']).toEqual({ orderId: 'A-1042' });
      expect(tool['mlflow.spanOutputs']).toMatchObject({ carrier: 'DHL' });

      const retrieval = storedSpan(trace, ofType(turn.traceId, 'RETRIEVER')[0]!.spanContext().spanId);
      const documents = retrieval['mlflow.spanOutputs'] as { id: string; page_content: string }[];
      expect(documents.map((d) => d.id)).toEqual(['kb-101', expect.any(String)]);
      expect(documents[0]!.page_content).toContain('tracking number');

      for (const llm of ofType(turn.traceId, 'LLM')) {
        const got = storedSpan(trace, llm.spanContext().spanId);
        const inputs = got['mlflow.spanInputs'] as { messages: { role: string }[]; model: string };
        expect(inputs.model).toBe('gpt-4o-mini');
        expect(inputs.messages[0]!.role).toBe('system');
        const outputs = got['mlflow.spanOutputs'] as { choices: { message: { role: string } }[] };
        expect(outputs.choices[0]!.message.role).toBe('assistant');
        expect(got['mlflow.message.format']).toBe('openai');
      }
    });

    it('reads token usage per LLM call and sums it on the trace', async () => {
      const turn = run.demo.turns[0]!;
      const trace = await storedTrace(turn.traceId);
      let input = 0;
      let output = 0;
      for (const llm of ofType(turn.traceId, 'LLM')) {
        const usage = storedSpan(trace, llm.spanContext().spanId)['mlflow.chat.tokenUsage'];
        const sentInput = Number(llm.attributes['gen_ai.usage.input_tokens']);
        const sentOutput = Number(llm.attributes['gen_ai.usage.output_tokens']);
        expect(usage).toMatchObject({
          input_tokens: sentInput,
          output_tokens: sentOutput,
          total_tokens: sentInput + sentOutput,
        });
        input += sentInput;
        output += sentOutput;
      }
      const totals = JSON.parse(trace.trace_info.trace_metadata?.['mlflow.trace.tokenUsage'] ?? '{}');
      // The embedding calls count input tokens too.
      const embeddingInput = ofType(turn.traceId, 'EMBEDDING').reduce(
        (sum, s) => sum + Number(s.attributes['gen_ai.usage.input_tokens'] ?? 0),
        0,
      );
      expect(totals).toMatchObject({ input_tokens: input + embeddingInput, output_tokens: output });
    });

    it('files the traces under the session and user, with the tags', async () => {
      const trace = await storedTrace(run.demo.turns[0]!.traceId);
      expect(trace.trace_info.trace_metadata?.['mlflow.trace.session']).toBe(SESSION.sessionId);
      expect(trace.trace_info.trace_metadata?.['mlflow.trace.user']).toBe(SESSION.userId);
      expect(trace.trace_info.tags?.demo).toBe('true');
    });

    it('shows the feedback as an evaluator span inside the judged trace (MLflow has no OTLP form for assessments)', async () => {
      const last = run.demo.turns.at(-1)!;
      const trace = await storedTrace(last.traceId);
      const feedback = storedSpan(trace, run.demo.feedback.spanId);
      expect(feedback['mlflow.spanOutputs']).toMatchObject({
        value: false,
        rationale: expect.stringContaining('tent warranty'),
        source: 'human',
      });
      expect(feedback['mlflow.spanInputs']).toMatchObject({
        name: 'helpful',
        traceId: last.traceId,
        spanId: last.spanId,
      });
    });
  },
);
