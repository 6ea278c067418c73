import { expect, it } from 'vitest';
import { main } from './main.js';

it('main.ts runs the pipeline and prints its trace tree', async () => {
  const lines: string[] = [];
  const result = await main((line) => lines.push(line));
  expect(result).toContain('Settings, choose Security');
  const text = lines.join('\n');
  expect(text).toMatch(/^answer \[CHAIN\]/);
  for (const step of ['normalize [PARSER]', 'retrieve [RETRIEVER]', 'generate [LLM]'])
    expect(text).toContain(step);
});
