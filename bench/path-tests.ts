// Path-test benchmark (not a test): what the network's recompute spends testing every branch's paths against the rest
// of the network (shared/assess/path-tests.ts) with the defaults (SATMON_PATH_PERMUTATIONS, SATMON_PATH_REST_ROWS), on
// a simulated network of 300 branches x 100 respondents, one thread. Baseline, measured in the same run: the network's
// own satisfaction-model bootstrap on the same rows (SATMON_NBOOT_AGGREGATE resamples), the work the recompute already
// did before the tests. The recompute runs in one Lambda (900 s at most): the figure says how far that is.
// Run: npx tsx bench/path-tests.ts [--branches N] [--n N]  (or npm run bench -- path-tests).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanDrop, defaultInstrument, formatCleanHeader, formatCleanRow, simulateDrops } from '../shared/survey';
import { frameFromCleanCsv } from '../shared/assess/frame';
import { branchesVersusRest } from '../shared/assess/path-tests';
import { DEFAULT_SETTINGS } from '../shared/assess/recompute';
import { loadConfig } from '../shared/config';
import { satisfactionModel } from '../shared/models';
import { createPlsEstimator } from '../shared/stats/pls';
import { bootstrapPls } from '../shared/stats/bootstrap';
import { selectColumns } from '../shared/stats/table';

export async function runPathTestsBench(opts: { branches?: number; n?: number } = {}, log = (l: string) => console.log(l)): Promise<void> {
  const branches = opts.branches ?? 300, n = opts.n ?? 100;
  const cfg = loadConfig({}).recompute;
  const sim = simulateDrops({ seed: 'bench-path-tests', branches, periods: '2025-Q1', n, format: 'plain' });
  const texts: { text: string; source: string }[] = [];
  for (const d of sim.drops) {
    let text = formatCleanHeader(defaultInstrument);
    await cleanDrop(d.text, { instrument: defaultInstrument, source: d.file, onClean: (r) => { text += formatCleanRow(defaultInstrument, r); }, onReject: () => {} });
    texts.push({ text, source: d.file });
  }
  const frame = frameFromCleanCsv(texts, defaultInstrument);
  const items = [...new Set(Object.values(satisfactionModel.constructs).flatMap((c) => c.items))];
  const t0 = performance.now();
  await bootstrapPls(createPlsEstimator(satisfactionModel), selectColumns(frame.items, items), { nboot: cfg.nbootAggregate, seed: DEFAULT_SETTINGS.seed });
  const baseMs = performance.now() - t0;
  const t1 = performance.now();
  const { tests, skipped } = branchesVersusRest(frame, satisfactionModel, { permutations: cfg.permutations, seed: DEFAULT_SETTINGS.seed, minN: cfg.minN, restRows: cfg.restRows });
  const ms = performance.now() - t1;
  const nTests = Object.keys(tests).length;
  log(`path-tests: ${branches} branches x ${n} respondents (${frame.n} rows), ${cfg.permutations} permutations, rest of network <= ${cfg.restRows} rows, one thread`);
  log(`  network bootstrap, ${cfg.nbootAggregate} resamples (baseline) ${(baseMs / 1000).toFixed(1).padStart(7)} s`);
  log(`  path tests of ${nTests} branches${Object.keys(skipped).length ? ` (${Object.keys(skipped).length} skipped)` : ''}      ${(ms / 1000).toFixed(1).padStart(7)} s  = ${(ms / baseMs).toFixed(1)}x the baseline, ${(ms / nTests).toFixed(0)} ms per branch`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { branches: { type: 'string' }, n: { type: 'string' } } });
  await runPathTestsBench({ ...(values.branches ? { branches: Number(values.branches) } : {}), ...(values.n ? { n: Number(values.n) } : {}) });
}
