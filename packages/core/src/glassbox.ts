/** Counters behind `Glassbox.stats()`. */
export interface Stats {
  /** Spans started under this installation. */
  spansStarted: number;
  /** Spans that ended under this installation (spans open across a re-init end under the new one). */
  spansEnded: number;
  /** Spans an exporter acknowledged. */
  spansExported: number;
  /** Spans not exported: a full queue, a failed or timed-out export, or a shutdown deadline. */
  spansDropped: number;
  /** Exports that failed or timed out. */
  exportErrors: number;
  /** Spans Glassbox ended itself because the app dropped what they waited on (garbage collected). */
  spansAbandoned: number;
}

/** The handle `init` returns. */
export interface Glassbox {
  /** `standalone`: Glassbox registered its own provider; `attached`: the app's provider is used. */
  readonly mode: 'standalone' | 'attached';
  /** Exports every finished span now and waits until the exporters answered (call at the end of a serverless handler). */
  flush(): Promise<void>;
  /** Flushes, then stops exporting, within `shutdownTimeoutMs`; safe to call twice. */
  shutdown(): Promise<void>;
  /** Counters of spans started, ended, exported, dropped and abandoned, and of failed exports. */
  stats(): Stats;
}

/** Fresh, zeroed counters. */
export function emptyStats(): Stats {
  return {
    spansStarted: 0,
    spansEnded: 0,
    spansExported: 0,
    spansDropped: 0,
    exportErrors: 0,
    spansAbandoned: 0,
  };
}
