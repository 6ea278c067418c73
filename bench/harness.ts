/**
 * The timing harness: interleaved round-robin sampling, paired overhead statistics, exact span counting,
 * retained-heap probes and a network guard. A plain harness rather than mitata, because every sample must
 * also let the batch processors run (yields) and every span must be counted.
 *
 * `--gc` (issue 14): a forced full GC before each sample, wall time including every SDK's flush, and
 * bytes allocated per call (see `MeasureOptions.forcedGc`, `allocatedBytes` and bench/README.md).
 *
 * Clock: by default a sample is timed by the CPU time this process used (user + system, all threads,
 * from `process.cpuUsage()`, microsecond resolution over samples of milliseconds), not by wall time. On a
 * shared machine wall time mostly measures the other tenants: CPU time counts the work a call causes,
 * GC helper threads included, and is what "overhead per call" means. Wall time is recorded next to it;
 * scenarios that wait on I/O (the OpenAI round trip) use wall time.
 */
import { type ChildProcess, fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One way of making the same call: the bare function, or the function under one SDK. */
export interface Variant {
  /** `plain`, `raw-otel`, `glassbox`, `openinference`, `langfuse`, `traceloop`, ... */
  name: string;
  /** Makes one call; when `async`, its promise is awaited before the next call. */
  call: () => unknown;
  async: boolean;
  /** Spans one call must produce; a run that exports any other number is invalid. */
  spansPerCall: number;
  /** Of those, spans that must have a parent (default 0). */
  childSpansPerCall?: number;
  /** The exporter this variant's spans end in (undefined: it makes no spans). */
  exporter?: CountingExporter;
  /** Why this variant differs from the others, shown under the table. */
  note?: string;
}

/** How many samples and how big; scenarios pick these to fit their time budget. */
export interface MeasureOptions {
  /** Measured rounds; each round takes one sample of every variant, in a rotated order. */
  rounds: number;
  /** Rounds run first and discarded (JIT warm-up, pools, caches). */
  warmupRounds: number;
  /** Calls per sample; the sample is their total time divided by this. */
  callsPerSample: number;
  /**
   * When set, each variant's calls per sample are resized during the warm-up rounds so that one
   * sample lasts about this long: cheap calls (a disabled wrapper, ~50 ns) then get enough calls to rise
   * above the CPU clock's noise, and slow ones (a peer at ~10 µs) do not take minutes.
   */
  sampleMs?: number;
  /**
   * Calls between two event-loop yields. Batch processors export from timers and promise callbacks; a
   * sample that never yields would overflow their queues (2048 spans) and drop spans. The yields are
   * inside the timed window for every variant (plain too), so their cost cancels out of the overhead
   * while the processors' background export work is charged to the SDK that caused it.
   */
  yieldEvery: number;
  /** Operations per call, to report per-operation figures (items of a generator); default 1. */
  opsPerCall?: number;
  /** Calls used for the retained-heap probe of each variant; 0 skips it. */
  heapProbeCalls?: number;
  /** `cpu` (default): process CPU time; `wall`: elapsed time, for scenarios that wait on I/O. */
  clock?: 'cpu' | 'wall';
  /**
   * Forced-GC mode (issue 14, `pnpm bench -- --gc`): a full `gc()` right before every sample (warm-up
   * rounds too), and a sample ends only once every SDK has exported what it holds: `flush` runs inside
   * the timed window, after the calls, for every variant (plain too, so flushing empty providers cancels
   * out of the overhead while each SDK's own export work is charged to it).
   */
  forcedGc?: boolean;
  /**
   * Bytes allocated per call, per variant (see `allocatedBytes`): `repeats` windows of `calls` calls
   * after a scavenge and as many after a full GC, the variants interleaved round-robin, after the timed
   * rounds; the median window of each kind is reported.
   */
  allocationProbe?: { calls: number; repeats: number };
}

/** Bytes allocated on the V8 heap per call (one variant), from `allocationProbe`. */
export interface AllocationResult {
  /** Median over the probe windows of (bytes allocated in the window / calls). */
  bytesPerCall: number;
  minBytesPerCall: number;
  maxBytesPerCall: number;
  /** Collections that ran inside a window (median): their freed bytes are added back, see `allocatedBytes`. */
  gcsPerWindow: number;
  windows: number;
  callsPerWindow: number;
}

/** Statistics of one variant in one scenario; times are per call (or per op when opsPerCall > 1). */
export interface VariantResult {
  name: string;
  note?: string;
  /** Median of the per-round samples, ns (on the scenario's clock). */
  medianNs: number;
  /** Median of the same samples timed by wall clock, ns. */
  wallMedianNs: number;
  /** Median of the same samples timed by process CPU time, ns. */
  cpuMedianNs: number;
  /** Interquartile range of the samples, ns: the noise to judge small differences against. */
  iqrNs: number;
  /**
   * Paired overhead above the plain function: the median over rounds of (this variant's sample minus
   * the plain sample of the same round), ns. Pairing by round cancels slow drifts (thermal, GC state).
   */
  overheadNs: number;
  /** overheadNs / raw OpenTelemetry's overheadNs (how much tracing work, relative to hand-written OTel). */
  overheadRatio: number | null;
  /** medianNs / raw OpenTelemetry's medianNs (the plain ratio of per-call times). */
  timeRatio: number | null;
  /** The paired overhead and its ratio to raw OTel's on each clock (overheadNs is the scenario clock's). */
  wallOverheadNs: number;
  cpuOverheadNs: number;
  wallOverheadRatio: number | null;
  cpuOverheadRatio: number | null;
  /** Bytes allocated per call, windows after a scavenge (null unless the scenario ran an allocation probe). */
  allocation: AllocationResult | null;
  /** The same in windows right after a full GC: includes re-optimising the code that GC threw away. */
  allocationAfterFullGc: AllocationResult | null;
  calls: number;
  spansExpected: number;
  spansExported: number;
  /** Longest total of string attribute lengths seen on one exported span (how much content is captured). */
  capturedChars: number;
  /** Heap still held after `heapProbeCalls` calls, a flush and a full GC, bytes per call. */
  retainedBytesPerCall: number | null;
  samplesNs: number[];
  /** Forced-GC mode: the CPU-time samples too (samplesNs holds the scenario clock's, wall). */
  cpuSamplesNs?: number[];
  /** Forced-GC mode: collections inside a sample (median over samples), and their pause time per call. */
  gcsPerSample?: number;
  gcNsPerCall?: number;
}

/** An exporter that counts spans and drops them: the SDK pipeline runs in full, nothing is sent. */
export class CountingExporter implements SpanExporter {
  count = 0;
  /** The last exported span, kept only with `--keep-spans`. */
  kept: ReadableSpan | undefined;
  /** Spans with a parent: proves that nesting worked, not just that spans were made. */
  children = 0;
  capturedChars = 0;

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.count += spans.length;
    for (const span of spans) if (span.parentSpanContext?.spanId) this.children++;
    // Sampling one span per batch is enough to show how much content an SDK keeps, and stays cheap.
    const last = spans[spans.length - 1];
    if (last !== undefined) this.capturedChars = Math.max(this.capturedChars, attributeChars(last));
    // `--gc --keep-spans` (diagnostic): one exported span stays reachable, so the span classes' hidden
    // classes survive the forced GC and the optimised code that embeds them is not thrown away.
    if (KEEP_SPANS && last !== undefined) this.kept = last;
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function attributeChars(span: ReadableSpan): number {
  let n = 0;
  for (const value of Object.values(span.attributes)) if (typeof value === 'string') n += value.length;
  return n;
}

// Results are written here so V8 cannot prove a call's result unused.
let sink: unknown;

/** Drops the last result kept by the timing loops (so it does not count as retained heap later). */
export function releaseSink(): unknown {
  const last = sink;
  sink = undefined;
  return last;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Full collection (twice: the first one queues finalizers and weak callbacks that free more). */
export function collect(): void {
  gc?.();
  gc?.();
}

export function hasGc(): boolean {
  return gc !== undefined;
}

/** One full (mark-compact) collection; throws without `--expose-gc`. */
function fullGc(): void {
  if (!gc) throw new Error('forced-GC mode needs node --expose-gc');
  gc();
}

/** One young-generation collection (scavenge); throws without `--expose-gc`. */
function minorGc(): void {
  if (!gc) throw new Error('the allocation probe needs node --expose-gc');
  (gc as (options: { type: 'minor' }) => void)({ type: 'minor' });
}

async function runCalls(variant: Variant, calls: number, yieldEvery: number): Promise<void> {
  const call = variant.call;
  let done = 0;
  while (done < calls) {
    const n = Math.min(yieldEvery, calls - done);
    if (variant.async) for (let i = 0; i < n; i++) sink = await call();
    else for (let i = 0; i < n; i++) sink = call();
    done += n;
    await yieldImmediate();
  }
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function sample(
  variant: Variant,
  options: MeasureOptions,
  flush: () => Promise<void>,
): Promise<{ cpu: number; wall: number; gcs: number; gcNs: number }> {
  // By default no forced GC between samples: after a full collection the next thousands of calls are
  // 2-5x slower, mostly because it throws away optimised code whose hidden classes died with the last
  // spans (see bench/README.md, issue 14), which a busy service rarely sees. Collections happen as they
  // would in production and, with the rotating order, land on every variant. The forced-GC mode does
  // exactly that on purpose, as the independent harness of issue 14 measures, and counts the
  // collections inside each sample.
  let profiler: v8.GCProfiler | undefined;
  if (options.forcedGc) {
    if (process.env[NO_COLLECT_ENV] !== '1') fullGc();
    profiler = new v8.GCProfiler();
    profiler.start();
  }
  const cpuStart = cpuMicros();
  const start = process.hrtime.bigint();
  await runCalls(variant, options.callsPerSample, options.yieldEvery);
  if (options.forcedGc) await flush();
  const wall = Number(process.hrtime.bigint() - start);
  const cpu = (cpuMicros() - cpuStart) * 1000;
  const collections = (profiler?.stop() as GcProfile | undefined)?.statistics ?? [];
  let gcNs = 0;
  for (const c of collections) gcNs += c.cost * 1000;
  const per = options.callsPerSample * (options.opsPerCall ?? 1);
  return { cpu: cpu / per, wall: wall / per, gcs: collections.length, gcNs: gcNs / per };
}

/**
 * Samples every variant once per round, rotating the order each round so no variant always runs first
 * (right after a GC) or last. The first variant must be `plain`.
 */
export async function measure(
  variants: Variant[],
  options: MeasureOptions,
  flush: () => Promise<void>,
): Promise<VariantResult[]> {
  if (variants[0]?.name !== 'plain') throw new Error('the first variant must be plain');
  const samples = variants.map(() => [] as number[]);
  const wallSamples = variants.map(() => [] as number[]);
  const cpuSamples = variants.map(() => [] as number[]);
  const gcCounts = variants.map(() => [] as number[]);
  const gcTimes = variants.map(() => [] as number[]);
  const calls = variants.map(() => 0);
  // Exporters may be shared by several cases of one scenario: count from here.
  await flush();
  const baseline = variants.map((v) => v.exporter?.count ?? 0);
  const childBaseline = variants.map((v) => v.exporter?.children ?? 0);
  const total = options.warmupRounds + options.rounds;
  const perSample = variants.map(() => options.callsPerSample);
  for (let round = 0; round < total; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + round) % variants.length;
      const n = perSample[index]!;
      const { cpu, wall, gcs, gcNs } = await sample(
        variants[index]!,
        { ...options, callsPerSample: n },
        flush,
      );
      calls[index]! += n;
      // Resized in every warm-up round: the first samples run before the JIT has optimised anything.
      if (round < options.warmupRounds && options.sampleMs !== undefined) {
        const perCall = wall * (options.opsPerCall ?? 1);
        perSample[index] = Math.max(
          options.yieldEvery,
          Math.round((options.sampleMs * 1e6) / Math.max(perCall, 1)),
        );
      }
      if (round >= options.warmupRounds) {
        samples[index]!.push(options.clock === 'wall' ? wall : cpu);
        wallSamples[index]!.push(wall);
        cpuSamples[index]!.push(cpu);
        gcCounts[index]!.push(gcs);
        gcTimes[index]!.push(gcNs);
      }
    }
  }
  await flush();

  const retained: (number | null)[] = [];
  for (let i = 0; i < variants.length; i++) {
    const probe = options.heapProbeCalls ?? 0;
    retained.push(probe > 0 ? await retainedBytes(variants[i]!, probe, options.yieldEvery, flush) : null);
    calls[i]! += probe;
  }
  await flush();

  const allocations: (AllocationResult | null)[] = variants.map(() => null);
  const afterFullGc: (AllocationResult | null)[] = variants.map(() => null);
  const probe = options.allocationProbe;
  if (probe) {
    // Two kinds of window: after a scavenge (what a call allocates in steady state) and after a full GC
    // (the same plus what re-optimising the code thrown away by that GC allocates). All steady windows
    // come first, after one discarded window per variant: any full GC, whichever variant it precedes,
    // throws away code of every variant, which then re-optimises in its next window.
    const steady = variants.map(() => [] as { bytes: number; gcs: number }[]);
    const full = variants.map(() => [] as { bytes: number; gcs: number }[]);
    for (const [kind, into] of [
      ['scavenge', steady],
      ['full', full],
    ] as const) {
      for (let r = kind === 'scavenge' ? -1 : 0; r < probe.repeats; r++) {
        for (let k = 0; k < variants.length; k++) {
          const index = (k + Math.max(r, 0)) % variants.length;
          const window = await allocatedBytes(variants[index]!, probe.calls, options.yieldEvery, flush, kind);
          if (r >= 0) into[index]!.push(window);
          calls[index]! += probe.calls;
        }
      }
    }
    const summarize = (windows: { bytes: number; gcs: number }[]): AllocationResult => {
      const perCall = windows.map((w) => w.bytes / probe.calls);
      return {
        bytesPerCall: median(perCall),
        minBytesPerCall: Math.min(...perCall),
        maxBytesPerCall: Math.max(...perCall),
        gcsPerWindow: median(windows.map((w) => w.gcs)),
        windows: probe.repeats,
        callsPerWindow: probe.calls,
      };
    };
    for (let i = 0; i < variants.length; i++) {
      allocations[i] = summarize(steady[i]!);
      afterFullGc[i] = summarize(full[i]!);
    }
    await flush();
  }

  const raw = variants.findIndex((v) => v.name === 'raw-otel');
  const paired = (perVariant: number[][]) => {
    const base = perVariant[0]!;
    const overheads = perVariant.map((s) => median(s.map((ns, r) => ns - base[r]!)));
    const rawOverhead = raw >= 0 ? overheads[raw]! : 0;
    const ratios = overheads.map((o) => (raw >= 0 && rawOverhead > 0 ? o / rawOverhead : null));
    return { overheads, ratios };
  };
  const primary = paired(samples);
  const wallPaired = paired(wallSamples);
  const cpuPaired = paired(cpuSamples);
  const overheads = primary.overheads;
  return variants.map((v, i) => {
    const s = samples[i]!;
    const spansExpected = calls[i]! * v.spansPerCall;
    const spansExported = (v.exporter?.count ?? 0) - baseline[i]!;
    if (spansExported !== spansExpected) {
      throw new Error(
        `invalid run: ${v.name} exported ${spansExported} spans, expected ${spansExpected} (${calls[i]} calls x ${v.spansPerCall})`,
      );
    }
    const children = (v.exporter?.children ?? 0) - childBaseline[i]!;
    if (children !== calls[i]! * (v.childSpansPerCall ?? 0)) {
      throw new Error(
        `invalid run: ${v.name} exported ${children} child spans, expected ${calls[i]! * (v.childSpansPerCall ?? 0)}`,
      );
    }
    const medianNs = median(s);
    const tenths = (xs: number[]) => xs.map((x) => Math.round(x * 10) / 10);
    return {
      name: v.name,
      note: v.note,
      medianNs,
      wallMedianNs: median(wallSamples[i]!),
      cpuMedianNs: median(cpuSamples[i]!),
      iqrNs: quantile(s, 0.75) - quantile(s, 0.25),
      overheadNs: overheads[i]!,
      overheadRatio: primary.ratios[i]!,
      timeRatio: raw >= 0 ? medianNs / median(samples[raw]!) : null,
      wallOverheadNs: wallPaired.overheads[i]!,
      cpuOverheadNs: cpuPaired.overheads[i]!,
      wallOverheadRatio: wallPaired.ratios[i]!,
      cpuOverheadRatio: cpuPaired.ratios[i]!,
      allocation: allocations[i]!,
      allocationAfterFullGc: afterFullGc[i]!,
      calls: calls[i]!,
      spansExpected,
      spansExported,
      capturedChars: v.exporter?.capturedChars ?? 0,
      retainedBytesPerCall: retained[i]!,
      samplesNs: tenths(s),
      ...(options.forcedGc
        ? {
            cpuSamplesNs: tenths(cpuSamples[i]!),
            gcsPerSample: median(gcCounts[i]!),
            gcNsPerCall: median(gcTimes[i]!),
          }
        : {}),
    };
  });
}

/**
 * Bytes allocated on the V8 heap by `calls` calls of one variant, the export of their spans included.
 *
 * Node 20's `v8.getHeapStatistics()` has no allocation counter (`total_allocated_bytes` came later), so
 * it is reconstructed: a scavenge first (nothing collectable is left in the young generation; or a
 * full GC, for the `full` windows), then
 * over the window (used heap at the end - used heap at the start) + the bytes every collection inside
 * the window freed, each read from `v8.GCProfiler`'s before/after statistics of that collection.
 * Whatever was allocated is either still on the heap at the end or was freed by one of those
 * collections. The code spaces are left out of every term: machine code the JIT installs during a
 * window is not what a call allocates. Over-counts by old garbage that a full GC inside the window
 * frees (the collections per window are reported; there are almost never any); misses off-heap memory
 * (ArrayBuffer backing stores). Checked against windows with a 256 MB young generation, where no
 * collection runs and the used-heap growth alone is the allocation: see bench/README.md.
 */
async function allocatedBytes(
  variant: Variant,
  calls: number,
  yieldEvery: number,
  flush: () => Promise<void>,
  start: 'scavenge' | 'full',
): Promise<{ bytes: number; gcs: number }> {
  await flush();
  // A scavenge empties the young generation (so no collection inside the window frees garbage made
  // before it) without the full GC's side effect of throwing away optimised code whose hidden classes
  // died, which makes the window re-optimise and count the JIT's metadata: the `full` windows measure
  // that on purpose.
  if (start === 'full') fullGc();
  else minorGc();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = usedHeapWithoutCode();
  await runCalls(variant, calls, yieldEvery);
  await flush();
  const after = usedHeapWithoutCode();
  const result = profiler.stop() as GcProfile | undefined;
  let freed = 0;
  const collections = result?.statistics ?? [];
  for (const gcEvent of collections)
    freed +=
      withoutCode(gcEvent.beforeGC.heapSpaceStatistics) - withoutCode(gcEvent.afterGC.heapSpaceStatistics);
  return { bytes: after - before + freed, gcs: collections.length };
}

const CODE_SPACES = new Set(['code_space', 'code_large_object_space']);

function usedHeapWithoutCode(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics())
    if (!CODE_SPACES.has(space.space_name)) used += space.space_used_size;
  return used;
}

function withoutCode(spaces: { spaceName: string; spaceUsedSize: number }[]): number {
  let used = 0;
  for (const space of spaces) if (!CODE_SPACES.has(space.spaceName)) used += space.spaceUsedSize;
  return used;
}

/** The part of `v8.GCProfiler#stop()`'s result that `allocatedBytes` reads. */
interface GcProfile {
  statistics: {
    gcType: string;
    /** Pause, µs. */
    cost: number;
    beforeGC: { heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] };
    afterGC: { heapSpaceStatistics: { spaceName: string; spaceUsedSize: number }[] };
  }[];
}

/** Heap held after `calls` calls once everything was exported and collected: leaks show up here. */
async function retainedBytes(
  variant: Variant,
  calls: number,
  yieldEvery: number,
  flush: () => Promise<void>,
): Promise<number | null> {
  if (!hasGc()) return null;
  await flush();
  collect();
  const before = process.memoryUsage().heapUsed;
  await runCalls(variant, calls, yieldEvery);
  releaseSink();
  await flush();
  // Let timers and finalization callbacks (FinalizationRegistry) run before measuring.
  await yieldImmediate();
  collect();
  await yieldImmediate();
  collect();
  return (process.memoryUsage().heapUsed - before) / calls;
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** A connection this process tried to open to anything but loopback (there must be none). */
export const blockedConnections: string[] = [];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);

/**
 * Refuses every TCP connection to a non-loopback host, for the whole process: the peers' defaults point
 * at their clouds, and a benchmark must neither leak data nor time the internet. Every client in Node
 * (http, undici's fetch) ends in `net.Socket.prototype.connect`.
 */
export function guardNetwork(): void {
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const original = proto.connect;
  proto.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = Array.isArray(first) ? first[0] : first;
    let host: string | undefined;
    if (typeof options === 'object' && options !== null) {
      const o = options as { host?: string; path?: string };
      host = o.path !== undefined ? undefined : (o.host ?? 'localhost');
    } else if (typeof options === 'number') {
      host = typeof args[1] === 'string' ? args[1] : 'localhost';
    }
    if (host !== undefined && !LOOPBACK.has(host)) {
      blockedConnections.push(host);
      throw new Error(`bench: blocked a network connection to ${host}`);
    }
    return original.apply(this, args);
  };
}

/** Yields to the event loop once (timers excluded), so promise and immediate callbacks run. */
export function tick(): Promise<void> {
  return yieldImmediate();
}

/** Waits `ms`, for export timers that only fire from setTimeout. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** bench/, whether this code runs from the sources or from the bundle in bench/.build. */
export const benchDir = ((here: string) => (path.basename(here) === '.build' ? path.dirname(here) : here))(
  path.dirname(fileURLToPath(import.meta.url)),
);
export const repoRoot = path.resolve(benchDir, '..');

/** Set by the parent for its children: why the OpenAI adapter is not in the bundle, if it is not. */
export const ADAPTER_NOTE_ENV = 'GLASSBOX_BENCH_ADAPTER_NOTE';

/** Set by the parent for its children with `--gc --no-collect`: the forced-GC mode without its `gc()`. */
export const NO_COLLECT_ENV = 'GLASSBOX_BENCH_NO_COLLECT';

/** Set by the parent for its children with `--gc --keep-spans`: each exporter keeps its last span. */
export const KEEP_SPANS_ENV = 'GLASSBOX_BENCH_KEEP_SPANS';
const KEEP_SPANS = process.env[KEEP_SPANS_ENV] === '1';

/** Set by the parent for its children: Glassbox's `maxValueLength` when `--max-value-length` was given. */
export const MAX_VALUE_LENGTH_ENV = 'GLASSBOX_BENCH_MAX_VALUE_LENGTH';

/** The environment every scenario runs in: reproducible, and with every peer kept off the network. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing from the caller's shell may change sampling, limits, batching or where peers send data.
    if (/^(OTEL_|GLASSBOX_|TRACELOOP_|LANGFUSE_|PHOENIX_|OPENAI_|NODE_OPTIONS$|TSX_)/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    TRACELOOP_TELEMETRY: 'false',
    TRACELOOP_SYNC_ENABLED: 'false',
    TRACELOOP_BASE_URL: 'http://127.0.0.1:9',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
}

/** The bundle child processes run: the one this process runs from, or the one `useBundle` named. */
let bundlePath: string | undefined =
  path.basename(path.dirname(fileURLToPath(import.meta.url))) === '.build'
    ? fileURLToPath(import.meta.url)
    : undefined;

/** Tells the parent process (run from the sources) which bundle build.ts wrote. */
export function useBundle(file: string): void {
  bundlePath = file;
}

/** Starts the bench bundle (bench/.build/run-<pid>.mjs, see build.ts) as a child process with `--expose-gc`. */
export function forkBench(
  args: string[],
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): ChildProcess {
  const inherited = process.env[ADAPTER_NOTE_ENV];
  if (!bundlePath) throw new Error('no bench bundle: build it first (build.ts)');
  return fork(bundlePath, args, {
    cwd: repoRoot,
    env: { ...childEnv(), ...(inherited ? { [ADAPTER_NOTE_ENV]: inherited } : {}), ...extraEnv },
    execArgv: ['--expose-gc', ...nodeArgs],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
