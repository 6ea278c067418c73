// Screenshots of the Glassbox demo in the Phoenix and MLflow UIs, for docs/exporters.md:
//   npx tsx tools/backends/screenshots.ts
// Starts each server as the backend suite does (tools/backends/install.sh first if needed), runs the
// demo into it with its preset, and photographs the trace with headless Chromium (/usr/bin/chromium,
// or CHROMIUM_PATH) through playwright-core. Jaeger is left out: a `go build` of Jaeger has no UI assets.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { otlpExporter } from '@glassbox/exporters';
import { chromium } from 'playwright-core';
import { fetchJson, sleep } from '../../tests/backends/support/backend-process.js';
import { startMlflow, startPhoenix } from '../../tests/backends/support/backend-servers.js';
import { runDemo } from '../../tests/backends/support/run-demo.js';

const OUT = fileURLToPath(new URL('../../docs/images/', import.meta.url));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });

/** Waits until the page shows `text` (the UIs render after their API calls, slowly on a busy machine). */
async function shown(text: string | RegExp): Promise<void> {
  try {
    await page.getByText(text, { exact: true }).first().waitFor({ state: 'visible', timeout: 90_000 });
  } catch (error) {
    await page.screenshot({ path: join(OUT, 'screenshot-failed.png') });
    throw error;
  }
  await sleep(1500);
}

async function phoenix(): Promise<void> {
  const { server, baseUrl } = await startPhoenix(300_000);
  try {
    const demo = await runDemo(otlpExporter({ preset: 'phoenix', baseUrl, projectName: 'default' }), 'demo');
    await sleep(3000);
    const projects = await fetchJson<{ data: { id: string; name: string }[] }>(`${baseUrl}/v1/projects`);
    const project = projects.data.find((p) => p.name === 'default')!;
    await page.goto(`${baseUrl}/projects/${project.id}/spans`);
    await shown('support_turn');
    await page.screenshot({ path: join(OUT, 'exporters-phoenix-spans.png') });
    await page.goto(`${baseUrl}/projects/${project.id}/traces/${demo.turns[0]!.traceId}`);
    await shown('query_rewrite');
    // The answering LLM call (the last one), with its messages and token counts.
    await page.getByText('chat gpt-4o-mini', { exact: true }).last().click();
    await sleep(3000);
    await page.screenshot({ path: join(OUT, 'exporters-phoenix-trace.png') });
  } finally {
    await server.stop();
  }
}

/** MLflow greets a first visit with a tip and its assistant panel: close both to see the traces. */
async function dismissMlflowTips(): Promise<void> {
  const click = (locator: ReturnType<typeof page.getByRole>) =>
    locator
      .first()
      .click({ timeout: 3000 })
      .catch(() => undefined);
  await click(page.getByRole('button', { name: 'Got it' }));
  await click(page.getByRole('button', { name: /close/i }));
  await sleep(1000);
}

async function mlflow(): Promise<void> {
  const { server, baseUrl, experimentId } = await startMlflow(300_000);
  try {
    const demo = await runDemo(otlpExporter({ preset: 'mlflow', baseUrl, experimentId }), 'demo');
    await sleep(2000);
    await page.goto(`${baseUrl}/#/experiments/${experimentId}/traces`);
    // The list shows each trace's request, from the first turn's question.
    await shown(/Where is my order A-1042/);
    await dismissMlflowTips();
    await page.screenshot({ path: join(OUT, 'exporters-mlflow-traces.png') });
    await page.goto(
      `${baseUrl}/#/experiments/${experimentId}/traces?selectedEvaluationId=tr-${demo.turns[0]!.traceId}`,
    );
    await page.reload();
    await shown('execute_tool lookup_order');
    // The answering LLM call (the last one), rendered as a chat.
    await page.getByText('chat gpt-4o-mini', { exact: true }).last().click();
    await sleep(3000);
    await page.screenshot({ path: join(OUT, 'exporters-mlflow-trace.png') });
  } finally {
    await server.stop();
  }
}

try {
  const only = process.argv[2];
  if (!only || only === 'phoenix') await phoenix();
  if (!only || only === 'mlflow') await mlflow();
} finally {
  await browser.close();
}
