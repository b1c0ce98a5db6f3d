// Builds the dashboard into dashboard/dist: one minified ES bundle (app.js, Chart.js tree-shaken in), the
// stylesheet and index.html. Run `node dashboard/build.mjs` (npm start and the browser tests call buildDashboard()).
// Prints the gzipped size of every JS file; the page budget is 300 KB of gzipped JS.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @returns {Promise<{ outDir: string, files: { file: string, bytes: number, gzipBytes: number }[] }>} */
export async function buildDashboard({ outDir = path.join(here, 'dist'), minify = true, sourcemap = false } = {}) {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: { app: path.join(here, 'src/main.ts') },
    bundle: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify,
    sourcemap,
    outdir: outDir,
    legalComments: 'none',
    // Chart.js is ESM with "sideEffects": false: only the registered controllers and elements are bundled.
    treeShaking: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  await copyFile(path.join(here, 'src/styles.css'), path.join(outDir, 'app.css'));
  await copyFile(path.join(here, 'src/index.html'), path.join(outDir, 'index.html'));
  const files = [];
  for (const f of await readdir(outDir)) {
    const full = path.join(outDir, f);
    if (!(await stat(full)).isFile()) continue;
    const body = await readFile(full);
    files.push({ file: f, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length });
  }
  await writeFile(path.join(outDir, 'sizes.json'), JSON.stringify(files, null, 2) + '\n');
  return { outDir, files };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = performance.now();
  const { outDir, files } = await buildDashboard();
  for (const f of files) console.log(`${f.file.padEnd(12)} ${(f.bytes / 1024).toFixed(1).padStart(7)} KB  gzip ${(f.gzipBytes / 1024).toFixed(1).padStart(6)} KB`);
  console.log(`dashboard built in ${(performance.now() - t).toFixed(0)} ms -> ${path.relative(process.cwd(), outDir) || outDir}`);
}
