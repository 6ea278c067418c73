/** Marks a client (and each patched method) so tracing it twice wraps nothing twice. */
export const TRACED = Symbol.for('glassbox.adapters.traced');

/** Defines a non-enumerable own property, shadowing the prototype's member for this object only. */
export function defineHidden(target: object, key: string | symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * Replaces `owner[key]` with `make(original)` as an own property of that one instance (other clients
 * keep the prototype's method); returns false when there is no such method or it is already traced.
 */
export function patchMethod(
  owner: unknown,
  key: string,
  make: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown,
): boolean {
  if (owner === null || typeof owner !== 'object') return false;
  const original = (owner as Record<string, unknown>)[key];
  if (typeof original !== 'function' || (original as unknown as Record<symbol, unknown>)[TRACED])
    return false;
  const wrapped = make(original as (...args: unknown[]) => unknown);
  defineHidden(wrapped, TRACED, original);
  try {
    Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
    Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
  } catch {
    // Cosmetic only.
  }
  defineHidden(owner, key, wrapped);
  return true;
}

/** `server.address` and `server.port` of a client's base URL (never its path, query or credentials). */
export function serverOf(baseURL: unknown): { address: string; port: number } | undefined {
  if (typeof baseURL !== 'string') return undefined;
  try {
    const url = new URL(baseURL);
    const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    return { address: url.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

/** Tells whether a value has a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
