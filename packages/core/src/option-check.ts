/**
 * A small validator for public option objects (init options today; exporter and adapter options can reuse
 * it). A shape maps each known key to a rule; `checkOptions` returns every problem as a `ConfigIssue`
 * naming the full option path (`redact.keys.0`), so callers throw one `GlassboxConfigError` listing all.
 * Unknown keys are refused with the list of known keys and a "did you mean" for a near miss.
 */
import { type ConfigIssue, GlassboxConfigError } from './errors.js';

/** A check of one option value; `expected` says in words what passes ("an integer >= 0"). */
export interface Rule {
  readonly expected: string;
  /** Appends the problems of `value`, found at `path`, to `issues`. */
  check(value: unknown, path: string, issues: ConfigIssue[]): void;
}

/** The known keys of an options object and the rule of each; a key whose value is `undefined` is absent. */
export type Shape = { readonly [key: string]: Rule };

/**
 * Checks an options object against a shape. `where` prefixes every path (`trace` gives `trace.name`);
 * with `''` paths start at the keys and a bad top-level value is reported as `options`.
 */
export function checkOptions(value: unknown, shape: Shape, where = ''): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let rule = compiled.get(shape);
  if (rule === undefined) compiled.set(shape, (rule = object(shape)));
  rule.check(value, where, issues);
  return issues;
}

const compiled = new WeakMap<Shape, Rule>();

/** Options for `object`: keys that must be present. */
export interface ObjectOptions {
  required?: readonly string[];
}

function object(shape: Shape, options: ObjectOptions = {}): Rule {
  const known = Object.keys(shape);
  const knownList = known.join(', ');
  const required = options.required ?? [];
  const expected = `an object { ${knownList} }`;
  return {
    expected,
    check(value, path, issues) {
      if (!isObject(value)) return fail(issues, path, expected, value);
      for (const key of Object.keys(value)) {
        const rule = Object.hasOwn(shape, key) ? shape[key] : undefined;
        const at = join(path, key);
        if (rule === undefined) {
          const near = suggest(key, known);
          const hint = near === undefined ? '' : `; did you mean \`${near}\`?`;
          issues.push({ option: at, message: `unknown option (known: ${knownList})${hint}` });
        } else {
          const v = (value as Record<string, unknown>)[key];
          if (v !== undefined) rule.check(v, at, issues);
        }
      }
      for (const key of required) {
        if ((value as Record<string, unknown>)[key] === undefined) {
          issues.push({
            option: join(path, key),
            message: `required, expected ${shape[key]?.expected ?? 'a value'}`,
          });
        }
      }
    },
  };
}

/** Rule builders. Messages read `expected <rule.expected>, got <what was given>`. */
export const rules = {
  object,
  string(options: { nonEmpty?: boolean } = {}): Rule {
    const nonEmpty = options.nonEmpty === true;
    return simple(nonEmpty ? 'a non-empty string' : 'a string', (v) =>
      typeof v === 'string' ? !nonEmpty || v.length > 0 : false,
    );
  },
  boolean(): Rule {
    return simple('a boolean', (v) => typeof v === 'boolean');
  },
  /** A finite number, optionally within [min, max]. */
  number(min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): Rule {
    return simple(
      range('a number', min, max),
      (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max,
    );
  },
  /** A safe integer, optionally within [min, max]. */
  integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Rule {
    return simple(
      range('an integer', min, max),
      (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max,
    );
  },
  /** One of a few literal values (compared with `===`). */
  oneOf(values: readonly (string | number | boolean)[]): Rule {
    return simple(listOf(values.map(show)), (v) => values.includes(v as string));
  },
  func(): Rule {
    return simple('a function', (v) => typeof v === 'function');
  },
  instanceOf(type: abstract new (...args: any[]) => unknown, name: string = type.name): Rule {
    return simple(`a ${name}`, (v) => v instanceof type);
  },
  /** An object with the given methods, named as what it stands for (`a SpanExporter`). */
  withMethods(name: string, methods: readonly string[]): Rule {
    const expected = `${name} (an object with ${listOf(
      methods.map((m) => `${m}()`),
      'and',
    )})`;
    return {
      expected,
      check(value, path, issues) {
        if (!isObject(value) && typeof value !== 'function') return fail(issues, path, expected, value);
        const missing = methods.filter((m) => typeof (value as any)[m] !== 'function');
        if (missing.length > 0) {
          const what = listOf(
            missing.map((m) => `${m}()`),
            'or',
          );
          issues.push({
            option: path || 'options',
            message: `expected ${expected}, got ${describe(value)} without ${what}`,
          });
        }
      },
    };
  },
  arrayOf(item: Rule): Rule {
    const expected = `an array, each item ${item.expected}`;
    return {
      expected,
      check(value, path, issues) {
        if (!Array.isArray(value)) return fail(issues, path, expected, value);
        for (let i = 0; i < value.length; i++) item.check(value[i], join(path, String(i)), issues);
      },
    };
  },
  /** An object whose every value passes `item` (keys free). */
  recordOf(item: Rule): Rule {
    const expected = `an object whose values are each ${item.expected}`;
    return {
      expected,
      check(value, path, issues) {
        if (!isObject(value)) return fail(issues, path, expected, value);
        for (const key of Object.keys(value))
          item.check((value as Record<string, unknown>)[key], join(path, key), issues);
      },
    };
  },
  /**
   * Passes when one alternative passes. Otherwise reports the alternative that got furthest (issues below
   * `path`: the value had the right type but a part was wrong), else one "expected A or B" issue.
   */
  anyOf(...alternatives: Rule[]): Rule {
    const expected = listOf(alternatives.map((a) => a.expected));
    return {
      expected,
      check(value, path, issues) {
        let deepest: ConfigIssue[] | undefined;
        for (const alternative of alternatives) {
          const found: ConfigIssue[] = [];
          alternative.check(value, path, found);
          if (found.length === 0) return;
          if (deepest === undefined && found.some((i) => i.option !== path)) deepest = found;
        }
        if (deepest) issues.push(...deepest);
        else fail(issues, path, expected, value);
      },
    };
  },
  /** A rule from a test, for what the builders above do not cover. */
  custom(expected: string, test: (value: unknown) => boolean): Rule {
    return simple(expected, test);
  },
};

function simple(expected: string, test: (value: unknown) => boolean): Rule {
  return {
    expected,
    check(value, path, issues) {
      if (!test(value)) fail(issues, path, expected, value);
    },
  };
}

function fail(issues: ConfigIssue[], path: string, expected: string, value: unknown): void {
  issues.push({ option: path || 'options', message: `expected ${expected}, got ${describe(value)}` });
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function range(noun: string, min: number, max: number): string {
  const low = min > Number.MIN_SAFE_INTEGER && min > Number.NEGATIVE_INFINITY;
  const high = max < Number.MAX_SAFE_INTEGER && max < Number.POSITIVE_INFINITY;
  if (low && high) return `${noun} in [${min}, ${max}]`;
  if (low) return `${noun} >= ${min}`;
  if (high) return `${noun} <= ${max}`;
  return noun;
}

function show(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function listOf(items: readonly string[], last = 'or'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
}

/** What a value is, for "got ...": `"fast"`, `2`, `null`, `an array`, `a Map`, `a function`. */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (length ${value.length})`;
  if (value instanceof RegExp) return `the RegExp ${String(value)}`;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
}

/** The known key a mistyped key most likely meant: same letters in another case, or within 2 edits. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance && d < key.length) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Optimal string alignment distance (a swap of two neighbours is one edit), or `limit` once reached. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin >= limit) return limit;
    [prev2, prev] = [prev, row];
  }
  return Math.min(prev[b.length]!, limit);
}

/** The problems of an options value against a rule (usually `rules.object(...)`), each path prefixed by `where`. */
export function optionIssues(value: unknown, rule: Rule, where: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  rule.check(value, where, issues);
  return issues;
}

/** Throws one `GlassboxConfigError` listing every problem of an options value (`where` names the factory). */
export function assertOptions(value: unknown, rule: Rule, where: string): void {
  const issues = optionIssues(value, rule, where);
  if (issues.length > 0) throw new GlassboxConfigError(issues);
}
