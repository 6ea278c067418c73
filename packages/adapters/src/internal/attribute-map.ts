/** Span attributes as plain values; `undefined` entries are dropped by `defined`. */
export type AttributeMap = Record<string, string | number | boolean | string[] | undefined>;

/** Drops `undefined` entries, so a map can be handed to `setAttributes`. */
export function defined(attributes: AttributeMap): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
