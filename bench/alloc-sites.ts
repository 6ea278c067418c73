/**
 * `pnpm bench -- --alloc-sites`: where a traced call allocates, Glassbox against hand-written
 * OpenTelemetry (issue 14: the forced-GC measurement punishes allocation).
 *
 * V8's sampling heap profiler (the inspector's `HeapProfiler.startSampling`) with objects later collected
 * by minor and major GCs included, so the profile counts every allocation, not only what survives: each
 * sample stands for the bytes of its allocation scaled by its sampling probability, an unbiased estimate of
 * the bytes allocated at that stack. Workloads are the flat (sync, async) and nested scenarios' calls,
 * warmed up, then profiled alone (one variant at a time) over `calls` calls plus the flush of their spans.
 * Sites are the innermost JavaScript frame: an allocation inside a builtin (`JSON.stringify`,
 * `Object.assign`, a closure) is charged to the JavaScript function that called it. Bundle positions are
 * mapped back to the TypeScript sources through the bundle's source map.
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { releaseSink, repoRoot, tick } from './harness.js';
import type { ScenarioReport } from './report.js';
import { FLAT_QUERY, retrieve, retrieveAsync } from './scenarios/flat.js';
import { NESTED_QUESTION, plainPipeline, tracedPipeline } from './scenarios/nested.js';
import { type PeerName, setupSdks, wrap } from './sdks.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

interface Site {
  function: string;
  location: string;
  module: string;
  bytesPerCall: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes a source map's `mappings` into, per generated line, [column, source, line] segments. */
function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  let source = 0;
  let line = 0;
  for (const text of mappings.split(';')) {
    const segments: number[][] = [];
    let generated = 0;
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generated += values[0]!;
      if (values.length >= 4) {
        source += values[1]!;
        line += values[2]!;
        segments.push([generated, source, line]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** Maps positions in the bench bundle back to its TypeScript sources. */
function bundleMapper(bundleUrl: string): (line: number, column: number) => string | undefined {
  const bundleDir = path.dirname(fileURLToPath(bundleUrl));
  let map: { sources: string[]; mappings: string };
  try {
    map = JSON.parse(readFileSync(`${fileURLToPath(bundleUrl)}.map`, 'utf8'));
  } catch {
    return () => undefined;
  }
  const lines = decodeMappings(map.mappings);
  return (line, column) => {
    const segments = lines[line];
    if (!segments || segments.length === 0) return undefined;
    let best = segments[0]!;
    for (const s of segments) if (s[0]! <= column) best = s;
    // Sources are relative to the map: `../sdks.ts`, `../../packages/core/src/trace.ts`, or the
    // git-archived sources of --core-ref (`src-<sha>/packages/core/src/trace.ts`), shown as packages/...
    const source = path.relative(repoRoot, path.resolve(bundleDir, map.sources[best[1]!] ?? '?'));
    return `${source.replace(/^bench\/\.build\/src-[0-9a-f]+\//, '')}:${best[2]! + 1}`;
  };
}

/** `@opentelemetry/sdk-trace-base/build/src/Span.js:120` from a node_modules URL, or the URL's tail. */
function shortUrl(url: string, line: number): string {
  const i = url.lastIndexOf('/node_modules/');
  const tail = i >= 0 ? url.slice(i + '/node_modules/'.length) : url.replace(/^file:\/\//, '');
  return `${tail}:${line + 1}`;
}

function moduleOf(location: string): string {
  if (location.startsWith('packages/core/')) return '@glassbox/core';
  if (location.startsWith('bench/scenarios/')) return 'the workload (bench/scenarios)';
  if (location.startsWith('bench/sdks.ts')) return 'the hand-written OTel wrapper (bench/sdks.ts)';
  if (location.startsWith('bench/')) return 'the bench loop (yields, flush)';
  const scoped = /^(@[^/]+\/[^/]+)/.exec(location);
  if (scoped) return scoped[1]!;
  if (location.startsWith('node:')) return 'node internals';
  return location === '' || location.startsWith(':') ? 'V8 / native (no JS frame)' : location.split('/')[0]!;
}

async function profileVariant(
  session: Session,
  call: () => unknown,
  async: boolean,
  calls: number,
  flush: () => Promise<void>,
  locate: (frame: ProfileNode['callFrame']) => string,
): Promise<{ sites: Site[]; totalBytesPerCall: number }> {
  const run = async (n: number) => {
    for (let done = 0; done < n; ) {
      const batch = Math.min(200, n - done);
      if (async) for (let i = 0; i < batch; i++) await call();
      else for (let i = 0; i < batch; i++) call();
      done += batch;
      await tick();
    }
    await flush();
  };
  await run(calls); // warm-up: JIT, pools, caches
  (globalThis as { gc?: () => void }).gc?.();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as never);
  await run(calls);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
    profile: { head: ProfileNode };
  };
  releaseSink();
  const bySite = new Map<string, Site>();
  let total = 0;
  const walk = (node: ProfileNode) => {
    if (node.selfSize > 0) {
      const location = locate(node.callFrame);
      const fn = node.callFrame.functionName || '(anonymous)';
      const key = `${fn}@${location}`;
      const site = bySite.get(key) ?? { function: fn, location, module: moduleOf(location), bytesPerCall: 0 };
      site.bytesPerCall += node.selfSize / calls;
      bySite.set(key, site);
      total += node.selfSize / calls;
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return {
    sites: [...bySite.values()].sort((a, b) => b.bytesPerCall - a.bytesPerCall),
    totalBytesPerCall: total,
  };
}

function byModule(sites: Site[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sites) out[s.module] = (out[s.module] ?? 0) + s.bytesPerCall;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

export async function runAllocSites(quick: boolean): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  const sdks = await setupSdks('active');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  const bundleUrl = import.meta.url;
  const mapBundle = bundleMapper(bundleUrl);
  const locate = (frame: ProfileNode['callFrame']) =>
    frame.url === bundleUrl
      ? (mapBundle(frame.lineNumber, frame.columnNumber) ?? `bundle:${frame.lineNumber + 1}`)
      : frame.url === ''
        ? ''
        : shortUrl(frame.url, frame.lineNumber);

  const calls = quick ? 3000 : 20000;
  const peers: PeerName[] = ['raw-otel', 'glassbox'];
  const workloads: {
    id: string;
    async: boolean;
    plain: () => unknown;
    make: (peer: PeerName) => () => unknown;
  }[] = [
    {
      id: 'flat-sync',
      async: false,
      plain: () => retrieve(FLAT_QUERY, 3),
      make: (peer) => {
        const traced = wrap(sdks, peer, 'retrieve', 'retriever', retrieve);
        return () => traced(FLAT_QUERY, 3);
      },
    },
    {
      id: 'flat-async',
      async: true,
      plain: () => retrieveAsync(FLAT_QUERY, 3),
      make: (peer) => {
        const traced = wrap(sdks, peer, 'retrieve', 'retriever', retrieveAsync);
        return () => traced(FLAT_QUERY, 3);
      },
    },
    {
      id: 'nested',
      async: true,
      plain: (
        (pipeline) => () =>
          pipeline(NESTED_QUESTION)
      )(plainPipeline()),
      make: (peer) => {
        const pipeline = tracedPipeline(sdks, peer);
        return () => pipeline(NESTED_QUESTION);
      },
    },
  ];

  const extra: Record<string, unknown> = { calls, samplingIntervalBytes: 256 };
  const md: string[] = [];
  for (const w of workloads) {
    const plain = await profileVariant(session, w.plain, w.async, calls, sdks.flush, locate);
    const results: Record<
      string,
      { totalBytesPerCall: number; modules: Record<string, number>; top: Site[] }
    > = {};
    for (const peer of peers) {
      const r = await profileVariant(session, w.make(peer), w.async, calls, sdks.flush, locate);
      results[peer] = {
        totalBytesPerCall: r.totalBytesPerCall,
        modules: byModule(r.sites),
        top: r.sites.slice(0, 25),
      };
    }
    extra[w.id] = { plainBytesPerCall: plain.totalBytesPerCall, ...results };
    md.push(`\n### ${w.id}: sampled allocation per call (plain ${plain.totalBytesPerCall.toFixed(0)} B)\n`);
    for (const peer of peers) {
      const r = results[peer]!;
      md.push(`#### ${w.id}, ${peer}: ${r.totalBytesPerCall.toFixed(0)} B/call\n`);
      md.push('| module | B/call |', '|---|---:|');
      for (const [m, b] of Object.entries(r.modules)) if (b >= 1) md.push(`| ${m} | ${b.toFixed(0)} |`);
      md.push('', '| function | source | B/call |', '|---|---|---:|');
      for (const s of r.top.slice(0, 15))
        md.push(`| ${s.function} | ${s.location || '(native)'} | ${s.bytesPerCall.toFixed(0)} |`);
      const own = r.top.filter((s) => s.module === '@glassbox/core');
      if (own.length > 0) {
        md.push(
          '',
          `Sites in @glassbox/core (${peer}):`,
          '',
          '| function | source | B/call |',
          '|---|---|---:|',
        );
        for (const s of own.slice(0, 12))
          md.push(`| ${s.function} | ${s.location} | ${s.bytesPerCall.toFixed(0)} |`);
      }
      md.push('');
    }
  }
  session.disconnect();
  const markdownText = md.join('\n');
  process.stdout.write(`${markdownText}\n`);
  return { scenario: 'alloc-sites', cases: [], extra: { ...extra, markdown: markdownText } };
}
