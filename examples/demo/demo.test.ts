import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTs } from '../_support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-demo-'));
const tracesFile = join(dir, 'traces.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run: Awaited<ReturnType<typeof runTs>>;
let resolution: Awaited<ReturnType<typeof runTs>>;
const spans: TraceFileSpan[] = [];

beforeAll(async () => {
  // `pnpm demo` is `tsx examples/demo/main.ts` from the repository root; run it the same way, as a child
  // process that must exit on its own (no open handles) within the timeout.
  [run, resolution] = await Promise.all([
    runTs('examples/demo/main.ts', { DEMO_TRACES_FILE: tracesFile }, 25_000),
    runTs('examples/_support/print-resolution.ts'),
  ]);
  if (existsSync(tracesFile)) for await (const span of readTraceFile(tracesFile)) spans.push(span);
}, 30_000);

const named = (name: string) => spans.filter((s) => s.name === name);
const childrenOf = (span: TraceFileSpan) =>
  spans
    .filter((s) => s.parentSpanId === span.spanId)
    .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));

describe('pnpm demo', () => {
  it('exits cleanly by itself, without warnings', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('resolves the Glassbox packages to their TypeScript sources (no build needed)', () => {
    expect(resolution.code).toBe(0);
    const lines = resolution.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines)
      expect(line).toMatch(/-> file:\/\/.*\/(packages|tools)\/[^/]+\/src\/.*index\.ts$/);
  });

  it('prints four trace trees, the flagged rewrite, the blocked request and a summary', () => {
    const out = run.stdout;
    expect(out.match(/^support_turn \[AGENT\]/gm)).toHaveLength(4);
    expect(out).toMatch(/query_rewrite \[QUERY_REWRITE\][^\n]*⚠ flagged/);
    expect(out.match(/⚠ flagged/g)).toHaveLength(1);
    expect(out).toContain('execute_tool lookup_order [TOOL]');
    expect(out).toContain('Flagged query rewrites (glassbox.rewrite.flagged = true): 1');
    expect(out).toContain('reasons: length_ratio, low_similarity, unneeded_rewrite');
    expect(out).toMatch(/Tools: lookup_order 1 call\(s\), 0 error\(s\).*never called: start_return/);
    expect(out).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 pnpm demo');
    // The injection attempt, blocked at a glance on its root line and on the guardrail's.
    expect(out).toMatch(/^support_turn \[AGENT\][^\n]*⛔ 1 blocked/m);
    expect(out).toMatch(/guardrail prompt-injection \[GUARDRAIL\][^\n]*⛔ BLOCKED: instruction override/);
    expect(out.match(/✓ pass/g)).toHaveLength(3);
    expect(out).toContain('Blocked by a guardrail (glassbox.guardrail.decision = block): 1');
    expect(out).toContain('LLM calls made: 0');
    // Costs: per LLM call on its line, per trace on the root line, and in the summary.
    expect(out).toMatch(/chat gpt-4o-mini \[LLM\][^\n]*tokens \d+ in \/ \d+ out \$0\.0000\d+/);
    expect(out.match(/^support_turn \[AGENT\][^\n]*Σ trace \$0\.000\d+, \d+ in \/ \d+ out/gm)).toHaveLength(
      3,
    );
    expect(out).toMatch(/Cost: \$0\.000\d+ for 10 priced LLM\/embedding calls \(genai-prices prices\)/); // It ends with the one command that opens these traces in the viewer.
    expect(out.trim().split('\n').at(-1)).toMatch(
      /^Open these traces in the Glassbox viewer: pnpm glassbox view \S*traces\.jsonl$/,
    );
  });

  it('writes four conversation traces with session and user on every span', () => {
    const roots = named('support_turn');
    expect(roots).toHaveLength(4);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(4);
    for (const span of spans.filter((s) => !s.name.startsWith('feedback'))) {
      expect(span.attributes['session.id']).toBe('chat-2025-11-08-0042');
      expect(span.attributes['user.id']).toBe('user-123');
      expect(span.resource['service.name']).toBe('support-assistant-demo');
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    }
  });

  it('traces the order question as rewrite, retrieval, LLM asking for the tool, tool, answer', () => {
    const root = named('support_turn').find((s) =>
      String(s.attributes['glassbox.inputs']).includes('A-1042'),
    )!;
    expect(childrenOf(root).map((s) => s.name)).toEqual([
      'guardrail prompt-injection',
      'query_rewrite',
      'retrieval help-center',
      'chat gpt-4o-mini',
      'execute_tool lookup_order',
      'chat gpt-4o-mini',
    ]);
    const [guardrail, rewrite, retrieval, firstChat, tool] = childrenOf(root);
    expect(guardrail!.attributes['glassbox.guardrail.decision']).toBe('pass');
    expect(childrenOf(rewrite!).map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
    expect(childrenOf(retrieval!).map((s) => s.name)).toEqual(['embeddings text-embedding-3-small']);
    expect(firstChat!.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
    // definePrompt().render() records the prompt on the span active when it renders.
    expect(root.attributes['glassbox.prompt.name']).toBe('support-answer');
    expect(rewrite!.attributes['glassbox.prompt.name']).toBe('rewrite-query');
    expect(rewrite!.attributes['glassbox.prompt.version']).toBe('3');
    expect(tool!.attributes['gen_ai.tool.name']).toBe('lookup_order');
    expect(JSON.parse(String(tool!.attributes['glassbox.inputs']))).toEqual({ orderId: 'A-1042' });
    expect(typeof firstChat!.attributes['gen_ai.usage.input_tokens']).toBe('number');
  });

  it('flags exactly the stuffed rewrite, and records the feedback inside that trace', () => {
    const flagged = spans.filter((s) => s.attributes['glassbox.rewrite.flagged'] === true);
    expect(flagged).toHaveLength(1);
    const [rewrite] = flagged;
    expect(rewrite!.attributes['glassbox.rewrite.original']).toBe('tent warranty');
    expect(rewrite!.attributes['glassbox.rewrite.length_ratio']).toBeGreaterThan(2);
    expect(rewrite!.events.map((e) => e.name)).toContain('glassbox.rewrite.flag');
    expect(
      named('query_rewrite').filter((s) => s.attributes['glassbox.rewrite.flagged'] === false),
    ).toHaveLength(2);
    const [feedback] = named('feedback helpful');
    expect(feedback!.traceId).toBe(rewrite!.traceId);
    expect(feedback!.attributes['glassbox.feedback.value']).toBe(false);
    expect(feedback!.links[0]?.spanId).toBe(feedback!.parentSpanId);
  });

  it('blocks the prompt injection with a guardrail span before any LLM call', () => {
    const guardrails = named('guardrail prompt-injection');
    expect(guardrails).toHaveLength(4);
    const blocked = guardrails.filter((s) => s.attributes['glassbox.guardrail.decision'] === 'block');
    expect(blocked).toHaveLength(1);
    const [guardrail] = blocked;
    expect(guardrail!.attributes).toMatchObject({
      'glassbox.span.type': 'GUARDRAIL',
      'glassbox.guardrail.name': 'prompt-injection',
      'glassbox.guardrail.policy': 'no-instruction-override',
      'glassbox.guardrail.reason': 'instruction override, system prompt extraction',
    });
    expect(guardrail!.attributes['glassbox.inputs']).toContain('Ignore all previous instructions');
    expect(guardrail!.events.map((e) => e.name)).toEqual(['glassbox.guardrail.blocked']);
    expect(guardrail!.status.code).not.toBe(SpanStatusCode.ERROR);
    const trace = spans.filter((s) => s.traceId === guardrail!.traceId);
    expect(trace.map((s) => s.name).sort()).toEqual(['guardrail prompt-injection', 'support_turn']);
    const root = trace.find((s) => s.name === 'support_turn')!;
    expect(JSON.parse(String(root.attributes['glassbox.outputs']))).toMatch(/^Sorry, I can only help/);
    expect(root.attributes['glassbox.trace.cost_usd']).toBeUndefined();
  });

  it('prices every LLM and embedding call and puts each trace total on its root', () => {
    const calls = spans.filter((s) => s.name.startsWith('chat ') || s.name.startsWith('embeddings '));
    expect(calls).toHaveLength(10);
    for (const call of calls) {
      expect(call.attributes['gen_ai.usage.cost']).toBeGreaterThan(0);
      expect(call.attributes['glassbox.cost.price_source']).toBe('genai-prices');
    }
    for (const root of named('support_turn').filter(
      (r) => !String(r.attributes['glassbox.inputs']).includes('Ignore'),
    )) {
      const inTrace = calls.filter((c) => c.traceId === root.traceId);
      const sum = inTrace.reduce((n, c) => n + Number(c.attributes['gen_ai.usage.cost']), 0);
      expect(root.attributes['glassbox.trace.cost_usd']).toBeCloseTo(sum, 12);
      expect(root.attributes['glassbox.trace.input_tokens']).toBe(
        inTrace.reduce((n, c) => n + Number(c.attributes['gen_ai.usage.input_tokens']), 0),
      );
    }
  });
});
