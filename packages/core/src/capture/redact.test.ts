import { describe, expect, it } from 'vitest';
import { GlassboxConfigError } from '../errors.js';
import {
  createRedactor,
  DEFAULT_REDACT_KEYS,
  DEFAULT_REDACT_PATTERNS,
  REDACTED,
  type Redactor,
  redactString,
} from './redact.js';

const redactor = createRedactor()!;

describe('createRedactor', () => {
  it('returns undefined for false (no redaction) and one shared default redactor otherwise', () => {
    expect(createRedactor(false)).toBeUndefined();
    expect(createRedactor()).toBe(redactor);
    expect(createRedactor({})).toBe(redactor);
    expect(createRedactor({ keys: [], patterns: [] })).toBe(redactor);
  });

  it('rejects malformed options with a GlassboxConfigError naming the option', () => {
    const bad = [
      { keys: 'password' },
      { keys: [42] },
      { patterns: ['sk-'] },
      { replace: 'nope' },
    ] as unknown as Parameters<typeof createRedactor>[0][];
    for (const options of bad) expect(() => createRedactor(options)).toThrow(GlassboxConfigError);
    expect(() => createRedactor({ patterns: ['x'] as unknown as RegExp[] })).toThrow(/redact\.patterns\[0\]/);
  });

  it('exposes frozen defaults whose patterns carry no lastIndex state', () => {
    expect(Object.isFrozen(DEFAULT_REDACT_KEYS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_REDACT_PATTERNS)).toBe(true);
    for (const pattern of DEFAULT_REDACT_PATTERNS) expect(pattern.global || pattern.sticky).toBe(false);
  });
});

describe('isSecretKey', () => {
  it.each([
    'api_key',
    'apiKey',
    'API_KEY',
    'api-key',
    'x-api-key',
    'X-Api-Key',
    'openai_api_key',
    'authorization',
    'Authorization',
    'proxy-authorization',
    'password',
    'Password',
    'user_password',
    'passwd',
    'pwd',
    'passphrase',
    'secret',
    'client_secret',
    'clientSecret',
    'webhook.secret',
    'token',
    'Token',
    'access_token',
    'accessToken',
    'refresh_token',
    'id_token',
    'x-auth-token',
    'x-amz-security-token',
    'cookie',
    'Cookie',
    'set-cookie',
    'private_key',
    'privateKey',
    'aws_secret_access_key',
    'secretAccessKey',
    'credentials',
    'jwt',
    'auth',
  ])('redacts the value under %s', (key) => {
    expect(redactor.isSecretKey(key)).toBe(true);
  });

  it.each([
    'max_tokens',
    'maxTokens',
    'max_new_tokens',
    'input_tokens',
    'output_tokens',
    'prompt_tokens',
    'completion_tokens',
    'total_tokens',
    'tokens',
    'token_count',
    'tokenCount',
    'gen_ai.usage.input_tokens',
    'cache_read_input_tokens',
    'eos_token',
    'pad_token',
    'next_token',
    'time_to_first_token',
    'tokenizer',
    'session_id',
    'sessionId',
    'session.id',
    'key',
    'keys',
    'primary_key',
    'author',
    'oauth',
    'passthrough',
    'secretary_name',
    'content',
    'query',
  ])('keeps the value under %s (telemetry, not a secret)', (key) => {
    expect(redactor.isSecretKey(key)).toBe(false);
  });

  it('adds user names with the same normalisation and user RegExps tested on the raw key', () => {
    const custom = createRedactor({ keys: ['SSN', 'phone_number', /^x-internal-/g] })!;
    expect(custom.isSecretKey('ssn')).toBe(true);
    expect(custom.isSecretKey('user_ssn')).toBe(false); // short names match exactly
    expect(custom.isSecretKey('userPhoneNumber')).toBe(true); // 6+ characters also match as a suffix
    // A global RegExp would alternate true/false through lastIndex; the redactor must not.
    expect(custom.isSecretKey('x-internal-id')).toBe(true);
    expect(custom.isSecretKey('x-internal-id')).toBe(true);
    expect(custom.isSecretKey('password')).toBe(true); // defaults stay on
  });
});

describe('redactText', () => {
  const body = 'KMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZ';
  it.each([
    ['OpenAI', `sk-${body}`],
    ['OpenAI project', `sk-proj-${body}`],
    ['Anthropic', `sk-ant-api03-${body}`],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['GitHub', `ghp_${body}`],
    ['GitHub fine-grained', `github_pat_${body}`],
    ['JWT', `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${body}`],
    ['Slack', 'xoxb-123456789012-abcdefABCDEF'],
    ['Google', `AIza${body.slice(0, 35)}`],
    ['Stripe', `sk_live_${body}`],
    ['PEM', `-----BEGIN RSA PRIVATE KEY-----\n${body}\n${body}\n-----END RSA PRIVATE KEY-----`],
  ])('replaces a %s secret in place', (_, secret) => {
    expect(redactor.redactText(`before ${secret} after`)).toBe(`before ${REDACTED} after`);
  });

  it('keeps the context of a bearer token, a URL password and a query parameter', () => {
    expect(redactor.redactText(`curl -H "Authorization: Bearer ${body}" x`)).toBe(
      `curl -H "Authorization: Bearer ${REDACTED}" x`,
    );
    expect(redactor.redactText(`postgres://admin:${body}@db.local:5432/app`)).toBe(
      `postgres://admin:${REDACTED}@db.local:5432/app`,
    );
    expect(redactor.redactText(`https://x.io/a?page=2&token=${body}&q=1`)).toBe(
      `https://x.io/a?page=2&token=${REDACTED}&q=1`,
    );
  });

  it('redacts every occurrence and leaves look-alikes alone', () => {
    expect(redactor.redactText(`a sk-${body} b sk-${body} c`)).toBe(`a ${REDACTED} b ${REDACTED} c`);
    const clean = [
      'task-1234567890abcdefghijklmn', // "sk-" inside a word
      'risk-free returns are rare',
      'bearer bonds',
      'https://example.com/a?page=2',
      'AKIA is not a key',
      'eyJ alone',
    ];
    for (const text of clean) expect(redactor.redactText(text)).toBe(text);
  });

  it('treats user patterns whole, whatever their flags, groups or back-references', () => {
    const custom = createRedactor({
      patterns: [/acct-\d{6}/, /employee #\d+/i, /(["'])classified\1/, /(?<n>x\d)-/u, /(?<n>y\d)-/u],
    })!;
    expect(custom.redactText('acct-123456 EMPLOYEE #42 "classified" x1- y2-')).toBe(
      `${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED}`,
    );
    expect(custom.redactText(`sk-${body}`)).toBe(REDACTED); // defaults stay on
  });

  it('ignores empty matches instead of looping or inserting REDACTED everywhere', () => {
    const custom = createRedactor({ patterns: [/z*/] })!;
    expect(custom.redactText('abc zz d')).toBe(`abc ${REDACTED} d`);
  });
});

describe('redactString', () => {
  it('passes text through without a redactor and never throws', () => {
    expect(redactString('sk-KMQVWXYZKMQVWXYZKMQVWXYZ', undefined)).toBe('sk-KMQVWXYZKMQVWXYZKMQVWXYZ');
    expect(redactString('x sk-KMQVWXYZKMQVWXYZKMQVWXYZ', redactor)).toBe(`x ${REDACTED}`);
    const broken: Redactor = {
      isSecretKey: () => false,
      redactText: () => {
        throw new Error('broken');
      },
      replace: undefined,
    };
    // A failing redactor must not leak the text it could not check.
    expect(redactString('anything', broken)).toBe(REDACTED);
  });

  it('cuts to maxLength after redacting, so no part of a secret straddling the cut survives', () => {
    const text = `error: ${'x'.repeat(30)} sk-KMQVWXYZKMQVWXYZKMQVWXYZKMQV tail`;
    for (let max = 0; max < text.length + 5; max++) {
      const cut = redactString(text, redactor, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/KMQV|sk-/);
      expect(text.startsWith(cut) || cut.includes(REDACTED)).toBe(true);
    }
    expect(redactString('a😀b', undefined, 2)).toBe('a');
    expect(redactString('short', redactor, 100)).toBe('short');
  });
});
