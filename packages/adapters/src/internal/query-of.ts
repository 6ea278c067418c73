/** The query in a value: the value itself if a string, else a string `query` field of an object. */
export function queryOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { query?: unknown }).query === 'string'
  ) {
    return (value as { query: string }).query;
  }
  return undefined;
}
