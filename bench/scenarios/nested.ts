/**
 * Nested: a traced parent that awaits two traced children (retrieve, then generate), three spans per
 * call: the shape of a small RAG step, where context propagation to the children is part of the cost.
 */
import { measure, releaseSink } from '../harness.js';
import { type CaseReport, overheadRatioTarget, type ScenarioReport } from '../report.js';
import { PEERS, type PeerName, type Sdks, setupSdks, variantsFor, wrap } from '../sdks.js';
import { flatOptions } from './flat.js';

const QUESTION = 'which regions does the batch API run in?';

async function retrieveDocs(question: string, topK: number): Promise<string[]> {
  const docs: string[] = [];
  for (let i = 0; i < topK; i++) docs.push(`doc-${i}:${question.length}`);
  return docs;
}

async function generate(question: string, docs: string[]): Promise<string> {
  return `${docs.length} sources for: ${question}`;
}

type Pipeline = (question: string) => Promise<{ answer: string; sources: number }>;

export function plainPipeline(): Pipeline {
  return async (question) => {
    const docs = await retrieveDocs(question, 2);
    const answer = await generate(question, docs);
    return { answer, sources: docs.length };
  };
}

/** The same pipeline with every step traced by one SDK. */
export function tracedPipeline(sdks: Sdks, peer: PeerName): Pipeline {
  const tracedRetrieve = wrap(sdks, peer, 'retrieve', 'retriever', retrieveDocs);
  const tracedGenerate = wrap(sdks, peer, 'generate', 'llm', generate);
  const answer = async (question: string) => {
    const docs = await tracedRetrieve(question, 2);
    const text = await tracedGenerate(question, docs);
    return { answer: text, sources: docs.length };
  };
  return wrap(sdks, peer, 'answer', 'chain', answer);
}

export const NESTED_QUESTION = QUESTION;

export async function runNested(
  quick: boolean,
  forcedGc = false,
): Promise<Omit<ScenarioReport, 'blockedConnections'>> {
  const sdks = await setupSdks('active');
  const base = flatOptions(quick, forcedGc);
  const options = {
    ...base,
    callsPerSample: base.callsPerSample / 2,
    heapProbeCalls: (base.heapProbeCalls ?? 0) / 2,
    ...(base.allocationProbe
      ? { allocationProbe: { ...base.allocationProbe, calls: base.allocationProbe.calls / 2 } }
      : {}),
  };
  const suffix = forcedGc ? '-gc' : '';
  const plain = plainPipeline();
  const variants = variantsFor(
    sdks,
    PEERS,
    () => plain(QUESTION),
    (peer) => {
      const pipeline = tracedPipeline(sdks, peer);
      return () => pipeline(QUESTION);
    },
    { async: true, spansPerCall: 3, childSpansPerCall: 2 },
  );
  const results = await measure(variants, options, sdks.flush);
  releaseSink();
  if (sdks.strays() !== 0) throw new Error(`${sdks.strays()} spans went to no SDK's provider`);
  const nestedCase: CaseReport = {
    id: `nested${suffix}`,
    title: `Nested, async (a parent awaiting two traced children: 3 spans per call${forcedGc ? ', forced GC before each sample, wall time including the flush' : ''})`,
    unit: 'call',
    ...(forcedGc ? { clock: 'wall' as const, mode: 'forced-gc' as const } : {}),
    results,
    targets: [overheadRatioTarget(results, 1.0)],
    notes: [],
  };
  return { scenario: `nested${suffix}`, cases: [nestedCase] };
}
