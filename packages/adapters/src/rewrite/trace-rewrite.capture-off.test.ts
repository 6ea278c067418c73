import { ATTR } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { describe, expect, it, vi } from 'vitest';
import { traceRewrite } from './index.js';

const { span } = setupGlassbox({ captureContent: false });

describe('traceRewrite with content capture off', () => {
  it('drops the query strings but keeps changed, similarity, length ratio and flags', async () => {
    const onFlag = vi.fn();
    const rewrite = traceRewrite(
      async (q: string) => `${q} including order id, customer name, totals and status`,
      {
        needsRewrite: () => false,
        onFlag,
      },
    );
    await rewrite('orders last week');
    const s = await span('query_rewrite');
    for (const key of [ATTR.REWRITE_ORIGINAL, ATTR.REWRITE_REWRITTEN, ATTR.INPUTS, ATTR.OUTPUTS]) {
      expect(s.attributes[key]).toBeUndefined();
    }
    expect(s.attributes).toMatchObject({
      [ATTR.REWRITE_CHANGED]: true,
      [ATTR.REWRITE_FLAGGED]: true,
      'glassbox.rewrite.flag.reasons': ['length_ratio', 'unneeded_rewrite'],
    });
    expect(s.attributes[ATTR.REWRITE_LENGTH_RATIO]).toBeGreaterThan(2);
    expect(s.events.filter((e) => e.name === ATTR.REWRITE_FLAG_EVENT)).toHaveLength(2);
    // The callback runs in-process: it still gets the queries.
    expect(onFlag).toHaveBeenCalledWith(expect.objectContaining({ original: 'orders last week' }));
  });
});
