import { ATTR, withSpan } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { describe, expect, it } from 'vitest';
import { definePrompt } from './index.js';

const { span } = setupGlassbox({ captureContent: false });

describe('definePrompt with content capture off', () => {
  it('records name, version, length and the budget event, but not the variables', async () => {
    const prompt = definePrompt({
      name: 'answer',
      version: 'v2',
      template: 'Answer: {{question}}',
      maxChars: 10,
    });
    withSpan('step', () => prompt.render({ question: 'my private question' }));
    const s = await span('step');
    expect(s.attributes[ATTR.PROMPT_VARIABLES]).toBeUndefined();
    expect(s.attributes).toMatchObject({
      [ATTR.PROMPT_NAME]: 'answer',
      [ATTR.PROMPT_VERSION]: 'v2',
      [ATTR.PROMPT_RENDERED_LENGTH]: 'Answer: my private question'.length,
    });
    expect(s.events.map((e) => e.name)).toEqual([ATTR.PROMPT_OVER_BUDGET_EVENT]);
  });
});
