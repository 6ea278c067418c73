/**
 * Bundles the bench (and the Glassbox sources it measures) the way the published packages are built,
 * before anything is timed.
 *
 * Why not run the TypeScript sources through tsx: tsx compiles with esbuild's `keepNames`, which wraps
 * every named closure in `__name(fn, "...")`, an `Object.defineProperty` on each creation. Closures
 * created per call (promise callbacks, error handlers) then cost ~100 ns each that no published build
 * pays (tsup leaves `keepNames` off), and the peers, shipped as plain JS, never pay. So the bench is
 * bundled with the esbuild that tsup uses, tsup's target (node20) and no `keepNames`; the bench's own
 * dependencies (the peers, OpenTelemetry, openai) stay external and load from bench/node_modules.
 *
 * `--core-ref=REF` (e.g. HEAD) bundles the Glassbox packages as committed at REF instead of the working
 * tree (extracted with `git archive` into bench/.build/src-<sha>/): a figure for a known commit while
 * other edits are in progress in the tree. The bench's own files always come from the working tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface EsbuildResult {
  errors: { text: string }[];
}
interface Esbuild {
  version: string;
  build(options: Record<string, unknown>): Promise<EsbuildResult>;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');

/**
 * Where the bundle is written (git-ignored by bench/.gitignore): one file per bench process, so a second
 * `pnpm bench` started meanwhile (say with another --core-ref) cannot swap the code under the scenario
 * processes of the first. run.ts deletes it at the end.
 */
export const BUNDLE = path.join(benchDir, '.build', `run-${process.pid}.mjs`);

const ADAPTER = '@glassbox/adapters/openai';

// tsup's own esbuild: the compiler of the published packages.
function loadEsbuild(): Esbuild {
  const fromRoot = createRequire(path.join(repoRoot, 'package.json'));
  const fromTsup = createRequire(fromRoot.resolve('tsup/package.json'));
  return fromTsup('esbuild') as Esbuild;
}

const git = (args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();

/**
 * The Glassbox sources as committed at `ref`: packages/, tools/ and the tsconfig files, extracted once
 * with `git archive` into bench/.build/src-<sha>/, whose tsconfig (its `paths`) then resolves every
 * `@glassbox/...` import of the bundle, so core, exporters and adapters come from the same commit.
 * Each package's third-party dependencies are linked in its node_modules to the exact versions of its
 * package.json at `ref`, from pnpm's store (the working tree's node_modules may have moved on).
 */
function sourcesAt(ref: string): { tsconfig: string; sha: string } {
  const sha = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = path.join(benchDir, '.build', `src-${sha.slice(0, 12)}`);
  const tsconfig = path.join(dir, 'tsconfig.json');
  if (!existsSync(tsconfig)) {
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const tar = execFileSync(
      'git',
      ['archive', '--format=tar', sha, '--', 'packages', 'tools', 'tsconfig.json', 'tsconfig.base.json'],
      { cwd: repoRoot, maxBuffer: 512 * 2 ** 20 },
    );
    execFileSync('tar', ['-x', '-C', partial], { input: tar });
    const store = path.join(repoRoot, 'node_modules/.pnpm');
    const entries = existsSync(store) ? readdirSync(store) : [];
    for (const group of ['packages', 'tools']) {
      const groupDir = path.join(partial, group);
      if (!existsSync(groupDir)) continue;
      for (const pkg of readdirSync(groupDir)) {
        const manifestFile = path.join(groupDir, pkg, 'package.json');
        if (!existsSync(manifestFile)) continue;
        const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
          dependencies?: Record<string, string>;
        };
        for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
          if (version.startsWith('workspace:')) continue; // resolved by the tsconfig's paths
          const prefix = `${name.replace('/', '+')}@${version}`;
          const entry = entries.find((e) => e === prefix || e.startsWith(`${prefix}_`));
          const target = entry
            ? path.join(store, entry, 'node_modules', name)
            : path.join(repoRoot, group, pkg, 'node_modules', name);
          if (!existsSync(target)) continue; // external to the bundle (a bench dependency), or unused
          const link = path.join(groupDir, pkg, 'node_modules', name);
          mkdirSync(path.dirname(link), { recursive: true });
          symlinkSync(target, link, 'dir');
        }
      }
    }
    renameSync(partial, dir);
  }
  return { tsconfig, sha };
}

/** Which Glassbox core a bundle holds: the working tree (and whether it differs from HEAD) or a commit. */
function describeWorkingTreeCore(): string {
  try {
    const changed = git(['status', '--porcelain', '--', 'packages/core/src']).split('\n').filter(Boolean);
    const head = git(['rev-parse', '--short=12', 'HEAD']);
    return changed.length === 0
      ? `working tree (= HEAD ${head})`
      : `working tree (HEAD ${head} + ${changed.length} changed file(s) in packages/core/src)`;
  } catch {
    return 'working tree';
  }
}

export interface BuildOptions {
  /** Bundle the Glassbox packages as committed at this git revision instead of the working tree. */
  coreRef?: string;
}

/** Builds bench/.build/run-<pid>.mjs; returns a note when the OpenAI adapter had to be left out. */
export async function buildBench(
  options: BuildOptions = {},
): Promise<{ bundle: string; esbuild: string; core: string; adapterNote?: string }> {
  const esbuild = loadEsbuild();
  const ref = options.coreRef ? sourcesAt(options.coreRef) : undefined;
  const core = ref
    ? `${options.coreRef} = ${ref.sha.slice(0, 12)} (packages/ and tools/ from git archive)`
    : describeWorkingTreeCore();
  const manifest = JSON.parse(readFileSync(path.join(benchDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const external = Object.keys(manifest.dependencies);
  const build = (extraExternal: string[]) =>
    esbuild.build({
      entryPoints: [path.join(benchDir, 'run.ts')],
      outfile: BUNDLE,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      keepNames: false,
      sourcemap: 'linked',
      // A commit's sources (--core-ref): its own tsconfig sends every `@glassbox/...` import to them.
      tsconfig: ref ? ref.tsconfig : path.join(repoRoot, 'tsconfig.json'),
      external: [...external, ...extraExternal],
      logLevel: 'silent',
      // Bundled CommonJS dependencies (of the exporters) may call require() for externals.
      banner: {
        js: "import { createRequire as __benchCreateRequire } from 'node:module';\nconst require = __benchCreateRequire(import.meta.url);",
      },
    });
  const adapterSource = path.join(repoRoot, 'packages/adapters/src/openai/index.ts');
  if (!existsSync(adapterSource)) {
    await build([ADAPTER]);
    return { bundle: BUNDLE, esbuild: esbuild.version, core, adapterNote: `${ADAPTER} does not exist yet` };
  }
  try {
    await build([]);
    return { bundle: BUNDLE, esbuild: esbuild.version, core };
  } catch (error) {
    // The adapter is being written in this same tree: a half-edited file must not stop the other scenarios.
    await build([ADAPTER]);
    const message = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    return {
      bundle: BUNDLE,
      esbuild: esbuild.version,
      core,
      adapterNote: `${ADAPTER} did not build: ${message}`,
    };
  }
}
