// Compiles the CLI (cli/satmon.ts), the local product (infra/local/main.ts, what `npm start` runs) and their worker
// threads into dist/ with esbuild, so `satmon` runs plain JavaScript and tsx stays a development tool. Runs from
// `npm ci` / `npm install` (the prepare script), `npm run build`, the test suite's global setup, and bin/satmon.mjs
// when dist/ is missing or was built from other sources than the ones on disk.
//
// Layout: every entry point and every shared chunk sits flat in dist/, so code in any chunk finds an entry point
// next to its own file, e.g. new URL('./bootstrap-worker.js', import.meta.url). That is why the worker threads and
// the modules a worker rebuilds an estimator from are entry points of their own (see ENTRIES). Packages in
// node_modules stay external, imported from node_modules at run time, except the few that load much faster bundled
// (BUNDLED). Relative .mjs imports (dashboard/build.mjs) stay external too, imported from where they are, because
// they find their own files next to themselves.
//
// Importing this module is cheap (esbuild is loaded only to build): bin/satmon.mjs calls ensureBuilt() on every run.
import { readdirSync, readFileSync, renameSync, rmSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
/** What the last build read: { inputs: { [repo-relative path]: mtimeMs } }; ensureBuilt() compares it with the disk. */
const INFO = path.join(DIST, 'build-info.json');

/** Output name (dist/<name>.js) -> source. Code that starts a thread or imports by URL names these outputs. */
export const ENTRIES = {
  satmon: 'cli/satmon.ts',
  main: 'infra/local/main.ts',
  // Started by shared/stats/bootstrap/pool.ts and infra/local/assessment-runner.ts.
  'bootstrap-worker': 'shared/stats/bootstrap/worker.ts',
  'recompute-worker': 'infra/local/recompute-worker.ts',
  // Imported by bootstrap workers from an estimator recipe (shared/stats/bootstrap/recipe.ts, shared/assess/unit-estimator.ts).
  'pls-estimator': 'shared/stats/pls/index.ts',
  'unit-estimator': 'shared/assess/unit-estimator.ts',
};

/** Files that shape the output besides the sources; package-lock.json stands for the bundled packages. */
const CONFIG_INPUTS = ['scripts/build.mjs', 'tsconfig.json', 'package-lock.json'];

/**
 * Packages compiled into dist/ instead of loaded from node_modules at run time: they are many small CommonJS files
 * (@stdlib's t-cdf alone loads in ~160 ms, zod and ml-matrix ~80 ms each), which once bundled load in a few ms. The
 * others (the AWS SDK, the local stack's servers) stay external: only pipeline and assess use them.
 */
const BUNDLED = /^(@stdlib\/|zod(\/|$)|ml-matrix(\/|$)|csv-parse(\/|$))/;
// Bundled CommonJS code still require()s some modules (Node built-ins, @stdlib's optional 'debug'), which an ES
// module can do only through a require of its own.
const REQUIRE_SHIM = "import { createRequire as __satmonCreateRequire } from 'node:module'; const require = __satmonCreateRequire(import.meta.url);";
const bundleOnly = {
  name: 'bundle-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'entry-point' || BUNDLED.test(args.path) ? undefined : { path: args.path, external: true });
  },
};

/** Relative .mjs imports stay where they are; dist/ is flat, so one path relative to it serves every chunk. */
const keepMjsInPlace = {
  name: 'keep-mjs-in-place',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.mjs$/ }, (args) => ({
      path: path.relative(DIST, path.resolve(args.resolveDir, args.path)).split(path.sep).join('/'),
      external: true,
    }));
  },
};

/**
 * Builds dist/. Each file is written to a temporary name and renamed, chunks before entry points, so a satmon
 * starting meanwhile loads either the old build or the new one. Outputs of earlier builds are removed only with
 * `clean` (the command line does), because a running process (npm start) may still import its chunks lazily.
 * @param {{ clean?: boolean }} [opts]
 * @returns {Promise<{ ms: number, files: number }>}
 */
export async function build({ clean = false } = {}) {
  const t0 = performance.now();
  const started = Date.now();
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRIES).map(([out, source]) => ({ in: source, out })),
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    write: false,
    metafile: true,
    logLevel: 'warning',
    banner: { js: REQUIRE_SHIM },
    plugins: [bundleOnly, keepMjsInPlace],
  });
  mkdirSync(DIST, { recursive: true });
  const isEntry = (f) => path.dirname(f.path) === DIST && path.basename(f.path).replace(/\.js(\.map)?$/, '') in ENTRIES;
  const ordered = [...result.outputFiles.filter((f) => !isEntry(f)), ...result.outputFiles.filter(isEntry)];
  for (const f of ordered) writeAtomically(f.path, f.contents);

  // An input changed while esbuild was reading it may not be in this build: record it as unknown (-1).
  const inputs = {};
  for (const f of [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/')), ...CONFIG_INPUTS]) {
    const mtime = statSync(path.join(ROOT, f)).mtimeMs;
    inputs[f] = mtime < started ? mtime : -1;
  }
  writeAtomically(INFO, JSON.stringify({ builtAt: new Date(started).toISOString(), inputs }, null, 1) + '\n');

  if (clean) {
    const keep = new Set([...result.outputFiles.map((f) => path.basename(f.path)), path.basename(INFO)]);
    for (const name of readdirSync(DIST)) if (!keep.has(name)) rmSync(path.join(DIST, name), { recursive: true, force: true });
  }
  return { ms: performance.now() - t0, files: result.outputFiles.length };
}

function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/** True when dist/ was built from exactly the files now on disk (same paths, same modification times). */
export function isFresh() {
  let info;
  try {
    info = JSON.parse(readFileSync(INFO, 'utf8'));
  } catch {
    return false;
  }
  for (const [f, mtime] of Object.entries(info.inputs ?? {})) {
    if (statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.mtimeMs !== mtime) return false;
  }
  return Object.keys(info.inputs ?? {}).length > 0;
}

/** Builds dist/ unless it is fresh. */
export async function ensureBuilt() {
  if (isFresh()) return;
  try {
    await import('esbuild');
  } catch {
    throw new Error('dist/ is missing or out of date and esbuild is not installed to rebuild it (run npm install)');
  }
  await build();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { ms, files } = await build({ clean: true });
  console.log(`satmon built in ${ms.toFixed(0)} ms -> ${path.relative(process.cwd(), DIST) || DIST} (${files} files)`);
}
