import { describe, expect, it } from 'vitest';
import { record } from './__fixtures__/records.js';
import { computeStats } from './compute-stats.js';
import { formatCount, formatMs, formatStats, formatUsd } from './format-stats.js';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);

function sample() {
  return [
    record(
      {
        name: 'agent',
        startMs: T0,
        durationMs: 2500,
        attributes: { 'glassbox.span.type': 'AGENT', 'glassbox.trace.cost_usd': 0.0123 },
      },
      1,
    ),
    record(
      {
        name: 'chat gpt-4o',
        parentSpanId: '00000000000000aa',
        startMs: T0 + 10,
        durationMs: 1200,
        attributes: {
          'glassbox.span.type': 'LLM',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.provider.name': 'openai',
          'gen_ai.usage.input_tokens': 12345,
          'gen_ai.usage.output_tokens': 678,
          'gen_ai.usage.cost': 0.0123,
          'gen_ai.tool.definitions':
            '[{"type":"function","name":"search"},{"type":"function","name":"calc"}]',
          'glassbox.prompt.name': 'answer',
          'glassbox.prompt.version': '3',
          'glassbox.prompt.rendered_length': 1800,
        },
      },
      1,
    ),
    record(
      {
        name: 'execute_tool search',
        parentSpanId: '00000000000000aa',
        startMs: T0 + 1300,
        durationMs: 0.25,
        statusCode: 2,
        statusMessage: 'index\u001b[31m offline\nretry later',
        attributes: {
          'glassbox.span.type': 'TOOL',
          'gen_ai.tool.name': 'search',
          'error.type': 'IndexError',
        },
      },
      1,
    ),
    record(
      {
        name: 'query_rewrite',
        startMs: T0 + 60_000,
        durationMs: 3,
        attributes: {
          'glassbox.span.type': 'QUERY_REWRITE',
          'glassbox.rewrite.changed': true,
          'glassbox.rewrite.flagged': true,
          'glassbox.rewrite.original': 'refunds',
          'glassbox.rewrite.rewritten': 'how do I get my money back for an order from last year',
          'glassbox.rewrite.similarity': 0.12,
          'glassbox.rewrite.flag.reasons': ['length_ratio', 'low_similarity'],
        },
      },
      2,
    ),
    record(
      {
        name: 'guardrail pii',
        startMs: T0 + 61_000,
        durationMs: 1,
        attributes: {
          'glassbox.guardrail.name': 'pii',
          'glassbox.guardrail.decision': 'block',
          'glassbox.guardrail.reason': 'email',
        },
      },
      2,
    ),
    record(
      {
        name: 'feedback thumbs',
        startMs: T0 + 62_000,
        durationMs: 0,
        attributes: { 'glassbox.feedback.name': 'thumbs', 'glassbox.feedback.value': true },
      },
      3,
    ),
  ];
}

describe('formatStats', () => {
  it('renders every section as aligned plain text', () => {
    const text = formatStats(computeStats(sample()));
    expect(text).toBe(
      [
        'Glassbox stats: 6 spans in 3 traces (1 error)',
        '  services: hand-made',
        '  from 2026-12-03 09:00:00Z to 2026-12-03 09:01:02Z',
        '  model calls: 1, tokens in 12,345 / out 678, cost $0.0123',
        '',
        'Slowest steps (by p95)',
        '  STEP                 TYPE           COUNT  ERRORS       P50       P95       MAX',
        '  agent                AGENT              1       0    2.50 s    2.50 s    2.50 s',
        '  chat gpt-4o          LLM                1       0    1.20 s    1.20 s    1.20 s',
        '  query_rewrite        QUERY_REWRITE      1       0    3.0 ms    3.0 ms    3.0 ms',
        '  guardrail pii        UNKNOWN            1       0    1.0 ms    1.0 ms    1.0 ms',
        '  execute_tool search  TOOL               1       1  0.250 ms  0.250 ms  0.250 ms',
        '  feedback thumbs      UNKNOWN            1       0  0.000 ms  0.000 ms  0.000 ms',
        '',
        'Errors by step',
        '  STEP                 TYPE  ERRORS  OF  LAST ERROR',
        '  execute_tool search  TOOL       1   1  IndexError: index [31m offline retry later',
        '',
        'Tokens by model',
        '  MODEL   PROVIDER  CALLS   INPUT  OUTPUT     COST  UNPRICED',
        '  gpt-4o  openai        1  12,345     678  $0.0123         0',
        '',
        'Cost by step',
        '  STEP         TYPE  CALLS     COST',
        '  chat gpt-4o  LLM       1  $0.0123',
        '',
        'Most expensive traces',
        '  TRACE                             ROOT   STARTED                INPUT  OUTPUT     COST',
        '  00000000000000000000000000000001  agent  2026-12-03 09:00:00Z  12,345     678  $0.0123',
        '',
        'Flagged rewrites (1 of 1 rewrites)',
        '  TRACE                             ORIGINAL → REWRITTEN                                                  SIMILARITY  REASONS',
        '  00000000000000000000000000000002  "refunds" → "how do I get my money back for an order from last year"        0.12  length_ratio, low_similarity',
        '',
        'Tool usage',
        '  TOOL    CALLS  ERRORS       P50       P95  DECLARED  LAST ERROR',
        '  search      1       1  0.250 ms  0.250 ms  yes       index [31m offline retry later',
        '  failing: search',
        '  never called: calc',
        '',
        'Prompt sizes over time (rendered characters)',
        '  PROMPT  VERSION  RENDERS  FIRST SEEN            LAST SEEN             FIRST   LAST    MIN    MAX  GROWTH',
        '  answer  3              1  2026-12-03 09:00:00Z  2026-12-03 09:00:00Z  1,800  1,800  1,800  1,800       0',
        '',
        'Guardrail decisions',
        '  GUARDRAIL  TOTAL  PASS  BLOCK  MODIFY  OTHER  LAST BLOCK REASON',
        '  pii            1     0      1       0      0  email',
        '',
        'Feedback and evaluations',
        '  NAME    KIND      COUNT  UP  DOWN  MEAN  LABELS',
        '  thumbs  feedback      1   1     0     -',
        '',
      ].join('\n'),
    );
    // Nothing of a span reaches the terminal as a control character.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them is the point.
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('says (none) for empty sections and cuts long tables', () => {
    const empty = formatStats(computeStats([]));
    expect(empty.startsWith('Glassbox stats: 0 spans in 0 traces (0 errors)\n')).toBe(true);
    expect(empty.match(/\(none\)/g)).toHaveLength(12);
    const many = Array.from({ length: 30 }, (_, i) => record({ name: `step ${i}`, durationMs: i }));
    const text = formatStats(computeStats(many), { maxRows: 5 });
    expect(text).toContain('  step 29');
    expect(text).not.toContain('  step 24 ');
    expect(text).toContain('  … 25 more');
  });

  it('formats counts, durations and money without the locale', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0.5)).toBe('0.5');
    expect(formatCount(-1234)).toBe('-1,234');
    expect(formatMs(0.1234)).toBe('0.123 ms');
    expect(formatMs(999.94)).toBe('999.9 ms');
    expect(formatMs(61_000)).toBe('1.0 min');
    expect(formatUsd(null)).toBe('-');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.000123)).toBe('$0.000123');
    expect(formatUsd(12.345)).toBe('$12.35');
  });
});
