// Helpers shared by the viewer benchmarks (cli-ingest, cli-store): seeded prose, on-disk size, the
// machine a run was measured on and the results files.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

// Varied text (a seeded generator over a vocabulary), so bodies compress and index like real prose, not like a repeat.
const words = (
  'the order shipped from our warehouse in Lyon on Monday and should arrive within three business days ' +
  'please check tracking number carrier delayed weather customer refund policy return window boots tent ' +
  'warranty covers manufacturing defects not wear receipt email account support agent escalate ticket ' +
  'priority replacement parcel address postcode signature required locker pickup store opening hours'
).split(' ');
let seed = 42;

// The next number in [0, 1): the same sequence every run.
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

/** `n` characters of seeded prose. */
export function text(n: number): string {
  let out = '';
  while (out.length < n) out += `${words[Math.floor(random() * words.length)]}${random() < 0.1 ? '. ' : ' '}`;
  return out.slice(0, n);
}

/** The bytes of the files in `dir` (a store's db and WAL). */
export function diskBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
}

/** The machine a run was measured on, with the load average before it (`os.loadavg()`) and now. */
export function machineInfo(loadAverageBefore: number[]): {
  cpu: string;
  cores: number;
  node: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
} {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    loadAverageBefore,
    loadAverageAfter: os.loadavg(),
  };
}

/** Writes bench/results/`name`.json and .md and says so. */
export function writeResults(name: string, json: object, md: string): void {
  writeFileSync(path.join(benchDir, `results/${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(benchDir, `results/${name}.md`), `${md}\n`);
  process.stdout.write(`wrote bench/results/${name}.{json,md}\n`);
}
