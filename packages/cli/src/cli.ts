import { GlassboxConfigError } from '@glassbox/core';
import { type CliIo, UsageError } from './commands/cli-io.js';
import { COMMAND_USAGE, MAIN_USAGE } from './commands/usage.js';
import { packageVersion } from './server/package-root.js';

export type { CliIo } from './commands/cli-io.js';

// Loaded on use: `glassbox stats` need not load the server, nor `glassbox ui` the evals.
const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  ui: async (argv, io) => (await import('./commands/ui-command.js')).runUi(argv, io),
  view: async (argv, io) => (await import('./commands/view-command.js')).runView(argv, io),
  stats: async (argv, io) => (await import('./commands/stats-command.js')).runStats(argv, io),
  export: async (argv, io) => (await import('./commands/export-command.js')).runExport(argv, io),
  eval: async (argv, io) => (await import('./commands/eval-command.js')).runEval(argv, io),
};

/**
 * Runs the `glassbox` command line and resolves to its exit code: 0 done, 1 failed, 2 a usage mistake
 * (printed with the usage). `io` defaults to the process's streams, environment and directory.
 */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    ...(io.signal ? { signal: io.signal } : {}),
  };
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      full.stdout.write(MAIN_USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      full.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) {
      throw new UsageError(
        command.startsWith('-') ? `unknown option ${command}` : `unknown command ${JSON.stringify(command)}`,
      );
    }
    return await run(rest, full);
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = error.command === undefined ? MAIN_USAGE : (COMMAND_USAGE[error.command] ?? MAIN_USAGE);
      const where = error.command === undefined ? 'glassbox' : `glassbox ${error.command}`;
      full.stderr.write(`${where}: ${error.message}\n\n${usage}`);
      return 2;
    }
    full.stderr.write(`${describe(error)}\n`);
    return 1;
  }
}

function describe(error: unknown): string {
  if (GlassboxConfigError.isInstance(error)) return error.message;
  if (error instanceof Error) {
    // Our own errors say what to do; anything else keeps its name for a bug report.
    return /^(ViewerStartError|StoreOpenError|StoreInputError|OtlpRequestError)$/.test(error.name)
      ? `glassbox: ${error.message}`
      : `glassbox: ${error.name}: ${error.message}`;
  }
  return `glassbox: ${String(error)}`;
}
