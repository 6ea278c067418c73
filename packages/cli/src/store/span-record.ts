/**
 * The one shape every part of the viewer speaks: the OTLP receiver and the JSONL importer produce it,
 * the store keeps it, the HTTP API returns it and the page and `glassbox stats` read it. JSON-safe on
 * purpose (no bigint, no bytes), so it crosses the wire to the page unchanged.
 */

/** An attribute value as stored: int64 beyond 2^53 as a decimal string, bytes as base64. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };

/** Attributes by key. */
export type Attrs = Record<string, AttrValue>;

/** One span event. */
export interface SpanEventRecord {
  name: string;
  /** Unix-epoch nanoseconds as a decimal string (exact). */
  timeUnixNano: string;
  attributes: Attrs;
}

/** One span link. */
export interface SpanLinkRecord {
  traceId: string;
  spanId: string;
  attributes: Attrs;
}

/** One span, as received and as stored. */
export interface SpanRecord {
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
  /** Absent (undefined) on a root span or when the parent is in another process not yet seen. */
  parentSpanId?: string;
  name: string;
  /** The OpenTelemetry API `SpanKind` enum: INTERNAL 0, SERVER 1, CLIENT 2, PRODUCER 3, CONSUMER 4. */
  kind: number;
  /** Unix-epoch nanoseconds as decimal strings (exact). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Start as Unix-epoch milliseconds (fractional), for sorting and display. */
  startMs: number;
  /** `end - start` in milliseconds (fractional). */
  durationMs: number;
  /** The OpenTelemetry API `SpanStatusCode`: UNSET 0, OK 1, ERROR 2. */
  statusCode: number;
  statusMessage?: string;
  /** The resource's `service.name`, or `unknown_service`. */
  serviceName: string;
  attributes: Attrs;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
  resource: Attrs;
  scope: { name: string; version?: string };
}
