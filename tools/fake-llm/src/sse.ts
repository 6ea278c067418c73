/** One server-sent event: an optional `event:` name and a payload (objects are sent as JSON, strings verbatim). */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/** Formats events as a `text/event-stream` body, each event terminated by a blank line. */
export function sse(events: readonly SseEvent[]): string {
  return events.map(formatEvent).join('');
}

function formatEvent({ event, data }: SseEvent): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  // A payload containing newlines needs one `data:` line per line, which the client joins back with '\n'.
  const lines = payload.split('\n').map((line) => `data: ${line}\n`);
  return `${event === undefined ? '' : `event: ${event}\n`}${lines.join('')}\n`;
}
