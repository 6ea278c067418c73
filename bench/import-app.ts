/**
 * The app the import-time scenario (issue 19) measures in: the built Glassbox packages as a user gets
 * them, `pnpm pack`ed (which rewrites `workspace:*` to versions) and installed with plain npm into an
 * empty directory outside the monorepo, next to the OpenTelemetry packages and peers the baselines
 * import on their own.
 *
 * The app is cached under os.tmpdir(), keyed by the tarballs' hashes and the extra packages: a second
 * run with the same build installs nothing and needs no network. Packing needs a built dist/
 * (`pnpm build`); a dist older than its sources is refused, since it would time code that is not there.
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, repoRoot } from './harness.js';

/** The Glassbox packages, in dependency order. */
export const GLASSBOX_PACKAGES = ['core', 'exporters', 'adapters'] as const;
export type GlassboxPackage = (typeof GLASSBOX_PACKAGES)[number];

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function manifest(pkg: GlassboxPackage): Manifest {
  return JSON.parse(readFileSync(path.join(repoRoot, 'packages', pkg, 'package.json'), 'utf8')) as Manifest;
}

const BENCH_MANIFEST = JSON.parse(readFileSync(path.join(benchDir, 'package.json'), 'utf8')) as Manifest;

/**
 * The OpenTelemetry packages a Glassbox package depends on (dependencies and peers), with those of the
 * Glassbox packages it depends on: what installing it brings in, name → pinned version.
 */
export function otelDependencies(pkg: GlassboxPackage): Record<string, string> {
  const m = manifest(pkg);
  const out: Record<string, string> = {};
  for (const [name, range] of Object.entries({ ...m.peerDependencies, ...m.dependencies })) {
    if (name.startsWith('@glassbox/'))
      Object.assign(out, otelDependencies(name.slice(10) as GlassboxPackage));
    else if (name.startsWith('@opentelemetry/')) {
      // Peers are ranges (`^1.9.0`); install the version the repository develops against.
      out[name] = /^\d/.test(range)
        ? range
        : (m.devDependencies?.[name] ?? BENCH_MANIFEST.dependencies![name]!);
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Peers installed for the baselines and for the entries that import a peer, at the bench's versions. */
export function extraPackages(): string[] {
  const bench = BENCH_MANIFEST.dependencies!;
  const adapters = manifest('adapters').devDependencies!;
  const otel: Record<string, string> = {};
  for (const pkg of GLASSBOX_PACKAGES) Object.assign(otel, otelDependencies(pkg));
  return [
    ...Object.entries(otel).map(([name, version]) => `${name}@${version}`),
    `zod@${adapters.zod}`,
    `openai@${bench.openai}`,
    `@arizeai/openinference-core@${bench['@arizeai/openinference-core']}`,
    `@langfuse/tracing@${bench['@langfuse/tracing']}`,
  ];
}

/** Newest modification time of the files under `dir` (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** npm must not see pnpm's settings for the bench process (user agent, lifecycle variables). */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key) && !/^npm_config_(registry|cache|proxy|https_proxy|cafile)$/i.test(key))
      continue;
    if (key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

export interface ImportApp {
  dir: string;
  /** Reused from an earlier run (nothing installed, no network). */
  cached: boolean;
  /** name@version of every package installed at the app's top level. */
  installed: Record<string, string>;
  tarballs: Record<string, string>;
  npm: string;
}

/** Packs the Glassbox packages and returns the app they are installed in (installing it if needed). */
export function importApp(log: (line: string) => void): ImportApp {
  for (const pkg of GLASSBOX_PACKAGES) {
    const dist = path.join(repoRoot, 'packages', pkg, 'dist');
    if (!existsSync(dist)) throw new Error(`packages/${pkg}/dist is missing: run pnpm build first`);
    if (newest(path.join(repoRoot, 'packages', pkg, 'src')) > newest(dist))
      throw new Error(`packages/${pkg}/dist is older than its sources: run pnpm build first`);
  }
  const packDir = mkdtempSync(path.join(os.tmpdir(), 'glassbox-pack-'));
  try {
    const tarballs: Record<string, string> = {};
    const hash = createHash('sha256');
    for (const pkg of GLASSBOX_PACKAGES) {
      execFileSync('pnpm', ['pack', '--pack-destination', packDir], {
        cwd: path.join(repoRoot, 'packages', pkg),
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    for (const file of readdirSync(packDir).sort()) {
      const digest = createHash('sha256')
        .update(readFileSync(path.join(packDir, file)))
        .digest('hex');
      tarballs[file] = digest;
      hash.update(`${file} ${digest}\n`);
    }
    const extra = extraPackages();
    hash.update(extra.join('\n'));
    hash.update(process.version);
    const key = hash.digest('hex').slice(0, 16);
    const root = path.join(os.tmpdir(), 'glassbox-bench-import-time');
    const dir = path.join(root, key);
    const npm = execFileSync('npm', ['--version'], { encoding: 'utf8', env: npmEnv() }).trim();
    const marker = path.join(dir, 'installed.json');
    if (existsSync(marker)) {
      log(`app: ${dir} (cached, keyed by the tarballs' hashes)`);
      return { dir, cached: true, installed: readInstalled(dir), tarballs, npm };
    }
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    writeFileSync(
      path.join(partial, 'package.json'),
      `${JSON.stringify({ name: 'glassbox-import-time-app', version: '0.0.0', private: true }, null, 2)}\n`,
    );
    const local: string[] = [];
    for (const file of Object.keys(tarballs)) {
      copyFileSync(path.join(packDir, file), path.join(partial, file));
      local.push(`./${file}`);
    }
    log(`app: installing into ${partial} with npm ${npm}: ${[...local, ...extra].join(' ')}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', ...local, ...extra], {
      cwd: partial,
      env: npmEnv(),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // The app was moved after its install: npm's lock file keeps relative paths, which still hold.
    const installed = readInstalled(partial);
    writeFileSync(path.join(partial, 'installed.json'), `${JSON.stringify(installed, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
    return { dir, cached: false, installed, tarballs, npm };
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

function readInstalled(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const modules = path.join(dir, 'node_modules');
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`)
      : [entry];
    for (const name of names) {
      const file = path.join(modules, name, 'package.json');
      if (existsSync(file)) out[name] = (JSON.parse(readFileSync(file, 'utf8')) as Manifest).version;
    }
  }
  return out;
}
