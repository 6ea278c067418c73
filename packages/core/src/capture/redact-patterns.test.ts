import { describe, expect, it } from 'vitest';
import { createRedactor, REDACT_LOOKAHEAD, REDACTED, redactString } from './redact.js';

const redactor = createRedactor()!;
const R = REDACTED;
const AWS = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const body = 'KMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZ';

/** [text, expected] pairs: every secret below leaked with the previous patterns. */
const REDACTED_CASES: [string, string][] = [
  // AWS secret access keys, bare and assigned
  [`key ${AWS} end`, `key ${R} end`],
  [`{"aws_secret": "${AWS}"}`, `{"aws_secret": "${R}"}`],
  [`aws_secret_access_key: ${AWS}`, `aws_secret_access_key: ${R}`],
  [`AWS_SECRET_ACCESS_KEY=${AWS}`, `AWS_SECRET_ACCESS_KEY=${R}`],
  ['aws_secret_access_key = ABCDEFGHIJKLMNOPQRSTUV', `aws_secret_access_key = ${R}`],
  ['export AWS_SECRET_ACCESS_KEY="ABCDEFGHIJKLMNOPQRSTUV"', `export AWS_SECRET_ACCESS_KEY="${R}"`],
  ['secretAccessKey=abcdefghijklmnopqrstuv', `secretAccessKey=${R}`],
  // Authorization schemes other than Bearer
  ['curl -H "Authorization: Basic dXNlcjpwYXNzd29yZA==" x', `curl -H "Authorization: Basic ${R}" x`],
  ['{"authorization":"Basic dXNlcjpwYXNzd29yZA=="}', `{"authorization":"Basic ${R}"}`],
  ["{'Authorization': 'basic dXNlcjpwYXNz'}", `{'Authorization': 'basic ${R}'}`],
  ['Proxy-Authorization: Basic dXNlcjpwYXNz', `Proxy-Authorization: Basic ${R}`],
  ['AUTHORIZATION: BASIC dXNlcjpwYXNz', `AUTHORIZATION: BASIC ${R}`],
  ['Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b', `Authorization: Token ${R}`],
  // URL passwords
  ['redis://:s3cr3tpass@cache:6379/0', `redis://:${R}@cache:6379/0`],
  ['postgres://admin:pa/ss@db:5432/app', `postgres://admin:${R}@db:5432/app`],
  // query parameters: any case, more names, fragments, bare queries, logfmt
  ['https://x.io/a?apiKey=abc123&x=1', `https://x.io/a?apiKey=${R}&x=1`],
  ['https://x.io/a?API_KEY=abc123', `https://x.io/a?API_KEY=${R}`],
  ['https://x.io/a?Api-Key=abc123', `https://x.io/a?Api-Key=${R}`],
  ['https://x.io/login?user=bob&pwd=hunter2', `https://x.io/login?user=bob&pwd=${R}`],
  ['https://x.io/login?pass=hunter2', `https://x.io/login?pass=${R}`],
  ['https://x.io/login?passwd=hunter2', `https://x.io/login?passwd=${R}`],
  ['https://x.io/login?Password=hunter2', `https://x.io/login?Password=${R}`],
  ['https://x.io/a?auth=abc123', `https://x.io/a?auth=${R}`],
  [
    'https://maps.googleapis.com/api/geocode/json?key=abc123',
    `https://maps.googleapis.com/api/geocode/json?key=${R}`,
  ],
  [
    'https://app.io/cb#access_token=abc123&token_type=bearer',
    `https://app.io/cb#access_token=${R}&token_type=bearer`,
  ],
  ['https://x.io/a?TOKEN=abc', `https://x.io/a?TOKEN=${R}`],
  ['apiKey=abc&x=1', `apiKey=${R}&x=1`],
  ['password=hunter2', `password=${R}`],
  ['level=info password=hunter2 user=bob', `level=info password=${R} user=bob`],
  ['a=1;token=abc', `a=1;token=${R}`],
  // unambiguous formats glued to a word
  [`xsk-proj-${body}`, `x${R}`],
  [`xsk-ant-api03-${body}`, `x${R}`],
  [`xsk-svcacct-${body}`, `x${R}`],
  [`tokenghp_${body}`, `token${R}`],
  [`tokengho_${body}`, `token${R}`],
  [`my_github_pat_11${body}`, `my_${R}`],
  ['idAKIAIOSFODNN7EXAMPLE', `id${R}`],
  ['keyASIAIOSFODNN7EXAMPLE', `key${R}`],
  [`keyAIza${body.slice(0, 35)}`, `key${R}`],
  [`xsk_live_${body}`, `x${R}`],
  [`xrk_live_${body}`, `x${R}`],
  [`tokeneyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${body}`, `token${R}`],
  [`tokenxoxb-123456789012-${body}`, `token${R}`],
  // more formats of the same families
  ['xoxe-1-abcdefghijklmnop', R],
  ['xapp-1-A01ABCDEFGH-1234567890', R],
  ['whsec_abcdefghijklmnopqrstuvwx12', R],
  ['-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc\n-----END PGP PRIVATE KEY BLOCK-----', R],
];

/** Forms redacted before too, kept as regression checks. */
const STILL_REDACTED: [string, string][] = [
  ['https://x.io/a?client_secret=zzz&x=1', `https://x.io/a?client_secret=${R}&x=1`],
  ['https://s3.io/o?X-Amz-Signature=abcdef&a=1', `https://s3.io/o?X-Amz-Signature=${R}&a=1`],
  ['https://x.io/a?page=2&token=abc', `https://x.io/a?page=2&token=${R}`],
  ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA', R], // cut before its END line
  [`a sk-${body} b`, `a ${R} b`],
  [`Bearer ${body}`, `Bearer ${R}`],
  ['postgres://admin:secret@db:5432/app', `postgres://admin:${R}@db:5432/app`],
];

/** Look-alikes that must stay visible: the false-positive guards. */
const KEPT: string[] = [
  // bare AWS secret: bounded, mixed case and a digit
  'commit 3f786850e387550fdab836ed7e6dc881de23001b fixed it', // hex SHA-1
  'COMMIT 3F786850E387550FDAB836ED7E6DC881DE23001B', // upper-case hex
  'id 123e4567-e89b-12d3-a456-426614174000', // UUID
  'blob QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5YWJjZGVm done', // base64 longer than 40
  'pad QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIz== done', // 40 characters and padding
  `a ${AWS}x b`, // 41 characters
  `a ${AWS.slice(1)} b`, // 39 characters
  'abcdefghijklmnopqrstuvwxyzabcdefghijklmn', // 40 letters, no digit nor capital
  'Internationalization2localizationRoutes', // 39
  `seg-${AWS}-seg`, // inside a URL-safe base64 or a dashed identifier
  `x_${AWS}`,
  // query parameters that are not secrets
  'max_tokens=100&temperature=0.2',
  'https://x.io/a?page=2&q=token',
  'https://x.io/a?monkey=1&bypass=2&passage=3&sort_key=4&keyboard=5&pageToken=6',
  'if (token == null) x = 1',
  'const key = process.env.KEY;',
  // Bearer / Basic words in prose
  'Use Bearer authentication.',
  'bearer bonds',
  'the bearer of this letter',
  'Bearer tokens are sent in a header',
  'Authorization: Basic authentication is deprecated',
  'authorization: token required',
  'the Basic plan',
  // URLs and e-mail addresses
  'https://host:443/@alice',
  'https://mastodon.social/@user and me@x.com',
  'http://localhost:3000/docs or mail me@x.com',
  // key ids and words
  'ASIAPACIFICREGIONALOFFICE',
  'XAKIAIOSFODNN7EXAMPLE',
  'task-1234567890abcdefghijklmn',
  'risk-free returns',
  'ghost_writer and the github page',
];

describe('default value patterns', () => {
  it.each(REDACTED_CASES)('redacts %j', (text, expected) => {
    expect(redactor.redactText(text)).toBe(expected);
  });

  it.each(STILL_REDACTED)('still redacts %j', (text, expected) => {
    expect(redactor.redactText(text)).toBe(expected);
  });

  it.each(KEPT)('keeps %j', (text) => {
    expect(redactor.redactText(text)).toBe(text);
  });

  it('redacts the shortest secrets (`key=x` is five characters) and leaves shorter text alone', () => {
    expect(redactor.redactText('key=x')).toBe(`key=${R}`);
    expect(redactor.redactText('sig=x')).toBe(`sig=${R}`);
    expect(redactor.redactText('a=xy')).toBe('a=xy');
  });
});

describe('secrets straddling a cut (REDACT_LOOKAHEAD)', () => {
  const jwtHeader = `eyJ${'a'.repeat(477)}`; // the longest header the JWT pattern accepts
  const samples: [string, string, string][] = [
    ['Authorization: Bearer ', `${body}${body}`, ' tail'],
    ['Authorization: Basic ', 'dXNlcjpwYXNzd29yZA==', ' tail'],
    ['', `sk-proj-${body}`, ' tail'],
    ['', `${jwtHeader}.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${body}`, ' tail'],
    ['redis://:', 'p/'.repeat(128), '@cache:6379'],
    ['https://x.io/a?apiKey=', 'v'.repeat(700), '&x=1'],
    ['aws_secret_access_key = ', AWS, '\n'],
    ['key ', AWS, ' end'],
    ['', `-----BEGIN RSA PRIVATE KEY-----\n${body.repeat(30)}\n-----END RSA PRIVATE KEY-----`, ''],
    ['id', 'AKIAIOSFODNN7EXAMPLE', ' tail'],
    ['', `github_pat_${body}${body}`, ' tail'],
  ];

  it.each(samples)(
    'never lets a piece of a secret after %j through, wherever the cut falls',
    (context, secret, after) => {
      const lead = `${'x'.repeat(40)} ${context}`;
      const text = lead + secret + after;
      const pieces = new Set<string>();
      for (let i = 0; i + 8 <= secret.length; i++) pieces.add(secret.slice(i, i + 8));
      for (let cut = lead.length; cut <= lead.length + secret.length; cut++) {
        const out = redactString(text, redactor, cut);
        expect(out.length).toBeLessThanOrEqual(cut);
        for (let i = 0; i + 8 <= out.length; i++) {
          if (pieces.has(out.slice(i, i + 8))) throw new Error(`cut ${cut} leaked ${out.slice(i, i + 8)}`);
        }
      }
    },
  );

  it('matches every sample within REDACT_LOOKAHEAD characters of the secret start', () => {
    for (const [context, secret, after] of samples) {
      const text = `${context}${secret}${after}`;
      const head = text.slice(0, context.length + REDACT_LOOKAHEAD);
      expect(redactor.redactText(head).startsWith(`${context}${R}`)).toBe(true);
    }
  });
});
