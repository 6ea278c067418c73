/**
 * `pnpm exec tsx bench/viewer-page.ts [--quick] [--runs=N] [--spans=N,N]` (issue 15): how long the
 * viewer page takes to show a big trace in headless Chromium.
 *
 * A GenAI trace of 1,000 spans (and 5,000) is put in a `startViewer` store (`:memory:`): an agent root
 * over turns of query rewrite, retrieval with 4 documents, two LLM calls with system instructions and
 * chat messages, two tool calls and a guardrail, with realistic attribute sizes. Chromium is driven by
 * playwright-core with the same flags as the browser tests. Timed, per run, in the page's own clock
 * (`performance.now()`, 0 = navigation start):
 *
 * - **cold**: a fresh browser context (empty cache) opens `/#/trace/<id>`: HTML, app.js, app.css, the
 *   trace's JSON, building the tree and drawing the waterfall rows in view and the detail pane;
 * - **in-app**: the list page is open, the hash changes to the trace (what a click on a row does).
 *
 * "rows in DOM" is when a MutationObserver first sees the waterfall's rows; "painted" is two animation
 * frames later (layout and paint done). Also reported: the API answer's size and duration (Resource
 * Timing), and the longest main-thread task (Long Tasks API): how long the page was unresponsive.
 * Writes bench/results/viewer-page.{json,md} unless --quick.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startViewer } from '../packages/cli/src/server/viewer-server.js';
import type { SpanRecord } from '../packages/cli/src/store/span-record.js';
import { CHROMIUM, launchChromium } from '../packages/cli/tests/web/chromium.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

function args(): { quick: boolean; runs: number; sizes: number[] } {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const quick = argv.includes('--quick');
  let runs = quick ? 3 : 15;
  let sizes = quick ? [1000] : [1000, 5000];
  for (const a of argv) {
    if (a === '--quick') continue;
    else if (a.startsWith('--runs=')) runs = Number(a.slice('--runs='.length));
    else if (a.startsWith('--spans=')) sizes = a.slice('--spans='.length).split(',').map(Number);
    else throw new Error(`unknown argument ${a} (use --quick, --runs=N, --spans=N,N)`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  if (sizes.some((n) => !Number.isInteger(n) || n < 10)) throw new Error('--spans takes integers >= 10');
  return { quick, runs, sizes };
}

const WORDS =
  'order tracking warranty return refund delivery carrier backpack tent boots label policy customer days store help article shipped package item replacement'.split(
    ' ',
  );
const prose = (n: number) => Array.from({ length: n }, (_, i) => WORDS[(i * 7 + n) % WORDS.length]).join(' ');

/** A trace of `count` spans shaped like a traced RAG assistant's, as the store keeps them. */
function genaiTrace(count: number): { traceId: string; spans: SpanRecord[] } {
  const traceId = randomBytes(16).toString('hex');
  const t0 = Date.now() - 60_000;
  const spans: SpanRecord[] = [];
  const resource = { 'service.name': 'bench-assistant', 'telemetry.sdk.language': 'nodejs' };
  const add = (
    name: string,
    parent: string | undefined,
    startMs: number,
    durationMs: number,
    attributes: SpanRecord['attributes'],
    extra: Partial<SpanRecord> = {},
  ) => {
    const spanId = randomBytes(8).toString('hex');
    const startNs = BigInt(Math.round((t0 + startMs) * 1e6));
    spans.push({
      traceId,
      spanId,
      ...(parent ? { parentSpanId: parent } : {}),
      name,
      kind: 0,
      startTimeUnixNano: String(startNs),
      endTimeUnixNano: String(startNs + BigInt(Math.round(durationMs * 1e6))),
      startMs: t0 + startMs,
      durationMs,
      statusCode: 0,
      serviceName: 'bench-assistant',
      attributes,
      events: [],
      links: [],
      resource,
      scope: { name: '@glassbox/core', version: '0.1.0' },
      ...extra,
    });
    return spanId;
  };
  const root = add('support_agent', undefined, 0, count * 2, {
    'glassbox.span.type': 'AGENT',
    'glassbox.inputs': JSON.stringify({ question: prose(20) }),
  });
  let t = 1;
  for (let turn = 0; spans.length < count; turn++) {
    const turnId = add(`turn ${turn}`, root, t, 18, { 'glassbox.span.type': 'CHAIN' });
    const steps: [string, string, SpanRecord['attributes']][] = [
      [
        'query_rewrite',
        'QUERY_REWRITE',
        {
          'glassbox.rewrite.original': prose(15),
          'glassbox.rewrite.rewritten': prose(8),
          'glassbox.rewrite.similarity': 0.61,
        },
      ],
      [
        'retrieval help-center',
        'RETRIEVER',
        {
          'glassbox.retrieval.documents': JSON.stringify(
            [0, 1, 2, 3].map((i) => ({ id: `kb-${i}`, score: 0.9 - i / 10, content: prose(60) })),
          ),
        },
      ],
      [
        'chat gpt-4o-mini',
        'LLM',
        {
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.system_instructions': prose(120),
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: prose(30) }] },
          ]),
          'gen_ai.output.messages': JSON.stringify([
            {
              role: 'assistant',
              parts: [
                { type: 'tool_call', name: 'lookup_order', id: 'call_1', arguments: { orderId: 'A-1042' } },
              ],
              finish_reason: 'tool_call',
            },
          ]),
          'gen_ai.usage.input_tokens': 412,
          'gen_ai.usage.output_tokens': 18,
        },
      ],
      [
        'execute_tool lookup_order',
        'TOOL',
        {
          'gen_ai.tool.name': 'lookup_order',
          'glassbox.inputs': '{"orderId":"A-1042"}',
          'glassbox.outputs': JSON.stringify({ status: 'shipped', note: prose(20) }),
        },
      ],
      [
        'execute_tool start_return',
        'TOOL',
        { 'gen_ai.tool.name': 'start_return', 'glassbox.inputs': '{"orderId":"A-1042"}' },
      ],
      [
        'chat gpt-4o-mini',
        'LLM',
        {
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.output.messages': JSON.stringify([
            { role: 'assistant', parts: [{ type: 'text', content: prose(40) }] },
          ]),
        },
      ],
      ['moderation', 'GUARDRAIL', { 'glassbox.guardrail.decision': turn % 10 === 9 ? 'block' : 'pass' }],
    ];
    for (const [i, [name, type, attrs]] of steps.entries()) {
      if (spans.length >= count) break;
      add(name, turnId, t + i * 2, 2, { 'glassbox.span.type': type, ...attrs });
    }
    t += 20;
  }
  return { traceId, spans };
}

interface Sample {
  rowsMs: number;
  paintedMs: number;
  apiMs: number;
  apiBytes: number;
  longestTaskMs: number;
}

// Installed before any page script: records when the rows appear, then two frames later.
const PROBE = `(() => {
  window.__bench = { longest: 0 };
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longest = Math.max(window.__bench.longest, e.duration); }).observe({ type: 'longtask', buffered: true }); } catch {}
  const watch = () => new MutationObserver((_, obs) => {
    if (!document.querySelector('.waterfall .wf-row') || !document.querySelector('.span-detail')) return;
    obs.disconnect();
    window.__bench.rows = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__bench.painted = performance.now(); }));
  }).observe(document, { subtree: true, childList: true });
  window.__benchWatch = watch;
  if (location.hash.startsWith('#/trace/')) watch();
})();`;

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p90: q(0.9), min: s[0]! };
}

async function main(): Promise<void> {
  const { quick, runs, sizes } = args();
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set GLASSBOX_CHROMIUM)`);
  const viewer = await startViewer({ port: 0, db: ':memory:' });
  const browser = await launchChromium();
  const results: Record<string, unknown>[] = [];
  try {
    for (const size of sizes) {
      const { traceId, spans } = genaiTrace(size);
      viewer.store.insertSpans(spans);
      const url = `${viewer.url}/#/trace/${traceId}`;
      const read = async (page: import('playwright-core').Page): Promise<Sample> => {
        await page.waitForFunction(
          () => (window as never as { __bench: { painted?: number } }).__bench.painted !== undefined,
          null,
          { timeout: 60_000 },
        );
        return page.evaluate((id) => {
          const b = (window as never as { __bench: { rows: number; painted: number; longest: number } })
            .__bench;
          const api = performance
            .getEntriesByType('resource')
            .find((e) => e.name.endsWith(`/api/traces/${id}`)) as PerformanceResourceTiming | undefined;
          return {
            rowsMs: b.rows,
            paintedMs: b.painted,
            apiMs: api?.duration ?? Number.NaN,
            apiBytes: api?.encodedBodySize ?? Number.NaN,
            longestTaskMs: b.longest,
          };
        }, traceId);
      };
      for (const mode of ['cold', 'in-app'] as const) {
        const samples: Sample[] = [];
        for (let i = 0; i < runs + 1; i++) {
          const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
          await context.addInitScript(PROBE);
          const page = await context.newPage();
          if (mode === 'cold') {
            await page.goto(url);
          } else {
            await page.goto(`${viewer.url}/#/`);
            await page.waitForSelector('tr.trace-row');
            // Time zero of this mode is the click: the hash change, measured from the same clock.
            const start = await page.evaluate((id) => {
              const w = window as never as { __benchWatch: () => void };
              w.__benchWatch();
              const t = performance.now();
              location.hash = `#/trace/${id}`;
              return t;
            }, traceId);
            const s = await read(page);
            s.rowsMs -= start;
            s.paintedMs -= start;
            if (i > 0) samples.push(s);
            await context.close();
            continue;
          }
          const s = await read(page);
          if (i > 0) samples.push(s); // the first run warms the server (bundle, SQLite pages)
          await context.close();
        }
        const row = {
          spans: size,
          mode,
          runs,
          rowsMs: stats(samples.map((s) => s.rowsMs)),
          paintedMs: stats(samples.map((s) => s.paintedMs)),
          apiMs: stats(samples.map((s) => s.apiMs)),
          apiKB: Math.round((samples[0]?.apiBytes ?? 0) / 1024),
          longestTaskMs: stats(samples.map((s) => s.longestTaskMs)),
        };
        results.push(row);
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    await browser.close();
    await viewer.close();
  }
  if (quick) return;
  const header = `${new Date().toISOString()}, ${os.cpus()[0]?.model.split(' ')[0] ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}, Chromium ${browser.version()}`;
  const r = (x: { median: number; p90: number }) => `${Math.round(x.median)} (p90 ${Math.round(x.p90)})`;
  const lines = [
    header,
    '',
    '| spans | navigation | rows in DOM ms | painted ms | API answer ms | API KB | longest task ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (x: any) =>
        `| ${x.spans} | ${x.mode} | ${r(x.rowsMs)} | ${r(x.paintedMs)} | ${r(x.apiMs)} | ${x.apiKB} | ${r(x.longestTaskMs)} |`,
    ),
  ];
  writeFileSync(
    path.join(benchDir, 'results/viewer-page.json'),
    `${JSON.stringify({ header, results }, null, 2)}\n`,
  );
  writeFileSync(path.join(benchDir, 'results/viewer-page.md'), `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
}

await main();
