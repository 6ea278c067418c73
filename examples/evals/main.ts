// Judging the demo's support assistant, offline: a guidelines judge (an LLM: the fake model server's
// scripted judge, or a real model when OPENAI_API_KEY / ANTHROPIC_API_KEY is set) and a code scorer.
//   1. "production": the assistant answers three questions, traced to out/traces.jsonl; a user says which
//      article answer 3 should have come from (feedback with expectations);
//   2. the production traces are re-judged from the trace file, without re-running anything;
//   3. a regression check: the assistant is evaluated as it is (the baseline), then after a "prompt
//      change" that makes it show SQL in its answers; the second run reports the examples that got worse.
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { traceOpenAI } from '@glassbox/adapters/openai';
import { init, logFeedback, withTraceContext } from '@glassbox/core';
import { type DatasetExample, evaluate, spanCollector } from '@glassbox/evals';
import { jsonFileExporter, otlpExporter } from '@glassbox/exporters';
import { judgeResponder, type RecordedRequest, startFakeLlmServer } from '@glassbox/fake-llm';
import OpenAI from 'openai';
import { createAssistant } from '../demo/assistant.js';
import { supportModel } from '../demo/model.js';
import { assistantScorers, judgeModelFromEnv } from './judges.js';

const outDir = process.env.EVALS_OUT_DIR ?? fileURLToPath(new URL('./out/', import.meta.url));
const tracesFile = join(outDir, 'traces.jsonl');
const baselineFile = join(outDir, 'baseline.json');
const otlpEndpoint =
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const heading = (text: string) => console.log(`\n━━ ${text}\n`);

mkdirSync(outDir, { recursive: true });
rmSync(tracesFile, { force: true });
// Keeps the spans of each example run, so the judge reads what the assistant did ({{ trace }}).
const collector = spanCollector();
const glassbox = init({
  serviceName: 'support-assistant-evals',
  exporters: [jsonFileExporter({ path: tracesFile }), ...(otlpEndpoint ? [otlpExporter()] : [])],
  spanProcessors: [collector],
});

// The "prompt change" under test: answers start showing the SQL used to find the article.
let leakSql = false;
const assistantModel = (request: RecordedRequest) => {
  const script = supportModel(request);
  if (!leakSql || !script.text?.includes('(source:')) return script;
  return { ...script, text: `${script.text} (found with SELECT text FROM articles WHERE topic = 'returns')` };
};
// One local server plays both models: judge prompts get scripted verdicts, the rest the demo's model.
const server = await startFakeLlmServer({ responder: judgeResponder({ fallback: assistantModel }) });
try {
  const clientOptions = { apiKey: 'demo-key-not-used', baseURL: server.openaiBaseURL, maxRetries: 0 };
  const assistant = await createAssistant(traceOpenAI(new OpenAI(clientOptions)), new OpenAI(clientOptions));
  const realJudge = judgeModelFromEnv(process.env);
  const judgeModel = realJudge ?? { client: traceOpenAI(new OpenAI(clientOptions)), model: 'gpt-4o-mini' };
  const scorers = assistantScorers(judgeModel);
  console.log(
    `Judge model: ${realJudge ? 'a real model (from the environment)' : `the fake model server at ${server.url}`}`,
  );

  heading('1. Production: three questions answered, traced');
  const questions = [
    'Hi! Where is my order A-1042? It was supposed to arrive yesterday.',
    "Can I return hiking boots I've already worn outside?",
    'tent warranty',
  ];
  const session = { sessionId: 'chat-eval-0001', userId: 'user-123' };
  for (const question of questions) {
    const turn = await withTraceContext(session, () => assistant.ask(question));
    console.log(`Q: ${question}\nA: ${turn.answer}\n`);
    if (question === 'tent warranty') {
      logFeedback({
        traceId: turn.traceId,
        spanId: turn.spanId,
        name: 'helpful',
        value: false,
        rationale: 'I asked about the tent warranty and got the returns policy.',
        expectations: { expected_source: 'kb-104' },
        source: { type: 'human', id: session.userId },
      });
    }
  }
  await glassbox.flush();

  heading(`2. Re-judging the production traces from ${relative(process.cwd(), tracesFile)} (no re-run)`);
  await evaluate({ data: tracesFile, scorers, runId: 'rejudge-production', print: true });

  heading('3. Regression check: baseline, then the prompt change');
  const dataset: DatasetExample[] = [
    { id: 'order-status', inputs: questions[0], expectations: { expected_source: 'kb-101' } },
    { id: 'worn-boots', inputs: questions[1], expectations: { expected_source: 'kb-103' } },
    { id: 'tent-warranty', inputs: questions[2], expectations: { expected_source: 'kb-104' } },
  ];
  const task = async (question: string) => (await assistant.ask(question)).answer;
  await evaluate({
    data: dataset,
    task,
    scorers,
    traces: collector,
    runId: 'baseline',
    out: baselineFile,
    print: true,
  });
  console.log(`baseline written to ${relative(process.cwd(), baselineFile)}\n`);

  leakSql = true;
  const candidate = await evaluate({
    data: dataset,
    task,
    scorers,
    traces: collector,
    runId: 'prompt-change',
    baseline: baselineFile,
    print: true,
  });
  console.log(
    candidate.regressions.length > 0
      ? `\nThe prompt change makes ${candidate.regressions.length} example(s) worse: do not ship it.`
      : '\nNo regression against the baseline.',
  );
  // The same check from files, for CI: glassbox eval --data <dataset.jsonl> --scorers examples/evals/scorers.ts --baseline <baseline.json>
} finally {
  await glassbox.shutdown();
  await server.close();
}
