/**
 * When tracing records nothing, a traced call must cost next to nothing (target: under 100 ns above the
 * plain call). Three ways to record nothing, each in a process of its own because each needs a
 * different global OpenTelemetry state:
 * - uninitialised: no provider and no context manager ever registered (a library traced with Glassbox,
 *   used by an app that never set tracing up); every SDK falls back to the API's no-op tracer;
 * - sampled out: every SDK set up with sample ratio 0 (Glassbox `init({ sampleRatio: 0 })`);
 * - turned off: Glassbox `init({ enabled: false })`, its kill switch (Glassbox only).
 */
import { CountingExporter, type MeasureOptions, measure, releaseSink, type Variant } from '../harness.js';
import { below, type CaseReport, glassboxRow, type ScenarioReport } from '../report.js';
import { PEERS, type SdkMode, setupSdks, variantsFor, wrap } from '../sdks.js';
import { retrieve } from './flat.js';

const QUERY = 'how do I rotate the signing keys of my workspace?';

function options(quick: boolean): MeasureOptions {
  return quick
    ? {
        rounds: 8,
        warmupRounds: 2,
        callsPerSample: 2000,
        sampleMs: 4,
        yieldEvery: 1000,
        heapProbeCalls: 5000,
      }
    : {
        rounds: 30,
        warmupRounds: 5,
        callsPerSample: 2000,
        sampleMs: 8,
        yieldEvery: 1000,
        heapProbeCalls: 10_000,
      };
}

function target(results: CaseReport['results'], what: string) {
  return below(`Glassbox overhead ${what} < 100 ns`, Math.round(glassboxRow(results).overheadNs), 100, ' ns');
}

async function runMode(mode: Exclude<SdkMode, 'active'>, quick: boolean): Promise<CaseReport> {
  const sdks = await setupSdks(mode);
  const variants = variantsFor(
    sdks,
    PEERS,
    () => retrieve(QUERY, 3),
    (peer) => {
      const traced = wrap(sdks, peer, 'retrieve', 'retriever', retrieve);
      return () => traced(QUERY, 3);
    },
    { async: false, spansPerCall: 0 },
  );
  const results = await measure(variants, options(quick), sdks.flush);
  releaseSink();
  const uninitialised = mode === 'uninitialised';
  return {
    id: `disabled-${mode}`,
    title: uninitialised
      ? 'Uninitialised (no provider, no context manager registered; flat sync call)'
      : 'Sampled out (every SDK at sample ratio 0; flat sync call)',
    unit: 'call',
    results,
    targets: [target(results, uninitialised ? 'uninitialised' : 'sampled out')],
    notes: uninitialised
      ? ['ratios to raw OpenTelemetry are of no-op costs here; the target is absolute']
      : ['every SDK uses ParentBased(TraceIdRatioBased(0)), the sampler Glassbox builds for sampleRatio 0'],
  };
}

export async function runUninitialised(quick: boolean): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  return { scenario: 'disabled-uninitialised', cases: [await runMode('uninitialised', quick)] };
}

export async function runSampledOut(quick: boolean): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  return { scenario: 'disabled-sampled-out', cases: [await runMode('sampled-out', quick)] };
}

export async function runTurnedOff(quick: boolean): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  const glassbox = await import('@glassbox/core');
  const exporter = new CountingExporter();
  const handle = glassbox.init({ exporters: [exporter], enabled: false, logLevel: 'error' });
  const traced = glassbox.trace(retrieve, { name: 'retrieve', type: 'RETRIEVER' });
  const variants: Variant[] = [
    { name: 'plain', call: () => retrieve(QUERY, 3), async: false, spansPerCall: 0 },
    { name: 'glassbox', call: () => traced(QUERY, 3), async: false, spansPerCall: 0, exporter },
  ];
  const results = await measure(variants, options(quick), () => handle.flush());
  releaseSink();
  const offCase: CaseReport = {
    id: 'disabled-off',
    title: 'Turned off (Glassbox `init({ enabled: false })`; flat sync call)',
    unit: 'call',
    results,
    targets: [target(results, 'turned off')],
    notes: [],
  };
  return { scenario: 'disabled-off', cases: [offCase] };
}
