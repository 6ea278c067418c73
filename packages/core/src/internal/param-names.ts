const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * Reads a function's parameter names from its source, but only for plain parameter lists (identifiers
 * separated by commas); anything else (defaults, destructuring, rest, comments, native code) gives
 * `undefined` so inputs are recorded as the argument array instead of under names that could be wrong.
 */
export function parameterNames(fn: Function): string[] | undefined {
  let src: string;
  try {
    src = Function.prototype.toString.call(fn);
  } catch {
    return undefined;
  }
  if (src.includes('[native code]')) return undefined;
  let list = '';
  const arrowSingle = /^(?:async\s*)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  if (arrowSingle) {
    list = arrowSingle[1] ?? '';
  } else {
    if (/^class[\s{]/.test(src)) return undefined;
    const open = src.indexOf('(');
    if (open < 0) return undefined;
    const close = src.indexOf(')', open);
    if (close < 0) return undefined;
    // The text before `(` must be a function head or a method name, never the inside of a body.
    const head = src.slice(0, open);
    if (head.includes('{') || head.includes('=>') || head.includes('=')) return undefined;
    list = src.slice(open + 1, close);
  }
  const trimmed = list.trim();
  if (trimmed === '') return [];
  const names = trimmed.split(',').map((s) => s.trim());
  if (names.at(-1) === '') names.pop(); // trailing comma
  for (const name of names) if (!IDENT.test(name)) return undefined;
  return names;
}
