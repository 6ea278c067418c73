import { chain, chainValue } from './capture/serialize-read.js';

/**
 * The `then` of an object, read as `value.then` would be but by descriptor, so that no getter of the
 * application runs: a function, null for a `then` that cannot be read without running code (an accessor,
 * or a Proxy in the chain), undefined when there is no callable `then`.
 */
export function findThen(value: object): Function | null | undefined {
  const then = chainValue(value, 'then');
  if (typeof then === 'function') return then;
  return chain.plain ? undefined : null;
}
