import { ATTR } from '@glassbox/core';
import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { child, recordSpans } from '../../tests/sample-spans.js';
import { conventionAttributes } from './map-span.js';

// Edge cases of the mapping, on real SDK spans: what the app set itself, values cut short at the
// length limit, spans from other instrumentations, and the span objects left as they were.

describe('conventionAttributes', () => {
  it('never overwrites a key the app set, and leaves the span itself unchanged', () => {
    const [span] = recordSpans((tracer) => {
      tracer
        .startSpan('step', {
          attributes: {
            [ATTR.SPAN_TYPE]: 'TOOL',
            [ATTR.INPUTS]: '{"q":1}',
            'openinference.span.kind': 'AGENT',
            'mlflow.spanInputs': '{"mine":true}',
          },
        })
        .end();
    });
    const before = { ...span!.attributes };
    const mapped = conventionAttributes(span!, 'mlflow');
    expect(mapped['openinference.span.kind']).toBe('AGENT');
    expect(mapped['mlflow.spanInputs']).toBe('{"mine":true}');
    expect(mapped['mlflow.spanType']).toBe('TOOL');
    expect(span!.attributes).toEqual(before);
    expect(conventionAttributes(span!, 'glassbox')).toBe(span!.attributes);
  });

  it('sends a value cut short at the length limit as text, not as broken JSON', () => {
    const [span] = recordSpans((tracer) => {
      tracer
        .startSpan('step', {
          attributes: { [ATTR.SPAN_TYPE]: 'CHAIN', [ATTR.INPUTS]: '{"document":"very long…' },
        })
        .end();
    });
    const mapped = conventionAttributes(span!, 'openinference');
    expect(mapped['input.value']).toBe('{"document":"very long…');
    expect(mapped['input.mime_type']).toBe('text/plain');
    expect(conventionAttributes(span!, 'mlflow')['mlflow.spanInputs']).toBe(
      '"{\\"document\\":\\"very long…"',
    );
  });

  it('types spans of other instrumentations from gen_ai.operation.name, else as unknown', () => {
    const spans = recordSpans((tracer) => {
      const root = tracer.startSpan('GET /chat', { kind: SpanKind.SERVER });
      const llm = child(tracer, root, 'chat gpt-4o', SpanKind.CLIENT);
      llm.setAttributes({ [ATTR.GEN_AI_OPERATION_NAME]: 'chat', [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o' });
      llm.end();
      root.end();
    });
    const root = spans.find((s) => s.name === 'GET /chat')!;
    const llm = spans.find((s) => s.name === 'chat gpt-4o')!;
    expect(conventionAttributes(llm, 'openinference')['openinference.span.kind']).toBe('LLM');
    expect(conventionAttributes(llm, 'openinference')['llm.model_name']).toBe('gpt-4o');
    expect(conventionAttributes(llm, 'mlflow')['mlflow.spanType']).toBe('CHAT_MODEL');
    expect(conventionAttributes(llm, 'langfuse')['langfuse.observation.type']).toBe('generation');
    expect(conventionAttributes(root, 'openinference')['openinference.span.kind']).toBe('UNKNOWN');
    expect(conventionAttributes(root, 'mlflow')['mlflow.spanType']).toBe('UNKNOWN');
    expect(conventionAttributes(root, 'langfuse')['langfuse.observation.type']).toBe('span');
  });

  it('puts trace tags and metadata on the root span only for MLflow and Langfuse', () => {
    const spans = recordSpans((tracer) => {
      const traceAttrs = { [ATTR.TRACE_TAGS]: ['beta'], [`${ATTR.TRACE_METADATA_PREFIX}plan`]: 'pro' };
      const root = tracer.startSpan('turn', { attributes: { [ATTR.SPAN_TYPE]: 'AGENT', ...traceAttrs } });
      const step = child(tracer, root, 'step');
      step.setAttributes({ [ATTR.SPAN_TYPE]: 'CHAIN', ...traceAttrs });
      step.end();
      root.end();
    });
    const root = spans.find((s) => s.name === 'turn')!;
    const step = spans.find((s) => s.name === 'step')!;
    expect(conventionAttributes(root, 'mlflow')['mlflow.traceTag.beta']).toBe('true');
    expect(conventionAttributes(root, 'mlflow')['mlflow.traceTag.plan']).toBe('pro');
    expect(conventionAttributes(step, 'mlflow')['mlflow.traceTag.plan']).toBeUndefined();
    expect(conventionAttributes(root, 'langfuse')['langfuse.trace.metadata.plan']).toBe('pro');
    expect(conventionAttributes(step, 'langfuse')['langfuse.trace.tags']).toBeUndefined();
    // OpenInference carries tags and metadata on every span.
    expect(conventionAttributes(step, 'openinference')['tag.tags']).toEqual(['beta']);
    expect(conventionAttributes(step, 'openinference').metadata).toBe('{"plan":"pro"}');
  });

  it('parses each JSON attribute of a span once, however many conventions and readers use it', () => {
    const messages = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    const choices = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }]);
    const [span] = recordSpans((tracer) => {
      tracer
        .startSpan('chat gpt-4o', {
          attributes: {
            [ATTR.SPAN_TYPE]: 'LLM',
            [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
            [ATTR.GEN_AI_INPUT_MESSAGES]: messages,
            [ATTR.GEN_AI_OUTPUT_MESSAGES]: choices,
          },
        })
        .end();
    });
    const parse = vi.spyOn(JSON, 'parse');
    try {
      for (const conventions of ['openinference', 'mlflow', 'langfuse'] as const) {
        parse.mockClear();
        const mapped = conventionAttributes(span!, conventions);
        expect(mapped['llm.input_messages.0.message.content']).toBe('hi');
        expect(parse.mock.calls.filter(([text]) => text === messages)).toHaveLength(1);
        expect(parse.mock.calls.filter(([text]) => text === choices)).toHaveLength(1);
      }
    } finally {
      parse.mockRestore();
    }
  });

  it('shows a guardrail that recorded no outputs with its decision as output, in every convention', () => {
    const [span] = recordSpans((tracer) => {
      tracer
        .startSpan('guardrail length', {
          attributes: {
            [ATTR.SPAN_TYPE]: 'GUARDRAIL',
            [ATTR.INPUTS]: '{"text":"hi"}',
            [ATTR.GUARDRAIL_NAME]: 'length',
            [ATTR.GUARDRAIL_DECISION]: 'block',
          },
        })
        .end();
    });
    const decision = { decision: 'block', name: 'length' };
    const mlflow = conventionAttributes(span!, 'mlflow');
    expect(JSON.parse(String(mlflow['mlflow.spanOutputs']))).toEqual(decision);
    expect(JSON.parse(String(mlflow['mlflow.spanInputs']))).toEqual({ text: 'hi' });
    const langfuse = conventionAttributes(span!, 'langfuse');
    expect(JSON.parse(String(langfuse['langfuse.observation.output']))).toEqual(decision);
    expect(langfuse['langfuse.observation.level']).toBe('WARNING');
    expect(JSON.parse(String(conventionAttributes(span!, 'openinference')['output.value']))).toEqual(
      decision,
    );
  });
});
