import { describe, expect, it } from 'vitest';
import { findThen } from './find-then.js';

const IGNORED = () => undefined;

describe('findThen', () => {
  it("finds a promise's then along its prototype chain, a subclass's own first", () => {
    expect(findThen(Promise.resolve(1))).toBe(Promise.prototype.then);
    class ApiPromise<T> extends Promise<T> {}
    const own = () => undefined;
    Object.defineProperty(ApiPromise.prototype, 'then', { value: own });
    expect(findThen(Object.create(ApiPromise.prototype))).toBe(own);
    const lazy = Object.defineProperty({}, 'then', { value: IGNORED });
    expect(findThen(lazy)).toBe(IGNORED);
  });

  it('is undefined without a callable then, and null rather than running a getter or a Proxy trap', () => {
    expect(findThen({})).toBeUndefined();
    expect(findThen(Object.defineProperty({}, 'then', { value: 42 }))).toBeUndefined();
    let ran = false;
    const run = () => {
      ran = true;
      return IGNORED;
    };
    expect(findThen(Object.defineProperty({}, 'then', { get: run }))).toBeNull();
    expect(findThen(Object.create(new Proxy({}, { get: run })))).toBeNull();
    expect(ran).toBe(false);
  });
});
