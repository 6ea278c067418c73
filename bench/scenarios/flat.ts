/**
 * Flat call: one traced function with two small arguments and a small result, the cost a user pays on
 * every call of a hot path. Sync and async, because `trace` takes a different path for each (an async
 * result is settled through `then`).
 */
import { type MeasureOptions, measure, releaseSink } from '../harness.js';
import { type CaseReport, overheadRatioTarget, type ScenarioReport } from '../report.js';
import { PEERS, setupSdks, variantsFor, wrap } from '../sdks.js';

const QUERY = 'how do I rotate the signing keys of my workspace?';

/** A small, realistic step: a lookup that returns a few ids. */
export function retrieve(query: string, topK: number): { query: string; ids: number[] } {
  const ids: number[] = [];
  for (let i = 0; i < topK; i++) ids.push(query.length * (i + 1));
  return { query, ids };
}

export async function retrieveAsync(query: string, topK: number): Promise<{ query: string; ids: number[] }> {
  return retrieve(query, topK);
}

export function flatOptions(quick: boolean, forcedGc = false): MeasureOptions {
  const base: MeasureOptions = quick
    ? { rounds: 8, warmupRounds: 2, callsPerSample: 1000, yieldEvery: 200, heapProbeCalls: 2000 }
    : { rounds: 90, warmupRounds: 5, callsPerSample: 2000, yieldEvery: 200, heapProbeCalls: 5000 };
  if (!forcedGc) return base;
  // Issue 14's measurement: a full GC before each sample, wall time including the flush, and bytes
  // allocated per call. Same sample size as the default mode, so the two modes compare.
  return {
    ...base,
    clock: 'wall',
    forcedGc: true,
    heapProbeCalls: 0,
    allocationProbe: { calls: base.callsPerSample, repeats: quick ? 3 : 7 },
  };
}

/** The flat workloads, for the allocation-site profile (alloc-sites.ts). */
export const FLAT_QUERY = QUERY;

export async function runFlat(
  quick: boolean,
  forcedGc = false,
): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  const sdks = await setupSdks('active');
  const options = flatOptions(quick, forcedGc);
  const suffix = forcedGc ? '-gc' : '';
  const how = forcedGc ? ', forced GC before each sample, wall time including the flush' : '';

  const syncVariants = variantsFor(
    sdks,
    PEERS,
    () => retrieve(QUERY, 3),
    (peer) => {
      const traced = wrap(sdks, peer, 'retrieve', 'retriever', retrieve);
      return () => traced(QUERY, 3);
    },
    { async: false, spansPerCall: 1 },
  );
  const syncResults = await measure(syncVariants, options, sdks.flush);

  const asyncVariants = variantsFor(
    sdks,
    PEERS,
    () => retrieveAsync(QUERY, 3),
    (peer) => {
      const traced = wrap(sdks, peer, 'retrieve', 'retriever', retrieveAsync);
      return () => traced(QUERY, 3);
    },
    { async: true, spansPerCall: 1 },
  );
  const asyncResults = await measure(asyncVariants, options, sdks.flush);
  releaseSink();
  if (sdks.strays() !== 0) throw new Error(`${sdks.strays()} spans went to no SDK's provider`);

  const cases: CaseReport[] = [
    {
      id: `flat-sync${suffix}`,
      title: `Flat call, sync (two small arguments, small result${how})`,
      unit: 'call',
      ...(forcedGc ? { clock: 'wall' as const, mode: 'forced-gc' as const } : {}),
      results: syncResults,
      targets: [overheadRatioTarget(syncResults, 1.0)],
      notes: [],
    },
    {
      id: `flat-async${suffix}`,
      title: `Flat call, async (awaited${how})`,
      unit: 'call',
      ...(forcedGc ? { clock: 'wall' as const, mode: 'forced-gc' as const } : {}),
      results: asyncResults,
      targets: [overheadRatioTarget(asyncResults, 1.0)],
      notes: [],
    },
  ];
  return { scenario: `flat${suffix}`, cases };
}
