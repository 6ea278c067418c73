/**
 * Memory while the backend is dead: 200,000 traced calls (each with ~1 KB of input) exported over
 * OTLP/HTTP to a loopback port nobody listens on (opened, then closed, so connections are refused).
 * Glassbox's export queue is bounded (2048 spans, one export in flight), so RSS must stay flat however
 * many spans are produced, and `stats()` must account for every span as dropped.
 */
import { createServer } from 'node:net';
import { collect, sleep, tick } from '../harness.js';
import type { ScenarioReport } from '../report.js';

/** A loopback port that was just free: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function runMemory(quick: boolean): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  const glassbox = await import('@glassbox/core');
  const { otlpExporter } = await import('@glassbox/exporters');
  const port = await closedPort();
  const endpoint = `http://127.0.0.1:${port}/v1/traces`;
  // A short export timeout keeps the final flush of this scenario to seconds; the default (10 s, with
  // retries) only makes each failed export last longer, and memory stays bounded either way.
  const exporter = otlpExporter({ endpoint, timeoutMs: 1000 });
  const handle = glassbox.init({ exporters: [exporter], exportMode: 'batch', logLevel: 'error' });

  const context = 'Regional endpoints keep data at rest in the selected region. '.repeat(16);
  const answer = glassbox.trace(
    function answer(question: string, passage: string) {
      return { text: `${question.length}:${passage.length}`, tokens: 12 };
    },
    { type: 'LLM' },
  );

  const total = quick ? 50_000 : 200_000;
  const chunk = 1000;
  collect();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  // RSS at a few points: a bounded queue shows as a plateau, a leak as a line.
  const checkpoints = new Set([total / 8, total / 4, total / 2, total]);
  const rssAtMiB: Record<string, number> = {};
  const started = process.hrtime.bigint();
  for (let done = 0; done < total; done += chunk) {
    for (let i = 0; i < chunk; i++) answer(`question ${done + i}`, context);
    // Yield so the export queue runs (and fails) while spans keep coming, as in a live service.
    await tick();
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (checkpoints.has(done + chunk)) rssAtMiB[`${done + chunk}`] = mib(m.rss);
  }
  const producedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const statsAfterProduction = handle.stats();
  // Let the in-flight export give up, then shut down (bounded: the queue holds at most 2048 spans).
  const shutdownStarted = Date.now();
  await Promise.race([handle.shutdown(), sleep(15_000)]);
  const shutdownMs = Date.now() - shutdownStarted;
  collect();
  const after = process.memoryUsage();
  const finalStats = handle.stats();
  const accounted = finalStats.spansExported + finalStats.spansDropped;
  if (finalStats.spansStarted !== total || finalStats.spansEnded !== total) {
    throw new Error(`expected ${total} spans started and ended, stats: ${JSON.stringify(finalStats)}`);
  }
  return {
    scenario: 'memory',
    cases: [],
    extra: {
      title: `RSS while ${total.toLocaleString('en-US')} spans go to a dead OTLP endpoint`,
      endpoint,
      spans: total,
      producedMs: Math.round(producedMs),
      rssBeforeMiB: mib(before.rss),
      peakRssMiB: mib(peakRss),
      rssGrowthMiB: mib(peakRss - before.rss),
      rssAtMiB,
      heapBeforeMiB: mib(before.heapUsed),
      peakHeapMiB: mib(peakHeap),
      heapAfterShutdownMiB: mib(after.heapUsed),
      maxRssOfProcessMiB: mib(process.resourceUsage().maxRSS * 1024),
      statsAfterProduction,
      finalStats,
      shutdownMs,
      everySpanAccounted: accounted === total,
    },
  };
}
