// Issue 13, finding 5 (medium): after `kill -9` during the local ingest of a large drop, re-running waited for a
// 15-minute lease: every redelivery hit DropBusyError, the drop was dead-lettered half written. Fixed behaviour:
// the local stack uses AWS's heartbeat lease, and a lease whose holder process is gone is taken over at once.
//
// A child process (ingest-child.ts: the ingest Lambda's depsFromEnv + ingestObject) ingests a 60,000-row drop and
// is killed with SIGKILL once it has claimed the drop and written part of its output; the parent then delivers
// the same event again. It must take over on the first attempt (no DropBusyError), and the table and the curated
// bucket must equal an uninterrupted run of the same drop on a second, fresh stack (times and leases aside).
import { spawn } from 'node:child_process';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsFromEnv } from '../../lambdas/ingest/handler';
import { listObjects } from '../../lambdas/aws/s3';
import { eventItems } from '../../shared/layout/events';
import { RAW_LAYOUT } from '../../shared/layout/keys';
import { ingestObject, type IngestResult } from '../../shared/pipeline/ingest';
import { defaultInstrument } from '../../shared/survey';
import { makeDrop } from '../integration/drops';
import { deliveriesOf, dropIdFor, dropRecord, memoryLog, putRaw, stableState, startTestStack, type TestStack } from './support';

// 60,000 rows over 100 branches x 2 quarters: 200 clean parts, so the output takes a while to write.
const BRANCHES = Array.from({ length: 100 }, (_, i) => `BR${String(i + 1).padStart(3, '0')}`);
const drop = makeDrop({ seed: 5, rows: 60_000, branches: BRANCHES, periods: ['2025-Q1', '2025-Q2'], items: defaultInstrument.items });
const key = `${RAW_LAYOUT.headOfficePrefix}national/2025-H1.csv`;
const dropId = dropIdFor(drop.csv, key);

const outcomes: IngestResult[] = [];
const log = memoryLog();
let crashed: TestStack;
let fresh: TestStack;
const events: S3Event[] = [];

beforeAll(async () => {
  // The crashed stack's events are delivered by hand (to the child first, then to this process's handler, which
  // reports each outcome); the fresh stack ingests its upload as usual.
  const redeliver = async (e: S3Event) => {
    const deps = await depsFromEnv(crashed.env);
    for (const { ref } of eventItems(e).items) outcomes.push(await ingestObject({ ...deps, log }, ref));
  };
  [crashed, fresh] = await Promise.all([startTestStack({ routeEvents: false, wrap: () => redeliver }), startTestStack()]);
  crashed.onEvent((e) => events.push(e));
}, 120_000);
afterAll(async () => {
  await Promise.all([crashed?.stop(), fresh?.stop()]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('finding 5: a crashed local ingest is taken over at once', () => {
  it('re-delivery after kill -9 mid-ingest takes over on the first attempt and ends equal to an uninterrupted run', async () => {
    console.log(`[setup] drop of ${drop.rows.length} rows, ${(drop.csv.length / 1e6).toFixed(1)} MB`);
    await putRaw(crashed, key, drop.csv);
    expect(events).toHaveLength(1);

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/reliability/ingest-child.ts', JSON.stringify(events[0])], {
      cwd: process.cwd(),
      env: { ...process.env, ...crashed.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on('exit', (code, signal) => r(signal ?? code)));

    // Kill it once the drop is claimed and some of its output exists (a clean part; respondent ids come after).
    let partsAtKill = 0;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const rec = await dropRecord(crashed, dropId);
      if (rec && rec.status !== 'processing') throw new Error(`the child finished the drop (${rec.status}) before it could be killed; output: ${output}`);
      if (child.exitCode !== null) throw new Error(`the child exited (${child.exitCode}) before it could be killed: ${output}`);
      if (rec) {
        for await (const _o of listObjects(crashed.s3, crashed.names.buckets.curated, 'clean/', 5)) partsAtKill++;
        if (partsAtKill > 0) break;
      }
      if (Date.now() > deadline) throw new Error(`no output from the child within 90 s: ${output}`);
      await sleep(20);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect((await dropRecord(crashed, dropId))!.status).toBe('processing');

    const t0 = performance.now();
    await crashed.route(events[0]!);
    const recoveryMs = performance.now() - t0;
    console.log(`[timing] re-delivery after kill -9 (killed with ${partsAtKill} of 200 clean parts written): takeover to done in ${Math.round(recoveryMs)} ms`);

    expect(deliveriesOf(crashed, key)).toMatchObject([{ ok: true, attempts: 1 }]);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ outcome: 'ingested', dropId, counts: { rows: 60_000, clean: 60_000, rejected: 0 } });
    expect(log.lines.some((l) => l.level === 'warn' && /took over the lease of a stopped process/.test(l.msg))).toBe(true);

    // The same drop, uninterrupted, on a fresh stack.
    await putRaw(fresh, key, drop.csv);
    await fresh.idle();
    expect(deliveriesOf(fresh, key)).toMatchObject([{ ok: true, attempts: 1 }]);
    const [a, b] = [await stableState(crashed), await stableState(fresh)];
    expect(a.table.length).toBe(b.table.length);
    expect(a.table).toEqual(b.table);
    expect(a.curated).toEqual(b.curated);
    expect((await dropRecord(crashed, dropId))!.status).toBe('done');
  }, 180_000);
});
