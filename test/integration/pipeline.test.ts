// Issue 4's integration test on the embedded stack: 12 branches x 8 quarters of simulated drops with one branch
// whose trust falls from 2025-Q3. That branch is alerted (once), the stationary ones are not, and running the
// whole pipeline again on the same drops changes nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineSummary } from '../../infra/local/pipeline';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { simulateDrops } from '../../shared/survey';
import { keys, RAW_LAYOUT } from '../../shared/layout/keys';
import type { AlertItem, SummaryItem } from '../../shared/assess/records';
import { getItem, queryPartition } from '../../lambdas/aws/dynamo';
import { putObject } from '../../lambdas/aws/s3';
import { runAssessment } from '../../infra/local/assessment-runner';
import { snapshot } from './helpers';
import { S3_LAYOUT } from '../../shared/layout/keys';

let stack: LocalStack;
let dir: string;
let first: PipelineSummary;
let firstState: Awaited<ReturnType<typeof snapshot>>;
const env = { SATMON_NBOOT: '200', SATMON_NBOOT_AGGREGATE: '100', SATMON_WORKERS: '1', SATMON_PATH_PERMUTATIONS: '0' };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'satmon-pipeline-'));
  const sim = simulateDrops({
    seed: 11, branches: 12, periods: '2024-Q1..2025-Q4', n: 200, messy: 0.01,
    drifts: [{ branch: 'BR07', construct: 'TRUST', delta: -0.6, from: '2025-Q3' }],
  });
  // Each office's file in its own folder: uploaded under drops/branch=<ID>/ (RAW_LAYOUT.uploadKey).
  for (const d of sim.drops) {
    mkdirSync(path.join(dir, `branch=${d.branch}`), { recursive: true });
    writeFileSync(path.join(dir, `branch=${d.branch}`, d.file), d.text);
  }
  writeFileSync(path.join(dir, 'branches.json'), JSON.stringify(sim.branches));
  stack = await startLocalStack();
  first = (await runPipeline({ dropsDir: dir, stack, env })).summary;
  firstState = await snapshot(stack);
}, 300_000);

/** What the assessments produced: results, series, alerts, assessment records (drop records and manifests carry arrival times). */
const assessed = (s: Awaited<ReturnType<typeof snapshot>>) => ({
  // (the respondent index's expiry counts from each drop's arrival)
  table: s.table.filter((i) => !String(i.pk).startsWith('DROP#')).map(({ expiresAt: _, ...i }) => i),
  curated: s.curated.filter((o) => !o.key.startsWith('manifests/')),
});

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pipeline: drops -> ingest -> recompute -> quarterly assessments', () => {
  it('covers every period and branch and counts the rejected rows', () => {
    expect(first.periods).toEqual(['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(first.branches).toHaveLength(12);
    expect(first.drops).toBe(96);
    expect(first.rejectedRows).toBeGreaterThan(0);
    expect(first.runs.flatMap((r) => r.failures)).toEqual([]);
  });

  it('alerts the declining branch, once, and no stationary branch', async () => {
    expect(first.alerts.map((a) => a.branch)).toEqual(['BR07']);
    const a = first.alerts[0]!;
    expect(['2025-Q3', '2025-Q4']).toContain(a.period);
    expect(a.metric).toBe('TRUST');
    expect(a.decline).toBeGreaterThan(2);
    const stored = await queryPartition<AlertItem>(stack.ddb, stack.names.table, 'BRANCH#BR07', { skPrefix: 'ALERT#' });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'open', since: a.period, lastPeriod: '2025-Q4', gsi1pk: 'ALERTS#OPEN' });
    expect(stored[0]!.drivers.length).toBeGreaterThan(0);
  });

  it('stores each branch series and the network aggregate', async () => {
    const series = await queryPartition(stack.ddb, stack.names.table, 'BRANCH#BR07', { skPrefix: keys.metricSeriesPrefix('TRUST') });
    expect(series).toHaveLength(8);
    const net = await getItem<SummaryItem>(stack.ddb, stack.names.table, keys.periodSummary({ kind: 'network' }, '2025-Q4'));
    expect(net!.n).toBeGreaterThan(12 * 150);
    expect(net!.status.satisfaction.state).toBe('ok');
    const assessment = await getItem(stack.ddb, stack.names.table, keys.assessment('2025-Q4'));
    expect(assessment).toMatchObject({ branches: 12, kind: 'quarter' });
  });

  it('gives what assessing the periods one after another gives (the batched run only overlaps them)', async () => {
    const other = await startLocalStack();
    try {
      await putObject(other.s3, other.names.buckets.curated, S3_LAYOUT.branches, readFileSync(path.join(dir, 'branches.json'), 'utf8'), 'application/json');
      for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.csv')).sort()) {
        await putObject(other.s3, other.names.buckets.raw, RAW_LAYOUT.uploadKey(f.split(path.sep).join('/')), readFileSync(path.join(dir, f)), 'text/csv');
      }
      await other.idle();
      for (const period of first.periods) await runAssessment(period, { env: { ...other.env, ...env } });
      const one = assessed(await snapshot(other));
      const batched = assessed(firstState);
      expect(one.table.length).toBe(batched.table.length);
      expect(one.table).toEqual(batched.table);
      expect(one.curated).toEqual(batched.curated);
    } finally {
      await other.stop();
    }
  }, 300_000);

  it('running the pipeline again on the same drops changes nothing', async () => {
    const before = await snapshot(stack);
    const again = (await runPipeline({ dropsDir: dir, stack, env })).summary;
    expect(again.alerts).toEqual([]); // the episode is open already: not raised twice
    const after = await snapshot(stack);
    expect(after.table).toEqual(before.table);
    expect(after.curated).toEqual(before.curated);
  }, 300_000);

  it('a drop that arrives after its quarter was assessed is recomputed by the next assessment', async () => {
    const summary = () => getItem<SummaryItem>(stack.ddb, stack.names.table, keys.periodSummary({ kind: 'branch', id: 'BR03' }, '2024-Q2'));
    const before = (await summary())!.n;
    const late = simulateDrops({ seed: 99, branches: 12, periods: '2024-Q2', n: 40 }).drops.find((d) => d.branch === 'BR03')!;
    const text = late.text.replace(/BR03-2024Q2-/g, 'LATE-BR03-2024Q2-');
    await putObject(stack.s3, stack.names.buckets.raw, `${RAW_LAYOUT.branchPrefix('BR03')}late/BR03-2024-Q2.csv`, text, 'text/csv');
    await stack.idle();
    const run = await runAssessment('2025-Q4', { env: { ...stack.env, ...env } });
    expect(run.plan.lateQuarters).toEqual(['2024-Q2']);
    expect(run.failures).toEqual([]);
    expect((await summary())!.n).toBeGreaterThan(before + 30);
    const net = await getItem<SummaryItem>(stack.ddb, stack.names.table, keys.periodSummary({ kind: 'network' }, '2024-Q2'));
    expect(net!.n).toBeGreaterThan(first.cleanRows / 8);
    // the marks are consumed: the next run has nothing late
    expect((await runAssessment('2025-Q4', { env: { ...stack.env, ...env } })).plan.lateQuarters).toEqual([]);
  }, 300_000);
});
