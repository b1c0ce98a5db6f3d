// The IKM on the embedded stack with the SKM-only instrument (no constructs, answers as the regulation's
// labels): ingest -> recompute -> quarterly and annual assessments store IKM and NRR series for every branch, region
// and the network, equal to `satmon ikm` on the same drops; the directory's populations give the sample size; one
// branch whose grade falls from B to C raises an IKM_BAND alert, and only that one.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineSummary } from '../../infra/local/pipeline';
import type { LocalStack } from '../../infra/local/stack';
import { getItem } from '../../lambdas/aws/dynamo';
import { run as ikmCli } from '../../cli/commands/ikm';
import type { MetricItem, SummaryItem } from '../../shared/assess/records';
import { keys, type Unit } from '../../shared/layout/keys';

const root = path.resolve(__dirname, '../..');
const instrumentFile = path.join(root, 'test/fixtures/instruments/skm-2024.json');
const spec = JSON.parse(readFileSync(instrumentFile, 'utf8')) as { itemScales: Record<string, { labels: Record<string, number> }> };
const U = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9'];
const Q = ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4'];
const N = 40;
const env = { SATMON_NBOOT: '60', SATMON_NBOOT_AGGREGATE: '30', SATMON_WORKERS: '1', SATMON_PATH_PERMUTATIONS: '0' };

/** Answers giving an exact IKM: "A" 3.6 (IKM 90), "B" 3.2 (80), "C" 2.9 (72.5) in every unsur, shuffled by unsur. */
const LEVELS = { A: [24, 16, 0], B: [8, 32, 0], C: [0, 36, 4] } as const; // counts of 4, 3 and 2
function answers(level: keyof typeof LEVELS, j: number): number[] {
  const [fours, threes] = LEVELS[level];
  const codes = Array.from({ length: N }, (_, i) => (i < fours ? 4 : i < fours + threes ? 3 : 2));
  return codes.map((_, i) => codes[(i * 7 + j * 3) % N]!); // 7 is prime to 40: a permutation
}
const PLAN: Record<string, { region: string; population: number; levels: (keyof typeof LEVELS)[] }> = {
  KC01: { region: 'R1', population: 2000, levels: ['B', 'B', 'B', 'C'] }, // falls from B to C in Q4
  KC02: { region: 'R1', population: 300, levels: ['A', 'A', 'A', 'A'] },
  KC03: { region: 'R2', population: 10000, levels: ['B', 'B', 'B', 'B'] },
  KC04: { region: 'R2', population: 500, levels: ['C', 'C', 'C', 'C'] },
};
const labelOf = (u: string, c: number) => Object.entries(spec.itemScales[u]!.labels).find(([, v]) => v === c)![0];

let dir: string;
let stack: LocalStack;
let summary: PipelineSummary;
let cli: { branch: string; period: string; n: number; ikm: number; band: string; nrr: Record<string, number>; sample?: { required: number } }[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'satmon-ikm-'));
  const drops = path.join(dir, 'drops');
  let id = 0;
  for (const [b, plan] of Object.entries(PLAN)) {
    mkdirSync(path.join(drops, `branch=${b}`), { recursive: true });
    Q.forEach((q, k) => {
      const cols = U.map((_, j) => answers(plan.levels[k]!, j));
      const lines = ['no_responden,kantor,triwulan,' + U.join(',')];
      for (let i = 0; i < N; i++) lines.push([++id, b, q, ...U.map((u, j) => labelOf(u, cols[j]![i]!))].join(','));
      writeFileSync(path.join(drops, `branch=${b}`, `skm-${q}.csv`), lines.join('\n') + '\n');
    });
  }
  writeFileSync(path.join(drops, 'branches.json'), JSON.stringify(Object.entries(PLAN).map(([id, p]) => ({ id, region: p.region, population: p.population }))));
  const ran = await runPipeline({ dropsDir: drops, dataDir: path.join(dir, 'data'), instrumentFile, env, annual: true, keepStack: true });
  summary = ran.summary;
  stack = ran.stack;
  const out = path.join(dir, 'cli.json');
  await ikmCli(['--data', drops, '--instrument', instrumentFile, '--branches', path.join(drops, 'branches.json'), '--bootstrap', '0', '--out', out]);
  cli = JSON.parse(readFileSync(out, 'utf8')).units;
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const metric = (u: Unit, m: string, period: string) => {
  const { pk, sk } = keys.metric(u, m, period);
  return getItem<MetricItem>(stack.ddb, stack.names.table, { pk, sk });
};
const summaryOf = (u: Unit, period: string) => getItem<SummaryItem>(stack.ddb, stack.names.table, keys.periodSummary(u, period));

describe('the IKM through the pipeline (SKM-only instrument)', () => {
  it('ingests every row and assesses every quarter and the year', () => {
    expect(summary.cleanRows).toBe(4 * 4 * N);
    expect(summary.rejectedRows).toBe(0);
    expect(summary.periods).toEqual(Q);
    expect(summary.years).toEqual(['2024']);
    expect(summary.runs.flatMap((r) => r.failures)).toEqual([]);
  });

  it('stores IKM exactly as designed (90 / 80 / 72.5) and each NRR, per branch and quarter', async () => {
    const kc01q4 = await metric({ kind: 'branch', id: 'KC01' }, 'IKM', '2024-Q4');
    expect(kc01q4!.value).toBeCloseTo(72.5, 10);
    expect(kc01q4!.n).toBe(N);
    expect(kc01q4!.ciLow!).toBeLessThanOrEqual(72.5);
    expect((await metric({ kind: 'branch', id: 'KC02' }, 'IKM', '2024-Q2'))!.value).toBeCloseTo(90, 10);
    expect((await metric({ kind: 'branch', id: 'KC03' }, 'NRR_U4', '2024-Q3'))!.value).toBeCloseTo(3.2, 12);
  });

  it('equals satmon ikm on the same drops for every branch, region-free network, quarter and year', async () => {
    expect(cli).toHaveLength((4 + 1) * (4 + 1));
    for (const c of cli) {
      const unit: Unit = c.branch === 'network' ? { kind: 'network' } : { kind: 'branch', id: c.branch };
      const m = await metric(unit, 'IKM', c.period);
      expect(m, `${c.branch} ${c.period}`).toBeDefined();
      expect(m!.value).toBeCloseTo(c.ikm, 10);
      expect(m!.n).toBe(c.n);
      const s = await summaryOf(unit, c.period);
      expect(s!.ikm!.band).toBe(c.band);
      for (const u of U) expect((await metric(unit, `NRR_${u}`, c.period))!.value).toBeCloseTo(c.nrr[u]!, 12);
      if (c.sample) expect(s!.ikm!.sample!.required).toBe(c.sample.required);
    }
  });

  it('gives regions their IKM and the Krejcie-Morgan size from the summed populations', async () => {
    const r1 = await summaryOf({ kind: 'region', id: 'R1' }, '2024-Q1');
    // KC01 80 and KC02 90, 40 respondents each: weighted by their populations 2,000 and 300, not pooled (85)
    expect(r1!.ikm!.ikm).toBeCloseTo((2000 * 80 + 300 * 90) / 2300, 10);
    expect(r1!.ikm!.band).toBe('B');
    expect(r1!.weighting).toMatchObject({ method: 'population' });
    expect(r1!.ikm!.sample).toEqual({ population: 2300, required: 329, n: 80, enough: false });
    const kc02 = await summaryOf({ kind: 'branch', id: 'KC02' }, '2024');
    expect(kc02!.ikm!.sample).toEqual({ population: 300, required: 169, n: 160, enough: false });
  });

  it('raises an IKM_BAND alert for the branch whose grade fell, and no other', () => {
    expect(summary.alerts.map((a) => [a.branch, a.period, a.metric])).toEqual([['KC01', '2024-Q4', 'IKM_BAND']]);
    expect(summary.alerts[0]!.decline).toBeCloseTo(7.5, 10);
  });
});
