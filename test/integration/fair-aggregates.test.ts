// Issue 15 on the embedded stack: a network whose branches sampled very unequal n (30 to 400). Its regions' and the
// network's indices are the population-weighted means of their branches' own indices (not the pooled estimate, in
// which the branch that interviewed most counts most), with CIs from the branches' bootstrap draws; without a
// population figure for every branch the pooled estimate stays, labelled so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineSummary } from '../../infra/local/pipeline';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { runAssessment } from '../../infra/local/assessment-runner';
import { simulateDrops } from '../../shared/survey';
import { keys, RAW_LAYOUT, S3_LAYOUT, type Unit } from '../../shared/layout/keys';
import { depsFromEnv as recomputeDeps, makeHandler as makeRecompute } from '../../lambdas/recompute/handler';
import type { SummaryItem } from '../../shared/assess/records';
import { getItem } from '../../lambdas/aws/dynamo';
import { putObject } from '../../lambdas/aws/s3';

const SIZES: Record<string, number> = { BR01: 400, BR02: 30, BR03: 60, BR04: 400, BR05: 35, BR06: 250 };
const PERIOD = '2025-Q1';
const env = { SATMON_NBOOT: '200', SATMON_NBOOT_AGGREGATE: '100', SATMON_WORKERS: '1', SATMON_PATH_PERMUTATIONS: '0' };

let stack: LocalStack;
let dir: string;
let run: PipelineSummary;
let directory: { id: string; region: string; population: number }[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'satmon-fair-'));
  const sim = simulateDrops({ seed: 15, branches: 6, periods: PERIOD, n: 400 });
  for (const d of sim.drops) {
    // keep the header and the first SIZES[branch] respondents of each office's file
    const lines = d.text.split(/\r?\n/).filter((l) => l !== '');
    mkdirSync(path.join(dir, `branch=${d.branch}`), { recursive: true });
    writeFileSync(path.join(dir, `branch=${d.branch}`, d.file), lines.slice(0, 1 + SIZES[d.branch!]!).join('\n') + '\n');
  }
  directory = sim.branches as typeof directory;
  writeFileSync(path.join(dir, 'branches.json'), JSON.stringify(sim.branches));
  stack = await startLocalStack();
  run = (await runPipeline({ dropsDir: dir, stack, env })).summary;
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const summary = async (u: Unit) => (await getItem<SummaryItem>(stack.ddb, stack.names.table, keys.periodSummary(u, PERIOD)))!;

/** Σ π_b I_b over the branches, π_b = population share, and the pooled (n-weighted) mean for comparison. */
async function expected(ids: string[], metric: string) {
  const rows = await Promise.all(ids.map(async (id) => ({ s: await summary({ kind: 'branch', id }), pop: directory.find((b) => b.id === id)!.population })));
  const have = rows.filter((r) => r.s.indices[metric]);
  const total = have.reduce((a, r) => a + r.pop, 0);
  return {
    weighted: have.reduce((a, r) => a + (r.pop / total) * r.s.indices[metric]!.value, 0),
    byN: have.reduce((a, r) => a + r.s.indices[metric]!.n * r.s.indices[metric]!.value, 0) / have.reduce((a, r) => a + r.s.indices[metric]!.n, 0),
    nEffective: 1 / have.reduce((a, r) => a + (r.pop / total) ** 2 / r.s.indices[metric]!.n, 0),
  };
}

describe('regions and the network weight their branches by population', () => {
  it('ran every unit', () => {
    expect(run.runs.flatMap((r) => r.failures)).toEqual([]);
    expect(run.branches).toHaveLength(6);
  });

  it('the network index is the population-weighted mean of the branch indices, not the pooled one', async () => {
    const net = await summary({ kind: 'network' });
    expect(net.weighting).toMatchObject({ method: 'population' });
    expect(net.weighting!.members!.map((m) => m.branch)).toEqual(Object.keys(SIZES));
    for (const metric of ['TRUST', 'SAT', 'IKM', 'NRR_U1']) {
      const e = await expected(Object.keys(SIZES), metric);
      const v = net.indices[metric]!;
      expect(v.value).toBeCloseTo(e.weighted, 9);
      expect(Math.abs(v.value - e.byN)).toBeGreaterThan(1e-6);
      expect(v.weighting).toBe('population');
      expect(v.nEffective).toBeCloseTo(e.nEffective, 9);
      expect(v.nEffective!).toBeLessThan(v.n);
      expect(v.ciLow).toBeLessThan(v.value);
      expect(v.ciHigh).toBeGreaterThan(v.value);
    }
    const shares = net.weighting!.members!.map((m) => m.share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('each region likewise over its own branches', async () => {
    for (const region of [...new Set(directory.filter((b) => SIZES[b.id]).map((b) => b.region))]) {
      const ids = directory.filter((b) => b.region === region && SIZES[b.id]).map((b) => b.id);
      const s = await summary({ kind: 'region', id: region });
      expect(s.weighting!.method).toBe('population');
      expect(s.indices['TRUST']!.value).toBeCloseTo((await expected(ids, 'TRUST')).weighted, 9);
    }
  });

  it('a branch keeps its own unweighted figures', async () => {
    const b = await summary({ kind: 'branch', id: 'BR02' });
    expect(b.weighting).toMatchObject({ method: 'unweighted', nEffective: b.n });
    expect(b.indices['TRUST']!.weighting).toBeUndefined();
  });

  it('never weights a branch result older than the rows the aggregate reads (a branch recompute that failed or has not run)', async () => {
    // BR02 gets more respondents, and only the network is recomputed: BR02's stored result is of its old rows
    const late = simulateDrops({ seed: 16, branches: 6, periods: PERIOD, n: 40 }).drops.find((d) => d.branch === 'BR02')!;
    await putObject(stack.s3, stack.names.buckets.raw, `${RAW_LAYOUT.branchPrefix('BR02')}late/BR02-extra.csv`, late.text.replace(/BR02-2025Q1-/g, 'EXTRA-BR02-2025Q1-'), 'text/csv');
    await stack.idle();
    const recompute = makeRecompute(() => recomputeDeps({ ...stack.env, ...env }));
    await recompute({ period: PERIOD, unit: { kind: 'network' } });
    const stale = await summary({ kind: 'network' });
    expect(stale.weighting).toMatchObject({ method: 'pooled', withoutPopulation: ['BR02'] });
    // once the branch is recomputed (as every assessment does first), the network weights it again
    const again = await runAssessment(PERIOD, { env: { ...stack.env, ...env } });
    expect(again.failures).toEqual([]);
    const net = await summary({ kind: 'network' });
    expect(net.weighting).toMatchObject({ method: 'population' });
    expect(net.indices['TRUST']!.value).toBeCloseTo((await expected(Object.keys(SIZES), 'TRUST')).weighted, 9);
    expect((await summary({ kind: 'branch', id: 'BR02' })).n).toBeGreaterThan(SIZES['BR02']!);
  }, 300_000);

  it('without a population figure for every branch the network pools its respondents, labelled so', async () => {
    const partial = directory.map((b) => (b.id === 'BR05' ? { id: b.id, region: b.region } : b));
    await putObject(stack.s3, stack.names.buckets.curated, S3_LAYOUT.branches, JSON.stringify(partial), 'application/json');
    const again = await runAssessment(PERIOD, { env: { ...stack.env, ...env } });
    expect(again.failures).toEqual([]);
    const net = await summary({ kind: 'network' });
    expect(net.weighting).toMatchObject({ method: 'pooled', withoutPopulation: ['BR05'] });
    expect(net.indices['TRUST']!.weighting).toBe('pooled');
    const e = await expected(Object.keys(SIZES), 'TRUST');
    expect(Math.abs(net.indices['TRUST']!.value - e.weighted)).toBeGreaterThan(1e-6);
  }, 300_000);
});
