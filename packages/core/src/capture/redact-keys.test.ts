import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.js';

const redactor = createRedactor()!;

describe('isSecretKey: short names match exactly', () => {
  it.each(['pass', 'Pass', 'PASS', 'bearer', 'Bearer', 'BEARER'])(
    'redacts the value under %s (new)',
    (key) => {
      expect(redactor.isSecretKey(key)).toBe(true);
    },
  );

  it.each([
    'pwd',
    'token',
    'secret',
    'auth',
    'jwt',
    'JWT',
    'api_key',
    'apiKey',
    'API-KEY',
    'api.key',
    'Api Key',
  ])('still redacts the value under %s', (key) => {
    expect(redactor.isSecretKey(key)).toBe(true);
  });

  it.each([
    'max_tokens',
    'input_tokens',
    'token_count',
    'tokens',
    'passage',
    'bypass',
    'passenger',
    'compass',
    'password_hint_shown', // ends with neither a secret name nor one as its last segment
    'author',
    'oauth_provider',
    'jwt_issuer',
    'bearer_type',
    'key',
    'session_id',
  ])('keeps the value under %s', (key) => {
    expect(redactor.isSecretKey(key)).toBe(false);
  });
});

describe('isSecretKey: dotted attribute names', () => {
  it.each([
    'glassbox.trace.metadata.token',
    'glassbox.trace.metadata.pass',
    'user.pass',
    'user.pwd',
    'app.jwt',
    'app.auth',
    'oauth.bearer',
    'Request.Token',
  ])('redacts the value under %s (exact rule on the last segment)', (key) => {
    expect(redactor.isSecretKey(key)).toBe(true);
  });

  it.each([
    'http.request.header.authorization',
    'http.response.header.set-cookie',
    'http.request.header.x-api-key',
    'http.request.header.cookie',
    'db.password',
    'db.connection_string',
    'config.secret',
    'service.api_key',
  ])('still redacts the value under %s (suffix rule on the whole name)', (key) => {
    expect(redactor.isSecretKey(key)).toBe(true);
  });

  it.each([
    'gen_ai.usage.input_tokens',
    'gen_ai.usage.output_tokens',
    'gen_ai.request.max_tokens',
    'llm.token_count.total',
    'llm.token_count.prompt',
    'session.id',
    'user.id',
    'http.request.header.content-type',
    'http.request.method',
    'token.count', // the last segment decides, not the first
    'pass.through',
    'auth.method',
    'gen_ai.request.model',
    'glassbox.trace.metadata.',
    '.',
  ])('keeps the value under %s', (key) => {
    expect(redactor.isSecretKey(key)).toBe(false);
  });

  it('applies the segment rule to user names too, and user RegExps to the raw key', () => {
    const custom = createRedactor({ keys: ['ssn', /^x-internal-/] })!;
    expect(custom.isSecretKey('patient.ssn')).toBe(true);
    expect(custom.isSecretKey('patient.ssn_last4')).toBe(false);
    expect(custom.isSecretKey('x-internal-trace')).toBe(true);
    expect(custom.isSecretKey('glassbox.trace.metadata.token')).toBe(true); // defaults stay on
  });

  it('never throws on odd keys', () => {
    for (const key of ['', '..', 'a.'.repeat(500), `${'x'.repeat(300)}.token`, '\u0000.pass']) {
      expect(() => redactor.isSecretKey(key)).not.toThrow();
    }
    expect(redactor.isSecretKey(42 as unknown as string)).toBe(false);
  });
});
