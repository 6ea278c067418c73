import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Where a command reads its environment and writes its output (the process's, unless a test gives its own). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Stops a long-running command (`ui`, `view`) as SIGINT does; without it, SIGINT and SIGTERM do. */
  signal?: AbortSignal;
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage is shown, or undefined for the top-level one. */
    readonly command?: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict parsing: an unknown flag, a missing value or a stray argument is a `UsageError` naming it. */
export function parseFlags<O extends Options>(
  command: string,
  argv: string[],
  options: O,
  positionals: { min: number; max: number },
): { values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string }; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }), command);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError('missing argument', command);
  if (count > positionals.max) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`,
      command,
    );
  }
  return parsed as any;
}

function describeParseError(error: Error & { code?: string }): string {
  // Node's messages already name the flag ("Unknown option '--prot'"); keep them, minus its advice on `--`.
  const first = error.message.split('. To specify')[0]!.trim();
  return first.endsWith('.') ? first.slice(0, -1) : first;
}

/** A whole number from a flag or env var, checked against its range; the error names both. */
export function integerSetting(
  value: string | undefined,
  flag: string,
  envVar: string | undefined,
  min: number,
  max: number,
  command: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const from = envVar ? ` (or ${envVar})` : '';
    throw new UsageError(
      `${flag}${from}: expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`,
      command,
    );
  }
  return n;
}

/** Argument, then env var, then nothing: the one resolution order of every setting. */
export function pick(
  arg: string | undefined,
  env: Record<string, string | undefined>,
  envVar: string,
): string | undefined {
  if (arg !== undefined) return arg;
  const v = env[envVar];
  return v === undefined || v === '' ? undefined : v;
}
