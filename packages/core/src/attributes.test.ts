import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTR } from './attributes.js';

const concepts = readFileSync(join(__dirname, '../../../docs/concepts.md'), 'utf8');

describe('the attribute table', () => {
  it('has no duplicate names, and our own keys live under one prefix', () => {
    const names = Object.values(ATTR);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names)
      expect(name).toMatch(
        /^(glassbox\.|gen_ai\.|session\.id$|user\.id$|error\.type$|server\.|client\.|mcp\.|jsonrpc\.|rpc\.|network\.)/,
      );
  });

  it('every name is explained in docs/concepts.md (in full or as a `.suffix` of its family)', () => {
    const missing = Object.values(ATTR).filter((name) => {
      if (concepts.includes(name)) return false;
      const suffix = name.slice(name.lastIndexOf('.'));
      return !concepts.includes(`\`${suffix}\``) && !concepts.includes(`${suffix}\``);
    });
    expect(missing).toEqual([]);
  });
});
