// Issue 13, finding 5 (second half): `satmon pipeline` carried on to the assessments after a drop had been
// dead-lettered. Fixed behaviour: runPipeline rejects with DeadLetterError naming the drop (no assessment runs),
// and the CLI exits non-zero naming it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterError, runPipeline } from '../../infra/local/pipeline';
import { RAW_LAYOUT } from '../../shared/layout/keys';
import { defaultInstrument } from '../../shared/survey';
import { makeDrop } from '../integration/drops';
import { scanAll } from '../integration/helpers';
import { deliveriesOf, SMALL_ASSESS_ENV, startTestStack, type TestStack } from './support';

const drop = (seed: number, branch: string) =>
  makeDrop({ seed, rows: 40, branches: [branch], periods: ['2025-Q1'], items: defaultInstrument.items, idPrefix: `D${seed}-` }).csv;

let stack: TestStack;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'satmon-dead-letter-'));
  // Ingest of any key with "poison" in it fails on every attempt; the other drops are ingested normally.
  stack = await startTestStack({
    wrap: (ingest) => async (e) => {
      if (e.Records[0]!.s3.object.key.includes('poison')) throw new Error('injected ingest failure');
      return ingest(e);
    },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('finding 5: a dead-lettered drop stops the pipeline loudly', () => {
  it('runPipeline rejects with DeadLetterError naming the drop, and assesses nothing', async () => {
    const drops = path.join(dir, 'drops');
    mkdirSync(path.join(drops, 'branch=BR01'), { recursive: true });
    writeFileSync(path.join(drops, 'branch=BR01', 'good.csv'), drop(1, 'BR01'));
    writeFileSync(path.join(drops, 'poison.csv'), drop(2, 'BR02'));
    const poisonKey = RAW_LAYOUT.uploadKey('poison.csv');

    const err = await runPipeline({ dropsDir: drops, stack, env: SMALL_ASSESS_ENV }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeadLetterError);
    const dl = err as DeadLetterError;
    expect(dl.drops).toHaveLength(1);
    expect(dl.drops[0]).toContain(`s3://${stack.names.buckets.raw}/${poisonKey}`);
    expect(dl.drops[0]).toMatch(/3 attempts: .*injected ingest failure/);
    expect(dl.message).toContain(poisonKey);

    expect(deliveriesOf(stack, poisonKey)).toMatchObject([{ ok: false, attempts: 3 }]);
    expect(deliveriesOf(stack, RAW_LAYOUT.uploadKey('branch=BR01/good.csv'))).toMatchObject([{ ok: true, attempts: 1 }]);
    const table = await scanAll(stack.ddb, stack.names.table);
    expect(table.filter((i) => String(i.pk).startsWith('ASSESS#'))).toEqual([]);
    expect(table.filter((i) => String(i.pk).startsWith('BRANCH#'))).toEqual([]);
  }, 120_000);

  it('`satmon pipeline` exits non-zero and names the dead-lettered drop', async () => {
    // The CLI's own stack, whose ingest fails on every attempt: the branch directory it is given is not JSON.
    const drops = path.join(dir, 'cli-drops');
    mkdirSync(drops, { recursive: true });
    writeFileSync(path.join(drops, 'a.csv'), drop(3, 'BR03'));
    writeFileSync(path.join(drops, 'branches.json'), '{ not json');
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/satmon.ts', 'pipeline', '--drops', drops, '--nboot', '20'], {
      cwd: process.cwd(),
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', SATMON_DEBUG: '', SATMON_LOCALE: 'en' }, // the summary line checked below is the English one
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code, `stdout: ${stdout}\nstderr: ${stderr}`).not.toBe(0);
    expect(stderr).toMatch(/dead-lettered/);
    expect(stderr).toContain(`${RAW_LAYOUT.uploadKey('a.csv')}`);
    expect(stdout).not.toMatch(/drops, .* clean rows/); // no summary: the assessments did not run
  }, 120_000);
});
