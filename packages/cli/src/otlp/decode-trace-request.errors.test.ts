import { gzipSync } from 'node:zlib';
import { GlassboxConfigError } from '@glassbox/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRealSpans } from './__fixtures__/real-spans.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { OtlpRequestError } from './otlp-request-error.js';

// A hand-rolled protobuf writer, to build the bytes no well-behaved serializer writes.
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const tag = (field: number, wire: number) => varint(field * 8 + wire);
const len = (field: number, bytes: number[]) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const str = (field: number, s: string) => len(field, [...Buffer.from(s, 'utf8')]);
const bytes = (field: number, hex: string) => len(field, [...Buffer.from(hex, 'hex')]);
const fixed64 = (field: number, n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return [...tag(field, 1), ...b];
};
const stringAttr = (field: number, key: string, value: string) =>
  len(field, [...str(1, key), ...len(2, str(1, value))]);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const goodSpan = (name: string, spanId = SPAN) => [...bytes(1, TRACE), ...bytes(2, spanId), ...str(5, name)];
const request = (...spans: number[][]) =>
  Buffer.from(
    len(
      1,
      len(
        2,
        spans.flatMap((s) => len(2, s)),
      ),
    ),
  );

const proto = (body: Uint8Array) => decodeTraceRequest({ body, contentType: 'application/x-protobuf' });
const json = (body: unknown) =>
  decodeTraceRequest({
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    contentType: 'application/json',
  });

/** The OtlpRequestError a call throws; fails the test when it throws anything else or nothing. */
function refusal(call: () => unknown): OtlpRequestError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpRequestError);
    return error as OtlpRequestError;
  }
  throw new Error('expected an OtlpRequestError, nothing was thrown');
}

let realBody: Buffer;
beforeAll(async () => {
  realBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(await makeRealSpans())!);
});

describe('decodeTraceRequest: protobuf the decoder must tolerate', () => {
  it('reads fields in any order, merges repeated messages, and skips unknown fields of every wire type', () => {
    const unknown = [
      ...tag(99, 0),
      1,
      ...tag(98, 1),
      ...Array(8).fill(7),
      ...str(97, 'x'),
      ...tag(96, 5),
      1,
      2,
      3,
      4,
    ];
    const span = [
      ...unknown,
      ...stringAttr(9, 'a', '1'),
      ...str(5, 'late name'),
      ...fixed64(8, 1_700_000_000_500_000_000n),
      ...fixed64(7, 1_700_000_000_000_000_000n),
      ...bytes(2, SPAN),
      ...bytes(1, TRACE),
      ...stringAttr(9, 'b', '2'),
      ...len(15, [...tag(3, 0), 2, ...str(2, 'failed')]),
    ];
    const scopeSpans = [...len(2, span), ...len(1, [...str(1, 'scope-after-spans'), ...unknown])];
    const resourceSpans = [
      ...len(2, scopeSpans),
      ...str(3, 'https://opentelemetry.io/schemas/1.26.0'),
      ...len(1, [...stringAttr(1, 'service.name', 'svc'), ...unknown]),
      ...len(1, stringAttr(1, 'host.name', 'h')),
    ];
    const { spans } = proto(Buffer.from([...len(1, resourceSpans), ...unknown]));
    expect(spans).toEqual([
      {
        traceId: TRACE,
        spanId: SPAN,
        name: 'late name',
        kind: 0,
        startTimeUnixNano: '1700000000000000000',
        endTimeUnixNano: '1700000000500000000',
        startMs: 1_700_000_000_000,
        durationMs: 500,
        statusCode: 2,
        statusMessage: 'failed',
        serviceName: 'svc',
        attributes: { a: '1', b: '2' },
        events: [],
        links: [],
        resource: { 'service.name': 'svc', 'host.name': 'h' },
        scope: { name: 'scope-after-spans' },
      },
    ]);
  });

  it('rejects and counts spans with missing or invalid ids, keeping the others (partial success)', () => {
    const result = proto(
      request(
        [...bytes(1, 'abcdef'), ...bytes(2, SPAN), ...str(5, 'short trace id')],
        [...bytes(1, TRACE), ...str(5, 'no span id')],
        [...bytes(1, '0'.repeat(32)), ...bytes(2, SPAN)],
        [...goodSpan('bad parent'), ...bytes(4, 'abcd')],
        goodSpan('kept'),
        [...goodSpan('zero parent is a root', '1111111111111111'), ...bytes(4, '0'.repeat(16))],
      ),
    );
    expect(result.spans.map((s) => s.name)).toEqual(['kept', 'zero parent is a root']);
    expect(result.spans[1]!.parentSpanId).toBeUndefined();
    expect(result.rejectedSpans).toBe(4);
    expect(result.errorMessage).toBe(
      '4 spans rejected; first: resourceSpans[0].scopeSpans[0].spans[0] ("short trace id"): traceId has 3 bytes, expected 16',
    );
  });

  it('keeps a __proto__ attribute key as data in both formats', () => {
    const [p] = proto(request([...goodSpan('p'), ...stringAttr(9, '__proto__', 'x')])).spans;
    const [j] = json({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE,
                  spanId: SPAN,
                  attributes: [
                    {
                      key: '__proto__',
                      value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    }).spans;
    for (const span of [p!, j!]) {
      expect(Object.getPrototypeOf(span.attributes)).toBe(Object.prototype);
      expect(Object.keys(span.attributes)).toEqual(['__proto__']);
    }
    expect(JSON.stringify(j!.attributes)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as any).polluted).toBeUndefined();
  });

  it('drops a link with unusable ids but keeps its span', () => {
    const link = len(13, [...bytes(1, TRACE), ...bytes(2, '00')]);
    const { spans } = proto(request([...goodSpan('with bad link'), ...link]));
    expect(spans).toHaveLength(1);
    expect(spans[0]!.links).toEqual([]);
  });
});

describe('decodeTraceRequest: malformed protobuf answers 400 with what is wrong and where', () => {
  it('names the truncation for every cut of a real body', () => {
    const messages = new Set<string>();
    for (let cut = 1; cut < realBody.length; cut++) {
      const error = refusal(() => proto(realBody.subarray(0, cut)));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(
        /^protobuf: truncated (varint|fixed64 field|length-delimited field) at byte \d+$/,
      );
      messages.add(error.message);
    }
    expect(messages).toContain('protobuf: truncated length-delimited field at byte 0');
  });

  it('refuses a known field sent with the wrong wire type', () => {
    // Six bytes of request, scope-spans and span headers, 18 of trace id and 10 of span id come first.
    const error = refusal(() => proto(request([...bytes(1, TRACE), ...bytes(2, SPAN), ...tag(5, 0), 1])));
    expect(error.message).toBe(
      'protobuf: wrong wire type varint for Span.name (field 5, expected length-delimited) at byte 34',
    );
    expect(refusal(() => proto(request([...goodSpan('x'), ...tag(7, 0), 5]))).message).toMatch(
      /^protobuf: wrong wire type varint for Span.start_time_unix_nano \(field 7, expected fixed64\) at byte \d+$/,
    );
  });

  it('refuses invalid and group wire types, field number 0, over-long varints, lengths past the parent', () => {
    expect(refusal(() => proto(Buffer.from([0x0f]))).message).toBe('protobuf: invalid wire type 7 at byte 0');
    expect(refusal(() => proto(Buffer.from([0x0b]))).message).toBe(
      'protobuf: group wire types are not used by OTLP at byte 0',
    );
    expect(refusal(() => proto(Buffer.from([0x02, 0x00]))).message).toBe(
      'protobuf: invalid field tag at byte 0',
    );
    expect(refusal(() => proto(Buffer.from([...tag(99, 0), ...Array(11).fill(0xff)]))).message).toBe(
      'protobuf: varint longer than 10 bytes at byte 2',
    );
    // The span claims 50 bytes inside a scope-spans message of 3.
    const overrun = Buffer.from(len(1, len(2, [...tag(2, 2), 50, 0, 0])));
    expect(refusal(() => proto(overrun)).message).toBe(
      'protobuf: truncated length-delimited field at byte 4',
    );
  });

  it('refuses garbage bytes and text', () => {
    for (const body of [
      Buffer.from('this is not protobuf'),
      Buffer.from('{"resourceSpans":[]}'),
      Buffer.from([0xff]),
    ]) {
      expect(refusal(() => proto(body)).status).toBe(400);
    }
  });

  it('refuses attribute values nested past the depth bound instead of overflowing the stack', () => {
    let value = str(1, 'bottom');
    for (let i = 0; i < 1000; i++) value = len(5, len(1, value));
    const span = [...goodSpan('deep'), ...len(9, [...str(1, 'k'), ...len(2, value)])];
    expect(refusal(() => proto(request(span))).message).toMatch(
      /^protobuf: attribute value nested deeper than 64 levels at byte \d+$/,
    );
  });
});

describe('decodeTraceRequest: OTLP/JSON', () => {
  const at = 'resourceSpans[0].scopeSpans[0].spans';
  const body = (...spans: unknown[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
  const span = (extra: Record<string, unknown> = {}) => ({
    traceId: TRACE,
    spanId: SPAN,
    name: 's',
    ...extra,
  });

  it('accepts snake_case keys, enum names, upper-case hex, base64 ids and numbers for int64', () => {
    const { spans } = json({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake' } }] },
          scope_spans: [
            {
              scope: { name: 'sc', version: '1' },
              spans: [
                {
                  trace_id: TRACE.toUpperCase(),
                  span_id: Buffer.from(SPAN, 'hex').toString('base64'),
                  parent_span_id: '',
                  name: 'n',
                  kind: 'SPAN_KIND_CLIENT',
                  start_time_unix_nano: 1_000_000,
                  endTimeUnixNano: '3000000',
                  attributes: [
                    { key: 'i', value: { int_value: '9007199254740993' } },
                    { key: 'n', value: { intValue: 7 } },
                    { key: 'd', value: { doubleValue: 'Infinity' } },
                    {
                      key: 'kv',
                      value: { kvlist_value: { values: [{ key: 'x', value: { bool_value: true } }] } },
                    },
                  ],
                  status: { code: 'STATUS_CODE_ERROR' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(spans).toEqual([
      {
        traceId: TRACE,
        spanId: SPAN,
        name: 'n',
        kind: 2,
        startTimeUnixNano: '1000000',
        endTimeUnixNano: '3000000',
        startMs: 1,
        durationMs: 2,
        statusCode: 2,
        serviceName: 'snake',
        attributes: { i: '9007199254740993', n: 7, d: 'Infinity', kv: { x: true } },
        events: [],
        links: [],
        resource: { 'service.name': 'snake' },
        scope: { name: 'sc', version: '1' },
      },
    ]);
  });

  it('rejects spans with bad ids by path, keeping the others', () => {
    const result = json(
      body(
        span(),
        span({ spanId: '1111111111111111' }),
        span({ traceId: 'xyz' }),
        span({ spanId: undefined }),
      ),
    );
    expect(result.spans).toHaveLength(2);
    expect(result.rejectedSpans).toBe(2);
    expect(result.errorMessage).toBe(`2 spans rejected; first: ${at}[2].traceId is not 32 hex characters`);
  });

  it('answers 400 naming the syntax error or the path of a wrong shape', () => {
    expect(refusal(() => json('{"resourceSpans": [')).message).toMatch(/^JSON: /);
    expect(refusal(() => json('')).status).toBe(400);
    for (const v of ['[]', '"x"', 'null', '3']) {
      expect(refusal(() => json(v)).message).toBe('JSON: the request is not an object');
    }
    const cases: [unknown, string][] = [
      [{ resourceSpans: {} }, 'JSON: resourceSpans is not an array'],
      [
        { resourceSpans: [{ scopeSpans: [{ spans: 'no' }] }] },
        'JSON: resourceSpans[0].scopeSpans[0].spans is not an array',
      ],
      [body(span({ name: 5 })), `JSON: ${at}[0].name is not a string`],
      [body(span(), 'x'), `JSON: ${at}[1] is not an object`],
      [
        body(span({ startTimeUnixNano: -1 })),
        `JSON: ${at}[0].startTimeUnixNano is not a uint64 (a decimal string or integer)`,
      ],
      [
        body(span({ endTimeUnixNano: '1e9' })),
        `JSON: ${at}[0].endTimeUnixNano is not a uint64 (a decimal string or integer)`,
      ],
      [
        body(span({ kind: 'SPAN_KIND_BOGUS' })),
        `JSON: ${at}[0].kind is not one of SPAN_KIND_UNSPECIFIED, SPAN_KIND_INTERNAL, SPAN_KIND_SERVER, SPAN_KIND_CLIENT, SPAN_KIND_PRODUCER, SPAN_KIND_CONSUMER or an integer`,
      ],
      [body(span({ attributes: {} })), `JSON: ${at}[0].attributes is not an array`],
      [
        body(span({ attributes: [{ key: 'k', value: { intValue: 'abc' } }] })),
        `JSON: ${at}[0].attributes[0].value.intValue is not an int64 (a decimal string or integer)`,
      ],
      [
        body(span({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] })),
        `JSON: ${at}[0].attributes[0].value.intValue is not an int64 (a decimal string or integer)`,
      ],
      [
        body(span({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] })),
        `JSON: ${at}[0].attributes[0].value.boolValue is not a boolean`,
      ],
      [
        body(span({ attributes: [{ key: 7, value: {} }] })),
        `JSON: ${at}[0].attributes[0].key is not a string`,
      ],
      [
        body(span({ events: [{ name: 'e', attributes: [{ key: 'k', value: { doubleValue: 'many' } }] }] })),
        `JSON: ${at}[0].events[0].attributes[0].value.doubleValue is not a number`,
      ],
      [
        body(span({ status: { code: true } })),
        `JSON: ${at}[0].status.code is not one of STATUS_CODE_UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR or an integer`,
      ],
    ];
    for (const [input, message] of cases) expect(refusal(() => json(input)).message).toBe(message);
  });

  it('refuses JSON values nested past the depth bound', () => {
    const deep = `${'{"arrayValue":{"values":['.repeat(5000)}{"stringValue":"x"}${']}}'.repeat(5000)}`;
    const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE}","spanId":"${SPAN}","attributes":[{"key":"k","value":${deep}}]}]}]}]}`;
    expect(refusal(() => json(text)).message).toMatch(/is nested deeper than 64 levels$/);
  });
});

describe('decodeTraceRequest: content type, encoding and size', () => {
  it('answers 415 for an unsupported Content-Type or Content-Encoding', () => {
    for (const contentType of [undefined, 'text/plain', 'application/grpc', '']) {
      const error = refusal(() =>
        decodeTraceRequest({ body: realBody, ...(contentType === undefined ? {} : { contentType }) }),
      );
      expect(error.status).toBe(415);
      expect(error.message).toContain('expected application/x-protobuf or application/json');
    }
    const error = refusal(() =>
      decodeTraceRequest({ body: realBody, contentType: 'application/x-protobuf', contentEncoding: 'br' }),
    );
    expect(error.status).toBe(415);
    expect(error.message).toBe('unsupported Content-Encoding "br": expected gzip or deflate');
  });

  it('answers 413 for a body over maxBytes, and for a gzip bomb once it inflates past the bound', () => {
    const big = refusal(() =>
      decodeTraceRequest({ body: realBody, contentType: 'application/x-protobuf', maxBytes: 100 }),
    );
    expect(big.status).toBe(413);
    expect(big.message).toBe(`body of ${realBody.length} bytes is over the 100-byte limit`);
    // 20 MiB of zeros gzip to about 20 KiB: small on the wire, over the default 16 MiB once inflated.
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const error = refusal(() =>
      decodeTraceRequest({ body: bomb, contentType: 'application/x-protobuf', contentEncoding: 'gzip' }),
    );
    expect(error.status).toBe(413);
    expect(error.message).toBe('body is over the 16777216-byte limit once decompressed (gzip)');
    const small = gzipSync(realBody);
    expect(
      refusal(() =>
        decodeTraceRequest({
          body: small,
          contentType: 'application/x-protobuf',
          contentEncoding: 'gzip',
          maxBytes: small.length + 1,
        }),
      ).status,
    ).toBe(413);
  });

  it('answers 400 for a body that is not what its Content-Encoding says', () => {
    const error = refusal(() =>
      decodeTraceRequest({ body: realBody, contentType: 'application/x-protobuf', contentEncoding: 'gzip' }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toBe('gzip: incorrect header check');
    expect(
      refusal(() =>
        decodeTraceRequest({
          body: gzipSync(realBody).subarray(0, 30),
          contentType: 'application/json',
          contentEncoding: 'gzip',
        }),
      ).message,
    ).toBe('gzip: unexpected end of file');
  });

  it('refuses bad options with a GlassboxConfigError naming the option', () => {
    expect(() => decodeTraceRequest({ body: 'text' as any, contentType: 'application/json' })).toThrow(
      GlassboxConfigError,
    );
    expect(() => decodeTraceRequest({ body: realBody, maxBytes: 0 })).toThrow(/decodeTraceRequest\.maxBytes/);
    expect(() => decodeTraceRequest({ body: realBody, contentTypo: 'x' } as any)).toThrow(
      /did you mean `contentType`/,
    );
  });
});

describe('decodeTraceRequest never throws anything but OtlpRequestError on hostile bodies', () => {
  const formats = ['application/x-protobuf', 'application/json'];
  const decodeAny = (body: Uint8Array, contentType: string, contentEncoding?: string) => {
    try {
      const result = decodeTraceRequest({
        body,
        contentType,
        ...(contentEncoding ? { contentEncoding } : {}),
      });
      // Whatever decodes must be JSON-safe records.
      JSON.stringify(result);
    } catch (error) {
      if (!(error instanceof OtlpRequestError)) throw error;
      expect([400, 413]).toContain(error.status);
    }
  };

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...formats), (body, type) =>
        decodeAny(body, type),
      ),
      { numRuns: 500 },
    );
  });

  it('real bodies with bytes flipped, inserted or dropped', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'drop')),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (edits) => {
          const body = [...realBody];
          for (const [at, value, op] of edits) {
            const i = at % body.length;
            if (op === 'set') body[i] = value;
            else if (op === 'insert') body.splice(i, 0, value);
            else body.splice(i, 1);
          }
          decodeAny(Uint8Array.from(body), 'application/x-protobuf');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('random JSON values and random gzip bodies', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) =>
        decodeAny(Buffer.from(JSON.stringify(value) ?? ''), 'application/json'),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.constantFrom('gzip', 'deflate'), (body, encoding) =>
        decodeAny(body, 'application/x-protobuf', encoding),
      ),
      { numRuns: 300 },
    );
  });
});
