// Multigroup comparison benchmark: mobi split by CUEX1 < 8 (108 vs 142 rows, as seminr's estimate_pls_mga example)
//  - the permutation test with 1000 permutations (+ MICOM), both engines (moments: correlation matrices from moment
//    sums over the smaller group; gather: copies both groups and runs createPlsEstimator), ECSI and the two-stage
//    interaction model;
//  - PLS-MGA with 1000 bootstrap resamples per group, one thread and two worker threads;
//  - permutations of very unequal groups (100 rows vs 30,000), where the moments engine's cost follows the small
//    group and the gather engine's the whole data: mobi rows repeated, and the satisfaction model
//    (shared/models/satisfaction.json: 23 items, the TRUST*GOV two-stage term) on synthetic 1-5 answers with 3% of
//    the cells missing;
//  - seminr's estimate_pls_mga(nboot = 1000, cores = 2) on the same split, and R's time for 20 permutations of the
//    same test written with estimate_pls (scaled to 1000), when Rscript and seminr are installed.
// Run: npx tsx bench/pls-mga.ts [permutations] [nboot]. Not a test: it prints, it does not assert.
import { mobiModelR, runSeminr } from './seminr';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { permutationTest } from '../shared/stats/pls/permutation';
import { plsMga } from '../shared/stats/pls/mga';
import { readFileSync } from 'node:fs';
import { parsePlsModel } from '../shared/models/spec';
import { selectRows, type DataTable } from '../shared/stats/table';
import { mulberry32 } from '../test/helpers/random';
import { mgaSpec, mobiGroups } from '../test/unit/shared/stats/pls/mga-fixture';

export interface MgaBenchRow { job: string; ms: number; cpuMs: number }

async function timed(job: string, f: () => unknown | Promise<unknown>): Promise<MgaBenchRow> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const row = { job, ms, cpuMs: (c.user + c.system) / 1000 };
  console.log(`${job.padEnd(64)} ${ms.toFixed(0).padStart(7)} ms wall ${row.cpuMs.toFixed(0).padStart(7)} ms CPU`);
  return row;
}

const R_SCRIPT = (nboot: number, nperm: number) => `
mobi <- read.csv("test/fixtures/reference/data/mobi.csv")
cond <- mobi$CUEX1 < 8
${mobiModelR()}
est <- function(d) suppressMessages(estimate_pls(data = d, measurement_model = mm, structural_model = sm))
m <- est(mobi)
t0 <- Sys.time()
invisible(suppressMessages(estimate_pls_mga(m, cond, nboot = ${nboot}, seed = 123, cores = 2)))
cat("mga", as.numeric(difftime(Sys.time(), t0, units = "secs")), "\\n")
pooled <- rbind(mobi[cond, ], mobi[!cond, ])
t0 <- Sys.time()
for (i in 1:${nperm}) { set.seed(123 + i); idx <- sample.int(250, 108); est(pooled[idx, ]); est(pooled[-idx, ]) }
cat("perm", as.numeric(difftime(Sys.time(), t0, units = "secs")), "\\n")
`;

/** 10 and 110 permutations of unequal groups: the setup (pooling, total moment sums) and the cost per permutation. */
async function unequal(label: string, spec: ReturnType<typeof parsePlsModel>, A: DataTable, B: DataTable, engine: 'moments' | 'gather'): Promise<MgaBenchRow[]> {
  // with interaction terms the moments engine is timed both ways (moment sums / rows; by default it picks the
  // cheaper for the number of permutations asked, and for 1000 of these that is the moment sums)
  const variants: ('moments' | 'rows' | undefined)[] = engine === 'moments' && spec.interactions.length ? ['moments', 'rows'] : [undefined];
  const out: MgaBenchRow[] = [];
  for (const interactions of variants) {
    const name = `${label}, ${engine}${interactions ? ` (interactions: ${interactions})` : ''}`;
    const run = (permutations: number) => () => permutationTest(spec, A, B, { permutations, seed: 1, engine, micom: false, ...(interactions ? { interactions } : {}) });
    const r1 = await timed(`${name}, 10 perms`, run(10));
    const r2 = await timed(`${name}, 110 perms`, run(110));
    const per = (r2.cpuMs - r1.cpuMs) / 100;
    console.log(`${''.padEnd(64)} ${per.toFixed(2).padStart(7)} ms CPU per permutation, setup ${(r1.cpuMs - 10 * per).toFixed(0)} ms`);
    out.push(r1, r2);
  }
  return out;
}

/** n synthetic answers (1-5) to the model's items: one latent factor per construct, loadings .8, 3% missing. */
function satisfactionData(spec: ReturnType<typeof parsePlsModel>, n: number, seed: number): DataTable {
  const rnd = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const names = Object.values(spec.constructs).flatMap((c) => c.items);
  const cols = names.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const g = normal();
    let j = 0;
    for (const c of Object.values(spec.constructs)) {
      const eta = 0.6 * g + 0.8 * normal();
      for (let k = 0; k < c.items.length; k++, j++) {
        const v = Math.min(5, Math.max(1, Math.round(3 + 0.8 * eta + 0.6 * normal())));
        cols[j]![r] = rnd() < 0.03 ? NaN : v;
      }
    }
  }
  return { names, cols, n };
}

/** seminr's times (seconds), or null when Rscript or seminr is missing. */
function seminrTimes(nboot: number, nperm: number): { mga: number; perm: number } | null {
  const r = runSeminr(R_SCRIPT(nboot, nperm));
  if ('skipped' in r) { console.log(`seminr: skipped (${r.skipped})`); return null; }
  const get = (k: string) => Number(new RegExp(`${k} ([\\d.e+-]+)`).exec(r.stdout)?.[1]);
  return { mga: get('mga'), perm: get('perm') };
}

export async function runMgaBench(permutations = 1000, nboot = 1000): Promise<MgaBenchRow[]> {
  const { A, B, data } = mobiGroups();
  const rows: MgaBenchRow[] = [];
  console.log(`mobi split by CUEX1 < 8: nA = ${A.n}, nB = ${B.n}; ${permutations} permutations, ${nboot} resamples per group, seed 123`);
  for (const file of ['mobi-ecsi', 'mobi-two-stage']) {
    const spec = mgaSpec(file);
    permutationTest(spec, A, B, { permutations: 50, seed: 9 }); // JIT warm-up
    for (const engine of ['moments', 'gather'] as const) {
      rows.push(await timed(`${file}: permutation test + MICOM, ${permutations} perms, ${engine}`, () => permutationTest(spec, A, B, { permutations, seed: 123, engine })));
    }
  }
  const spec = mgaSpec('mobi-ecsi');
  for (const workers of [1, 2]) {
    rows.push(await timed(`mobi-ecsi: PLS-MGA, ${nboot} resamples per group, ${workers} thread${workers > 1 ? 's' : ''}`, () => plsMga(spec, A, B, { nboot, seed: 123, workers })));
  }
  const big = selectRows(data, Int32Array.from({ length: 30000 }, (_, i) => (i * 7919) % data.n));
  const small = selectRows(A, [...Array(100).keys()]);
  for (const file of ['mobi-ecsi', 'mobi-two-stage']) {
    for (const engine of ['moments', 'gather'] as const) {
      rows.push(...await unequal(`${file}: 100 vs 30,000 rows`, mgaSpec(file), small, big, engine));
    }
  }
  const sat = parsePlsModel(JSON.parse(readFileSync(new URL('../shared/models/satisfaction.json', import.meta.url), 'utf8')), 'satisfaction.json');
  const satA = satisfactionData(sat, 100, 1), satB = satisfactionData(sat, 30000, 2);
  for (const engine of ['moments', 'gather'] as const) {
    rows.push(...await unequal('satisfaction: 100 vs 30,000 rows, 3% missing', sat, satA, satB, engine));
  }
  if (process.env.MGA_BENCH_NO_R) return rows;
  const rPerm = 20;
  const seminr = seminrTimes(nboot, rPerm);
  if (seminr) {
    console.log(`seminr estimate_pls_mga(nboot = ${nboot}, cores = 2): ${seminr.mga.toFixed(1)} s (includes its 2-process cluster start, twice)`);
    console.log(`R permutation test with estimate_pls: ${rPerm} permutations ${seminr.perm.toFixed(1)} s → ${((seminr.perm * permutations) / rPerm).toFixed(0)} s for ${permutations} (scaled)`);
    const ours = rows.filter((r) => r.job.startsWith('mobi-ecsi: PLS-MGA')).sort((a, b) => a.ms - b.ms)[0]!;
    const perm = rows.find((r) => r.job.startsWith('mobi-ecsi: permutation') && r.job.endsWith('moments'))!;
    console.log(`speed-up: PLS-MGA ${(seminr.mga * 1000 / ours.ms).toFixed(0)}x (seminr on 2 cores, ours at its fastest); permutation test ${((seminr.perm * permutations) / rPerm * 1000 / perm.ms).toFixed(0)}x (one thread each)`);
  } else {
    console.log('seminr not available (Rscript or library(seminr) missing): no R times');
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMgaBench(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 1000));
  process.exit(0);
}
