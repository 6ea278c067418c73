import { describe, expect, it } from 'vitest';
import { checkOptions, describe as describeValue, rules, suggest } from './option-check.js';

const shape = {
  name: rules.string({ nonEmpty: true }),
  count: rules.integer(0, 10),
  tags: rules.arrayOf(rules.string()),
  nested: rules.object({ deep: rules.arrayOf(rules.object({ flag: rules.boolean() })) }),
  mode: rules.oneOf(['a', 'b']),
  either: rules.anyOf(rules.oneOf([false]), rules.object({ x: rules.number() })),
};

describe('checkOptions', () => {
  it('returns no issue for valid options, an absent key or an undefined value', () => {
    expect(checkOptions({}, shape)).toEqual([]);
    expect(
      checkOptions({ name: 'x', count: 10, tags: [], mode: 'b', either: false, nested: undefined }, shape),
    ).toEqual([]);
    expect(checkOptions({ either: { x: 1.5 }, nested: { deep: [{ flag: true }] } }, shape)).toEqual([]);
  });

  it('names nested paths, prefixed by `where`', () => {
    expect(checkOptions({ nested: { deep: [{ flag: true }, { flag: 'no' }] } }, shape, 'thing')).toEqual([
      { option: 'thing.nested.deep.1.flag', message: 'expected a boolean, got the string "no"' },
    ]);
    expect(checkOptions({ tags: ['a', 3] }, shape)).toEqual([
      { option: 'tags.1', message: 'expected a string, got 3' },
    ]);
  });

  it('says what was expected and what was given', () => {
    const message = (value: unknown, key = 'count') => checkOptions({ [key]: value }, shape)[0]?.message;
    expect(message(11)).toBe('expected an integer in [0, 10], got 11');
    expect(message(Number.NaN)).toBe('expected an integer in [0, 10], got NaN');
    expect(message(null)).toBe('expected an integer in [0, 10], got null');
    expect(message('', 'name')).toBe('expected a non-empty string, got the string ""');
    expect(message('c', 'mode')).toBe("expected 'a' or 'b', got the string \"c\"");
    expect(message({}, 'tags')).toBe('expected an array, each item a string, got an object');
    expect(message(true, 'either')).toBe('expected false or an object { x }, got true');
    expect(checkOptions('nope', shape)).toEqual([
      {
        option: 'options',
        message: expect.stringMatching(/^expected an object \{ name, .* \}, got the string "nope"$/),
      },
    ]);
    expect(checkOptions([], shape, 'trace')[0]!.option).toBe('trace');
  });

  it('reports the alternative of a union that got furthest', () => {
    expect(checkOptions({ either: { x: 'one' } }, shape)).toEqual([
      { option: 'either.x', message: 'expected a number, got the string "one"' },
    ]);
    expect(checkOptions({ either: { y: 1 } }, shape)[0]!.option).toBe('either.y');
  });

  it('refuses unknown keys, lists the known ones and suggests a near miss', () => {
    expect(checkOptions({ nmae: 'x', Mode: 'a', zzzzzz: 1 }, shape, 'trace')).toEqual([
      {
        option: 'trace.nmae',
        message: 'unknown option (known: name, count, tags, nested, mode, either); did you mean `name`?',
      },
      {
        option: 'trace.Mode',
        message: 'unknown option (known: name, count, tags, nested, mode, either); did you mean `mode`?',
      },
      { option: 'trace.zzzzzz', message: 'unknown option (known: name, count, tags, nested, mode, either)' },
    ]);
    // Inherited names are unknown too.
    expect(checkOptions(JSON.parse('{"toString": 1, "__proto__": 2}'), shape).map((i) => i.option)).toEqual([
      'toString',
      '__proto__',
    ]);
  });

  it('checks required keys and objects with methods', () => {
    const s = { path: rules.string(), sink: rules.withMethods('a sink', ['write', 'end']) };
    expect(checkOptions({}, s)).toEqual([]);
    const strict = { inner: rules.object(s, { required: ['path'] }) };
    expect(checkOptions({ inner: {} }, strict)).toEqual([
      { option: 'inner.path', message: 'required, expected a string' },
    ]);
    expect(checkOptions({ sink: { write() {} } }, s)).toEqual([
      {
        option: 'sink',
        message: 'expected a sink (an object with write() and end()), got an object without end()',
      },
    ]);
    expect(checkOptions({ sink: 3 }, s)[0]!.message).toBe(
      'expected a sink (an object with write() and end()), got 3',
    );
  });

  it('supports records, instances and custom tests', () => {
    const s = {
      attrs: rules.recordOf(rules.anyOf(rules.string(), rules.number())),
      re: rules.instanceOf(RegExp),
      even: rules.custom('an even number', (v) => typeof v === 'number' && v % 2 === 0),
    };
    expect(checkOptions({ attrs: { a: 'x', b: 1 }, re: /x/, even: 2 }, s)).toEqual([]);
    expect(checkOptions({ attrs: { a: true }, re: 'x', even: 3 }, s)).toEqual([
      { option: 'attrs.a', message: 'expected a string or a number, got true' },
      { option: 're', message: 'expected a RegExp, got the string "x"' },
      { option: 'even', message: 'expected an even number, got 3' },
    ]);
    expect(checkOptions({ attrs: { n: Number.POSITIVE_INFINITY } }, s)[0]!.option).toBe('attrs.n');
  });
});

describe('suggest', () => {
  const known = ['maxQueueSize', 'maxExportBatchSize', 'scheduledDelayMs', 'exportTimeoutMs'];
  it('finds a case-insensitive match or a key within two edits, else nothing', () => {
    expect(suggest('maxqueuesize', known)).toBe('maxQueueSize');
    expect(suggest('maxQeueSize', known)).toBe('maxQueueSize'); // one missing letter
    expect(suggest('maxQueeuSize', known)).toBe('maxQueueSize'); // a swap counts as one edit
    expect(suggest('scheduleDelay', known)).toBe(undefined); // three edits
    expect(suggest('exportTimeout', known)).toBe('exportTimeoutMs'); // two missing letters
    expect(suggest('exportTimeotMs', known)).toBe('exportTimeoutMs');
    expect(suggest('ab', ['abcd', 'a'])).toBe('a'); // the closest wins
    expect(suggest('x', ['a'])).toBe(undefined); // one edit, but the whole key
  });
});

describe('describe', () => {
  it('names what was given', () => {
    expect(describeValue('x'.repeat(50))).toBe(`the string "${'x'.repeat(40)}…"`);
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue(Symbol('s'))).toBe('a symbol');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue([1, 2])).toBe('an array (length 2)');
    expect(describeValue(/a/g)).toBe('the RegExp /a/g');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(Object.create(null))).toBe('an object');
  });
});
