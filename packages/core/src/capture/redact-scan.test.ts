import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from './redact.js';
import { CANDIDATE_SOURCES, SHORT_TEXT_SOURCES, shortTextIsClean } from './redact-candidates.js';
import { DEFAULT_REDACT_PATTERNS } from './redact-patterns.js';
import { redactDefaults } from './redact-scan.js';

/** The reference: one regex pass of the whole default alternation, as redaction worked before candidates. */
function plainPass(text: string): string {
  const keep: number[] = [];
  let groups = 0;
  for (const pattern of DEFAULT_REDACT_PATTERNS) {
    const count = new RegExp(`${pattern.source}|`).exec('')!.length - 1;
    if (count > 0) keep.push(groups + 1);
    groups += count;
  }
  const re = new RegExp(DEFAULT_REDACT_PATTERNS.map((p) => `(?:${p.source})`).join('|'), 'g');
  return text.replace(re, (...args: unknown[]) => {
    const context = keep.map((g) => args[g]).find((kept) => kept !== undefined);
    return `${(context as string | undefined) ?? ''}${REDACTED}`;
  });
}

const AWS = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
/** Secrets, their prefixes and near misses, and separators, to build texts where families meet. */
const FRAGMENTS = [
  ...['sk-', 'k-', 's', 'sk-proj-', 'sk-ant-', 'x', 'xox', 'xoxb-', 'xapp-1-', '-', '-----', '-----BEGIN'],
  ...[' PRIVATE KEY-----', '-----END PRIVATE KEY-----', 'RSA', 'Bearer', 'bearer', 'BEARER', ' ', '\t', '\n'],
  ...[
    'Authorization',
    'authorization',
    'AUTHORIZATION',
    'organization',
    ': ',
    ':',
    '=',
    ' = ',
    'Basic ',
    'basic',
  ],
  ...[
    'token ',
    'A',
    'AKIA',
    'ASIA',
    'AIza',
    'ABCDEFGHIJKLMNOP',
    '_',
    'gh',
    'ghp_',
    'github_pat_',
    'sk_live_',
  ],
  ...['whsec_', 'J', 'ey', 'eyJ', 'eyJhbGciOiJIUzI1NiJ9', '.', '://', '@', '?', '&', '#', ';', ',', '"', "'"],
  ...['key', 'Key', 'token', 'pass', 'pwd', 'password', 'api_key', 'apiKey', 'secret_access_key', 'AWS_'],
  ...[
    'sig',
    'X-Amz-Signature',
    'user',
    'db',
    'host',
    '443',
    '/',
    '+',
    '0123456789',
    'abcdefghij',
    'KMQVWXYZ',
  ],
  ...[AWS, AWS.slice(0, 20), AWS.slice(20), 'redis', 'https', 'the', 'of', '==', 'y', 'Y'],
  // whole secrets of every family
  ...['sk-proj-KMQVWXYZKMQVWXYZKMQVWXYZ', 'AKIAIOSFODNN7EXAMPLE', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
  ...[
    'ghp_KMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZ',
    'github_pat_11KMQVWXYZKMQVWXYZKMQV',
    'rk_test_KMQVWXYZKMQVWXYZ',
  ],
  ...['whsec_KMQVWXYZKMQVWXYZKMQVWXYZ', 'xoxp-1234567890-abc', 'xapp-1-A0KMQVWXYZ-1', 'Bearer KMQVWXYZKMQV'],
  ...['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'Authorization: Basic dXNlcjpwYXNz', 'postgres://u:p@h'],
  ...['?api_key=abc', '&pwd=x', '#access_token=t', 'aws_secret_access_key = ABCDEFGHIJKL'],
  ...[
    'AWS_SECRET_ACCESS_KEY" = "ABCDEFGHIJKL',
    "secret_access_key'\t=\tABCDEFGHIJKL",
    'SecretAccessKey=abcdefghijkl',
  ],
];
const texts = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join('')),
  fc.string({
    unit: fc.constantFrom(...'sk-xoAKIJ_ey:/@?&#=;, \tBbearzZtionu0123456789+QWq'.split('')),
    maxLength: 300,
  }),
  fc.string({ maxLength: 80 }),
);

describe('candidate scan', () => {
  it('finds what one regex pass of the default patterns finds (both source sets, short-text test)', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const expected = plainPass(text);
        if (shortTextIsClean(text)) expect(expected).toBe(text);
        expect(redactDefaults(text, CANDIDATE_SOURCES)).toBe(expected);
        expect(redactDefaults(text, SHORT_TEXT_SOURCES)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds bare AWS keys among digits, sparse or dense, in long text', () => {
    for (const gap of [3, 20, 127, 129, 400]) {
      let text = '';
      for (let i = 0; text.length < 20_000; i++) {
        text += `${'w'.repeat(gap)} ${i} `;
        if (i % 97 === 13) text += ` ${AWS} `;
      }
      const expected = plainPass(text);
      expect(expected).not.toContain(AWS);
      expect(redactDefaults(text, CANDIDATE_SOURCES)).toBe(expected);
    }
  });

  it('never calls a short text with a secret clean', () => {
    // Each alone, with no other character the short-text test looks for.
    const secrets = [
      'sk-proj-abcdefghijklmnopqrstuv',
      'Bearer abcdefghijklmnopqrs',
      'bearer 0123456789ab',
      'BEARER abcdefghijk1',
      'authorization: basic dXNlcjpw',
      'AKIAIOSFODNN7EXAMPLE',
      'ASIAIOSFODNN7EXAMPLE',
      'ABIAIOSFODNN7EXAMPLE',
      'ACCAIOSFODNN7EXAMPLE',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
      'ghp_abcdefghijklmnopqrstuvwxyabcdef',
      'github_pat_abcdefghijklmnopqrstuv',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
      'xoxb-1234567890-abc',
      'xapp-1-A0KMQVWXY-12',
      'sk_live_abcdefghijklmnop',
      'whsec_abcdefghijklmnopqrstuvwx',
      '-----BEGIN PRIVATE KEY-----\nabc',
      'postgres://u:p@h',
      'redis://:p@h',
      'pwd=x',
      'aws_secret_access_key = abcdefghijkl',
      AWS,
    ];
    for (const secret of secrets) {
      expect(plainPass(secret)).not.toBe(secret);
      expect(shortTextIsClean(secret)).toBe(false);
    }
  });

  it('covers every default pattern with a candidate source in each set', () => {
    for (const sources of [CANDIDATE_SOURCES, SHORT_TEXT_SOURCES]) {
      const covered = new Set(sources.flatMap((source) => source.patterns));
      for (const pattern of DEFAULT_REDACT_PATTERNS) expect(covered.has(pattern)).toBe(true);
    }
  });

  it('returns the very same string when nothing matched', () => {
    const text = `${'the batch api accepts up to fifty requests '.repeat(500)}`;
    expect(redactDefaults(text)).toBe(text);
    expect(redactDefaults(text.slice(0, 150))).toBe(text.slice(0, 150));
  });

  it('applies user patterns after the defaults, whatever their flags', () => {
    const custom = createRedactor({ patterns: [/acct-\d{6}/, /EMPLOYEE #\d+/i] })!;
    expect(custom.redactText('acct-123456 employee #42 Bearer KMQVWXYZKMQVWXYZ ?pwd=x')).toBe(
      `${REDACTED} ${REDACTED} Bearer ${REDACTED} ?pwd=${REDACTED}`,
    );
  });
});

describe('bounded redaction', () => {
  const n = 100_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  /** Inputs that make careless patterns backtrack: many starts, long runs, near misses. */
  const ADVERSARIAL = [
    fill('a'),
    fill('aA1/'),
    fill(`${AWS} `),
    fill(`${AWS}_`),
    fill('eyJ'),
    fill('eyJaaaaaaaa.'),
    fill('eyJaaaaaaaa.eyJ'),
    fill('sk-'),
    fill('sk-proj-'),
    fill('k-'),
    fill('-'),
    fill('-----BEGIN '),
    fill('-----BEGIN PRIVATE KEY-----'),
    fill('Bearer '),
    fill('Bearer\t'),
    `Bearer${' '.repeat(n)}`,
    fill('bearer a'),
    fill('Authorization: Basic '),
    fill('authorization:'),
    fill('zation'),
    fill('A'),
    fill('AKIA'),
    fill('AKIAAAAAAAAAAAAAAAAA'),
    fill('AIza'),
    fill('_'),
    fill('gh_'),
    fill('ghp_a'),
    fill('github_pat_'),
    fill('sk_live_'),
    fill('J'),
    fill('://'),
    fill('://a:'),
    `${fill('://a:b')}@`,
    `://${'a'.repeat(n)}:${'b'.repeat(n)}@`,
    fill('='),
    fill('a='),
    fill('?='),
    fill(' key='),
    fill('?x'),
    `?${'a'.repeat(n)}=`,
    fill('secret_access_key = '),
    fill('secret_access_key'),
    fill(`y${' '.repeat(9)}=`),
    fill('xox'),
    fill('xoxb-'),
    fill('@'),
    fill(':'),
    fill('0'),
    fill('a0B '),
  ];

  it('redacts 100 KB of adversarial text quickly (linear time)', () => {
    const redactor = createRedactor()!;
    for (const text of ADVERSARIAL) {
      const start = performance.now();
      redactor.redactText(text);
      const ms = performance.now() - start;
      if (ms >= 500) throw new Error(`${ms.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 40))}...`);
    }
  });

  it('runs each default pattern alone over the same text quickly (a user may reuse them)', () => {
    for (const pattern of DEFAULT_REDACT_PATTERNS) {
      const re = new RegExp(pattern.source, 'g');
      for (const text of ADVERSARIAL) {
        const start = performance.now();
        text.replace(re, '');
        const ms = performance.now() - start;
        if (ms >= 500)
          throw new Error(`${ms.toFixed(0)} ms: ${pattern.source.slice(0, 40)} on ${text.slice(0, 30)}`);
      }
    }
  });
});
