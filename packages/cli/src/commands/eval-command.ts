import { type EvalCliIo, runEvalCli } from '@glassbox/evals';
import type { CliIo } from './cli-io.js';

/** `glassbox eval ...`: handed to `@glassbox/evals`. */
export function runEval(argv: string[], io: CliIo): Promise<number> {
  // runEvalCli only calls write() on its streams: the CLI's own (the process's, or a test's) will do.
  const evalIo: EvalCliIo = {
    stdout: io.stdout as EvalCliIo['stdout'],
    stderr: io.stderr as EvalCliIo['stderr'],
    env: io.env as EvalCliIo['env'],
    cwd: io.cwd,
  };
  return runEvalCli(argv, evalIo);
}
