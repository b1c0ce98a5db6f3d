// The local runner on the embedded stack through the plan's S3 path: with the inline limit lowered, plan writes its
// items to the curated bucket (itemsKey), the runner reads them back as the Distributed Map's S3 item reader does,
// and the assessment is the one the inline path gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAssessment, type AssessmentRun } from '../../infra/local/assessment-runner';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { getObjectText, putObject } from '../../lambdas/aws/s3';
import { S3_LAYOUT, RAW_LAYOUT } from '../../shared/layout/keys';
import { simulateDrops } from '../../shared/survey';

let stack: LocalStack;
const env = { SATMON_NBOOT: '60', SATMON_NBOOT_AGGREGATE: '30', SATMON_WORKERS: '1', SATMON_PATH_PERMUTATIONS: '0' };
const period = '2025-Q1';
let viaS3: AssessmentRun;

beforeAll(async () => {
  stack = await startLocalStack();
  const sim = simulateDrops({ seed: 21, branches: 3, periods: period, n: 120 });
  await putObject(stack.s3, stack.names.buckets.curated, S3_LAYOUT.branches, JSON.stringify(sim.branches), 'application/json');
  for (const d of sim.drops) await putObject(stack.s3, stack.names.buckets.raw, RAW_LAYOUT.branchPrefix(d.branch!) + d.file, d.text, 'text/csv');
  await stack.idle();
  viaS3 = await runAssessment(period, { env: { ...stack.env, ...env }, concurrency: 1, maxInlinePlanBytes: 1 });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('local assessment with the item list in S3', () => {
  it('plans into the curated bucket and recomputes every unit of the list', async () => {
    const { plan } = viaS3;
    expect(plan.itemsKey).toMatch(/^assessments\/items\/period=2025-Q1\/local-[0-9a-f]{16}\.json$/);
    const stored = JSON.parse(await getObjectText(stack.s3, stack.names.buckets.curated, plan.itemsKey!));
    expect(stored).toEqual(plan.items);
    expect(plan.items.map((i) => i.branch ?? i.unit?.kind)).toEqual(['BR01', 'BR02', 'BR03']);
    // regions and the network travel inline and run after the branches
    expect(plan.aggregates.map((i) => i.unit?.kind)).toEqual(['network', ...plan.regions.map(() => 'region')]);
    expect(viaS3.failures).toEqual([]);
    expect(viaS3.recomputes).toHaveLength(plan.items.length + plan.aggregates.length);
    expect(viaS3.close.branches).toBe(3);
  });

  it('closes as the inline path does', async () => {
    const inline = await runAssessment(period, { env: { ...stack.env, ...env }, concurrency: 1 });
    expect(inline.plan.itemsKey).toBeUndefined();
    expect(inline.plan.items).toEqual(viaS3.plan.items);
    expect(inline.recomputes.every((r) => r.skipped)).toBe(true); // nothing changed since the S3-path run
    const { raised: _a, ...again } = inline.close;
    const { raised: _b, ...first } = viaS3.close;
    expect(again).toEqual(first);
  });
});
