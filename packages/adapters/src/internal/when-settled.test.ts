import { describe, expect, it } from 'vitest';
import { whenSettled } from './when-settled.js';

// The house rule: what a traced function returns is exactly what the original returns; the settled
// value is observed on the side.

class ExtraPromise<T> extends Promise<T> {
  extra(): string {
    return 'extra';
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('whenSettled', () => {
  it('runs `after` at once for a plain value and returns it', () => {
    const seen: unknown[] = [];
    const value = { answer: 42 };
    expect(whenSettled(value, (v) => seen.push(v))).toBe(value);
    expect(whenSettled(7, (v) => seen.push(v))).toBe(7);
    expect(seen).toEqual([value, 7]);
  });

  it('returns a promise subclass itself and sees its value', async () => {
    const seen: unknown[] = [];
    const promise = new ExtraPromise<string>((resolve) => resolve('v'));
    const result = whenSettled(promise, (v) => seen.push(v)) as ExtraPromise<string>;
    expect(result).toBe(promise);
    expect(result.extra()).toBe('extra');
    expect(await result).toBe('v');
    expect(seen).toEqual(['v']);
  });

  it('leaves a rejection to the caller, and leaves none unhandled on its side chain', async () => {
    const boom = new Error('boom');
    const promise = Promise.reject(boom);
    let ran = false;
    const result = whenSettled(promise, () => {
      ran = true;
    });
    expect(result).toBe(promise);
    await expect(result).rejects.toBe(boom);
    expect(ran).toBe(false);
  });

  it('never lets a throwing `after` reach the caller, sync or async', async () => {
    const fail = () => {
      throw new Error('recording failed');
    };
    expect(whenSettled('x', fail)).toBe('x');
    const promise = Promise.resolve('y');
    expect(whenSettled(promise, fail)).toBe(promise);
    await tick();
  });

  it('returns a thenable that is not a promise untouched and never calls its `then`', async () => {
    let calls = 0;
    let unobserved = 0;
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a lazy thenable is what is under test.
      then(resolve: (v: string) => void) {
        calls++;
        resolve('ran');
      },
    };
    const result = whenSettled(
      thenable,
      () => {
        throw new Error('must not run');
      },
      () => unobserved++,
    );
    expect(result).toBe(thenable);
    await tick();
    expect(calls).toBe(0);
    expect(unobserved).toBe(1);
  });

  it('does not run a `then` getter of a promise subclass', async () => {
    let reads = 0;
    class Guarded<T> extends Promise<T> {}
    Object.defineProperty(Guarded.prototype, 'then', {
      get() {
        reads++;
        return Promise.prototype.then;
      },
    });
    const promise = Guarded.resolve(1);
    reads = 0;
    let unobserved = 0;
    expect(
      whenSettled(
        promise,
        () => {},
        () => unobserved++,
      ),
    ).toBe(promise);
    expect(reads).toBe(0);
    expect(unobserved).toBe(1);
  });
});
