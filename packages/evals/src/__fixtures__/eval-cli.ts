// Runs `runEvalCli` as a process would (what `glassbox eval` does), for the child-process test.
import { runEvalCli } from '@glassbox/evals';

process.exitCode = await runEvalCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
