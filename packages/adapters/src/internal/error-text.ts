/** A short text for a thrown value of unknown shape (`Name: message` for an Error); never throws. */
export function errorText(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return typeof error === 'string' ? error : String(error);
  } catch {
    // A hostile value (a throwing getter, an object without a prototype) still gets a text.
    return Object.prototype.toString.call(error);
  }
}
