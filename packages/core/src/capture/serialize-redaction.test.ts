import { describe, expect, it } from 'vitest';
import { parse, run } from './__fixtures__/serialize-run.js';
import { createRedactor, REDACTED } from './redact.js';
import { serialize } from './serialize.js';

describe('serialize: redaction while writing', () => {
  const secret = 'sk-proj-KMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZ';
  const bearer = 'Bearer KMQVWXYZKMQVWXYZKMQVWXYZ';

  it('replaces values under secret keys whatever their type, without reading them', () => {
    let read = false;
    const value = {
      api_key: 'x',
      password: { nested: true },
      Authorization: ['a'],
      token: 42,
      get secret() {
        read = true;
        return 'never';
      },
      max_tokens: 256,
      usage: { input_tokens: 10, output_tokens: 20 },
    };
    expect(parse(value)).toEqual({
      api_key: REDACTED,
      password: REDACTED,
      Authorization: REDACTED,
      token: REDACTED,
      secret: REDACTED,
      max_tokens: 256,
      usage: { input_tokens: 10, output_tokens: 20 },
    });
    expect(read).toBe(false);
  });

  it('removes secret values everywhere a string is written', () => {
    const error = Object.assign(new Error(`auth failed for ${secret}`), { header: bearer });
    const value = {
      top: secret,
      nested: { deeper: [`key is ${secret}.`] },
      [secret]: 'as a key',
      map: new Map<unknown, unknown>([
        [secret, 'map key'],
        ['v', bearer],
        [{ id: 1 }, secret],
      ]),
      set: new Set([secret]),
      error,
      thrower: {
        get x() {
          throw new Error(`cannot read ${secret}`);
        },
      },
      fn: Object.defineProperty(() => 1, 'name', { value: secret }),
      symbol: Symbol(secret),
    };
    const json = run(value).json;
    expect(json).not.toContain('KMQVWXYZ');
    expect(json).toContain('Bearer [REDACTED]');
    expect(json).toContain('key is [REDACTED].');
  });

  it('never leaks part of a secret cut by truncation', () => {
    const secrets = [
      'sk-ant-api03-KMQVWXYZKMQVWXYZKMQVWXYZ',
      'Bearer KMQVWXYZKMQVWXYZ',
      'ghp_KMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZKMQV',
      'AKIAKMQVWXYZKMQVWXYZ',
      'eyJKMQVWXYZKMQV.eyJKMQVWXYZKMQV.KMQVWXYZ',
    ];
    for (const secret of secrets) {
      for (const padding of [0, 7, 30, 60]) {
        const text = `${'p'.repeat(padding)} ${secret} ${'tail '.repeat(50)}`;
        for (let max = 64; max < 140; max++) {
          for (const value of [text, [text], { k: text }, new Map([[text, 1]]), new Error(text)]) {
            expect(run(value, max).json).not.toMatch(/KMQV|MQVW|VWXY/);
          }
        }
      }
    }
  });

  it('captures nothing for a secret a cut would otherwise split (no partial "sk-")', () => {
    const text = `${'a '.repeat(20)}sk-KMQVWXYZKMQVWXYZKMQVWXYZ and more text ${'z'.repeat(200)}`;
    for (let max = 64; max < 120; max++) {
      const out = JSON.parse(run(text, max).json) as string;
      expect(out).not.toMatch(/sk-[A-Z]|sk-?…/);
    }
  });

  it('captures values as they are without a redactor', () => {
    expect(JSON.parse(serialize({ api_key: secret }, { maxLength: 200 }).json)).toEqual({ api_key: secret });
  });
});

describe('serialize: replace hook', () => {
  it('is called with paths, its result is captured, and a throw captures REDACTED', () => {
    const paths: string[] = [];
    const custom = createRedactor({
      replace(path, value) {
        paths.push(path);
        if (path === '$.user.email') return '<email>';
        if (path === '$.messages[1].content') throw new Error('hook bug');
        if (path === '$["x-note"]') return undefined;
        return value;
      },
    })!;
    const value = {
      user: { email: 'a@b.c', password: 'p' },
      messages: [{ content: 'hi' }, { content: 'secret plan' }],
      'x-note': 'dropped',
      text: `x ${'sk-KMQVWXYZKMQVWXYZKMQVWXYZ'}`,
    };
    expect(JSON.parse(serialize(value, { maxLength: 1000, redactor: custom }).json)).toEqual({
      user: { email: '<email>', password: REDACTED },
      messages: [{ content: 'hi' }, { content: REDACTED }],
      text: `x ${REDACTED}`, // patterns still apply to what the hook returns
    });
    expect(paths).toEqual([
      '$',
      '$.user',
      '$.user.email',
      '$.messages',
      '$.messages[0]',
      '$.messages[0].content',
      '$.messages[1]',
      '$.messages[1].content',
      '$["x-note"]',
      '$.text',
    ]); // `password` is redacted by key before the hook could see it
  });
});
