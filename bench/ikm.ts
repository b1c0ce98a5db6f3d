// IKM benchmark (not a test): `satmon ikm` as a unit's staff run it, whole process (node bin/satmon.mjs -> the compiled
// dist/), on one head-office SKM export with the regulation's answer labels (default 50 branches x 4 quarters x 500
// respondents = 100,000 rows, the skm-2024 instrument; 1,000 resamples a branch unit, 200 a network unit, the
// defaults). Baseline, measured in the same run on the same file:
// `satmon clean` of it (reading and cleaning the export, which `satmon ikm` also does). Printed: medians of the rounds
// (interleaved), the ratio, and what the IKM itself adds (every branch and the network x 4 quarters and the year, each
// with its bootstrap CI).
// Run: npm run bench -- ikm [--rounds N] [--branches B] [--n N] [--bootstrap N]  (or npx tsx bench/ikm.ts ...).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../scripts/build.mjs';
import { childEnv } from '../shared/config';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INSTRUMENT = path.join(ROOT, 'test/fixtures/instruments/skm-2024.json');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function satmon(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/satmon.mjs', ...argv], { cwd: ROOT, encoding: 'utf8', env: childEnv({}), maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`satmon ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return ms;
}

/** A head-office SKM export: answers as the regulation's labels, deterministic (a fixed LCG). */
function skmExport(branches: number, n: number): string {
  const spec = JSON.parse(readFileSync(INSTRUMENT, 'utf8')) as { itemScales: Record<string, { labels: Record<string, number> }> };
  const unsur = Object.keys(spec.itemScales);
  const labels = unsur.map((u) => Object.keys(spec.itemScales[u]!.labels));
  let x = 12345;
  const next = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['no_responden,kantor,triwulan,' + unsur.join(',')];
  let id = 0;
  for (let b = 1; b <= branches; b++) for (const q of ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4']) for (let i = 0; i < n; i++) {
    const level = next();
    lines.push([++id, `KC${String(b).padStart(3, '0')}`, q, ...labels.map((l) => l[Math.min(3, Math.floor(level * 2 + next() * 2.2))]!)].join(','));
  }
  return lines.join('\n') + '\n';
}

export async function runIkmBench(opts: { rounds?: number; branches?: number; n?: number; bootstrap?: number } = {}, log = (l: string) => console.log(l)): Promise<void> {
  const rounds = opts.rounds ?? 3, branches = opts.branches ?? 50, n = opts.n ?? 500, nboot = opts.bootstrap ?? 1000;
  await ensureBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'satmon-bench-ikm-'));
  try {
    const file = path.join(dir, 'skm.csv');
    writeFileSync(file, skmExport(branches, n));
    const rows = branches * 4 * n;
    log(`ikm: ${rows.toLocaleString('en-US')} rows (${branches} branches x 4 quarters x ${n}), answers as labels, ${nboot} resamples per branch unit, 200 for the network's`);
    const clean: number[] = [], ikm: number[] = [];
    for (let i = 0; i < rounds; i++) {
      clean.push(satmon(['clean', '--data', file, '--out', path.join(dir, `clean-${i}`), '--instrument', INSTRUMENT]));
      ikm.push(satmon(['ikm', '--data', file, '--instrument', INSTRUMENT, '--bootstrap', String(nboot), '--out', path.join(dir, `ikm-${i}.json`)]));
    }
    const units = (JSON.parse(readFileSync(path.join(dir, 'ikm-0.json'), 'utf8')) as { units: unknown[] }).units.length;
    const c = median(clean), k = median(ikm);
    log(`  satmon clean (baseline)        ${(c / 1000).toFixed(2)} s   ${Math.round(rows / (c / 1000)).toLocaleString('en-US')} rows/s`);
    log(`  satmon ikm (${units} units)     ${(k / 1000).toFixed(2)} s   ${(k / c).toFixed(2)}x the baseline; the IKM and its CIs add ${((k - c) / 1000).toFixed(2)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, branches: { type: 'string' }, n: { type: 'string' }, bootstrap: { type: 'string' } } });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  await runIkmBench({ rounds: num(values.rounds), branches: num(values.branches), n: num(values.n), bootstrap: num(values.bootstrap) });
}
