/** `glassbox --help`. */
export const MAIN_USAGE = `Usage: glassbox <command> [options]

Commands:
  ui                 OTLP/HTTP receiver + trace viewer page, traces kept in SQLite
  view FILE.jsonl    the viewer over a JSONL trace file (jsonFileExporter's)
  stats FILE.jsonl | --db FILE
                     terminal report: slow steps, errors, tokens, tools, prompts
  export feedback|dataset
                     feedback records or an evaluation dataset from a trace store
  eval ...           run evaluations (see glassbox eval --help)

Options:
  -h, --help         show help (also: glassbox <command> --help)
  -v, --version      show the version

Run an app with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 while \`glassbox ui\` runs to see its traces.
`;

/** Each command's own `--help`. */
export const COMMAND_USAGE: Record<string, string> = {
  ui: `Usage: glassbox ui [options]

Receives OTLP/HTTP traces on /v1/traces (protobuf or JSON, gzip) and serves the viewer page on the same port.

Options:
  --port N          port, default 4318; 0 picks a free one            (env GLASSBOX_UI_PORT)
  --host ADDR       address to bind, default 127.0.0.1                (env GLASSBOX_UI_HOST)
                    any non-loopback address requires --token
  --db FILE         SQLite store, default .glassbox/traces.db; :memory: keeps nothing (env GLASSBOX_UI_DB)
  --token T         required on every request (Bearer header, or ?token= once in the browser) (env GLASSBOX_UI_TOKEN)
  --max-traces N    keep at most N traces (oldest dropped first)
  --max-mb N        keep the store under about N MiB
  --open            open the page in the browser
  -h, --help        show this help
`,
  view: `Usage: glassbox view FILE.jsonl [options]

Imports a JSONL trace file (one OTLP/JSON request per line, as jsonFileExporter writes) and serves the viewer over it.

Options:
  --port N          port, default 4318; 0 picks a free one            (env GLASSBOX_UI_PORT)
  --host ADDR       address to bind, default 127.0.0.1                (env GLASSBOX_UI_HOST)
  --db FILE         store to import into, default :memory:
  --token T         required on every request                          (env GLASSBOX_UI_TOKEN)
  --max-traces N    keep at most N traces (oldest dropped first)
  --max-mb N        keep the store under about N MiB
  --open            open the page in the browser
  -h, --help        show this help

Retention: in memory (the default) nothing is dropped unless --max-traces / --max-mb are given. A --db FILE
keeps receiving traces and outlives the viewer, so it gets glassbox ui's limits (10,000 traces, 512 MiB,
or the flags) for the import and for traces sent while it runs: a bigger file keeps its newest traces.
`,
  stats: `Usage: glassbox stats FILE.jsonl [--json]
       glassbox stats --db FILE [--json]

Slowest steps (p50/p95 by span name), errors by step, tokens by model, flagged rewrites, tool usage and prompt sizes over time.

Options:
  --db FILE         read a trace store (glassbox ui's) instead of a JSONL file
  --json            machine-readable output
  -h, --help        show this help
`,
  export: `Usage: glassbox export feedback [--format jsonl|otlp] [--db FILE] [--out FILE]
       glassbox export dataset [--db FILE] [--out FILE]

feedback: one FeedbackRecord per line (jsonl), or one OTLP/JSON request of feedback spans linked to their traces (otlp).
dataset:  one example per trace (inputs, outputs, expectations from feedback) per line, for evaluate().

Options:
  --db FILE         trace store, default .glassbox/traces.db              (env GLASSBOX_UI_DB)
  --format F        jsonl (default) or otlp (feedback only)
  --out FILE        write to FILE instead of standard output
  -h, --help        show this help
`,
};
