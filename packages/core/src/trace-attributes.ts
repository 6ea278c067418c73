/** Trace-level attributes that every span started inside a scope carries. */
export interface TraceAttributes {
  sessionId?: string;
  userId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}
