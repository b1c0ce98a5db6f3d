// lambdas/aws/observability.ts: which metric each pipeline outcome gives (name, unit, value), the EMF line an
// invocation on Lambda publishes, the Lambda context on log lines, and silence off Lambda (no EMF, no warning, no
// tracer loaded). The ingest and recompute handlers are run on the in-memory storage to check their wiring.
import { createHash } from 'node:crypto';
import { RAW_LAYOUT } from '../../../../shared/layout/keys';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  METRICS, closeMetrics, createObservability, ingestMetrics, lambdaHandler, recomputeMetrics, traceClient, withKeys, type Observability,
} from '../../../../lambdas/aws/observability';
import { makeHandler as makeIngest } from '../../../../lambdas/ingest/handler';
import { makeHandler as makeRecompute } from '../../../../lambdas/recompute/handler';
import { DEFAULT_SETTINGS } from '../../../../shared/assess/recompute';
import { resultKey } from '../../../../shared/assess/records';
import type { IngestDeps } from '../../../../shared/pipeline/ingest';
import { memoryStorage } from '../../../../shared/pipeline/memory-storage';
import type { RecomputeOutcome } from '../../../../shared/pipeline/recompute';
import { surveyCleaner } from '../../../../shared/pipeline/survey-cleaner';
import { defaultInstrument, parseBranchDirectory, simulateDrops } from '../../../../shared/survey';

// Counts how often the tracer package is imported: off Lambda it must never be.
const tracerImports = vi.hoisted(() => ({ count: 0 }));
vi.mock('@aws-lambda-powertools/tracer', async (original) => {
  tracerImports.count++;
  return original();
});

/** A Lambda environment as the CDK stack sets it, without X-Ray (observability-xray.test.ts covers traces). */
const LAMBDA_ENV = { AWS_LAMBDA_FUNCTION_NAME: 'satmon-test', POWERTOOLS_TRACE_ENABLED: '0', POWERTOOLS_LOG_LEVEL: 'INFO' };

function lambdaContext(requestId: string, functionName = 'satmon-test'): Context {
  return {
    awsRequestId: requestId, functionName, functionVersion: '$LATEST', memoryLimitInMB: '1024',
    invokedFunctionArn: `arn:aws:lambda:ap-southeast-3:123456789012:function:${functionName}`,
    getRemainingTimeInMillis: () => 120_000,
  } as Context;
}

interface Emf {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [k: string]: unknown;
}

/** Everything written to stdout and stderr and every console call while a test runs. */
let out: string[];
let consoleCalls: unknown[][];
beforeEach(() => {
  out = [];
  consoleCalls = [];
  const capture = (chunk: unknown) => { out.push(String(chunk)); return true; };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...a) => { consoleCalls.push(a); });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const lines = () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const emfLines = () => lines().filter((l) => '_aws' in l) as Emf[];
const logLines = () => lines().filter((l) => !('_aws' in l));

describe('metric names and units', () => {
  it('declares durations in milliseconds and everything else as counts', () => {
    expect(METRICS).toEqual({
      RowsIngested: 'Count', RowsRejected: 'Count', DropsRejected: 'Count', RecomputeDuration: 'Milliseconds',
      BootstrapFailedResamples: 'Count', AlertsRaised: 'Count', RecomputesFailed: 'Count', UploadsSuperseded: 'Count', ConflictRowsHeld: 'Count',
    });
  });

  it('ingest: clean and rejected rows of an ingested drop, one count for a drop rejected whole, nothing otherwise', () => {
    const counts = { rows: 120, clean: 117, rejected: 3 };
    expect(ingestMetrics({ outcome: 'ingested', dropId: 'h', sha256: 'h', key: 'drops/a.csv', counts })).toEqual([['RowsIngested', 117], ['RowsRejected', 3]]);
    expect(ingestMetrics({ outcome: 'ingested', dropId: 'h', sha256: 'h', key: 'drops/a.csv', counts, conflictRows: 2 })).toEqual([['RowsIngested', 117], ['RowsRejected', 3], ['ConflictRowsHeld', 2]]);
    expect(ingestMetrics({ outcome: 'rejected', dropId: 'h', sha256: 'h', key: 'drops/a.csv', error: 'no BRANCH column' })).toEqual([['DropsRejected', 1]]);
    expect(ingestMetrics({ outcome: 'duplicate', dropId: 'h', sha256: 'h', key: 'drops/a.csv', status: 'done', keyAdded: false })).toEqual([]);
    expect(ingestMetrics({ outcome: 'missing', key: 'drops/a.csv' })).toEqual([]);
    expect(ingestMetrics({ outcome: 'superseded', dropId: 'h', sha256: 'h', key: 'drops/a.csv' })).toEqual([]);
    expect(ingestMetrics({ outcome: 'version-superseded', key: 'drops/a.csv', etag: 'e1' })).toEqual([['UploadsSuperseded', 1]]);
  });

  it('recompute: duration and failed resamples of a recompute that estimated; nothing for a skipped one', () => {
    const base: RecomputeOutcome = { unit: { kind: 'branch', id: 'BR01' }, period: '2025-Q1', n: 120, skipped: false, parts: 1 };
    expect(recomputeMetrics({ ...base, ms: 812, failedResamples: 2 })).toEqual([['RecomputeDuration', 812], ['BootstrapFailedResamples', 2]]);
    expect(recomputeMetrics({ ...base, ms: 40 })).toEqual([['RecomputeDuration', 40]]); // model not estimated: no bootstrap
    expect(recomputeMetrics({ ...base, skipped: true, ms: 3 })).toEqual([]);
  });

  it('close: alerts raised and failed recomputes, zeros included (an alarm sees the assessment ran)', () => {
    expect(closeMetrics({ raised: [{}, {}] as never, failures: [] })).toEqual([['AlertsRaised', 2], ['RecomputesFailed', 0]]);
  });
});

describe('on Lambda', () => {
  it('publishes what an invocation recorded as one EMF line: namespace Satmon, service dimension, units', async () => {
    const o = createObservability('recompute', LAMBDA_ENV);
    await o.invoke(lambdaContext('req-1'), async () => {
      o.record([['RecomputeDuration', 812], ['BootstrapFailedResamples', 2]], { unitKind: 'branch' });
    });
    const [emf, ...more] = emfLines();
    expect(more).toEqual([]);
    expect(emf!._aws.CloudWatchMetrics).toEqual([{
      Namespace: 'Satmon',
      Dimensions: [['service', 'unitKind']],
      Metrics: [{ Name: 'RecomputeDuration', Unit: 'Milliseconds' }, { Name: 'BootstrapFailedResamples', Unit: 'Count' }],
    }]);
    expect(emf).toMatchObject({ service: 'satmon-recompute', unitKind: 'branch', RecomputeDuration: 812, BootstrapFailedResamples: 2 });
    expect(consoleCalls).toEqual([]);
  });

  it('flushes per invocation, also when the handler throws; an invocation that recorded nothing writes nothing', async () => {
    const o = createObservability('ingest', { ...LAMBDA_ENV, POWERTOOLS_METRICS_NAMESPACE: 'SatmonTest', POWERTOOLS_SERVICE_NAME: 'ingest-x' });
    await expect(o.invoke(lambdaContext('req-1'), async () => {
      o.record([['RowsIngested', 10]]);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    await o.invoke(lambdaContext('req-2'), async () => {});
    await o.invoke(lambdaContext('req-3'), async () => { o.record([['RowsIngested', 7], ['RowsRejected', 1]]); });
    const emf = emfLines();
    expect(emf.map((e) => [e._aws.CloudWatchMetrics[0]!.Namespace, e.service, e.RowsIngested, e.RowsRejected])).toEqual([
      ['SatmonTest', 'ingest-x', 10, undefined],
      ['SatmonTest', 'ingest-x', 7, 1],
    ]);
    // Dimensions of one invocation do not leak into the next.
    expect(emf.map((e) => e._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual([[['service']], [['service']]]);
    expect(consoleCalls).toEqual([]);
  });

  it('POWERTOOLS_METRICS_DISABLED: no metrics', async () => {
    const o = createObservability('ingest', { ...LAMBDA_ENV, POWERTOOLS_METRICS_DISABLED: 'true' });
    expect(o.metrics).toBeUndefined();
    await o.invoke(lambdaContext('req-1'), async () => { o.record([['RowsIngested', 10]]); });
    expect(out).toEqual([]);
  });

  it('puts the Lambda context on every log line of an invocation, cold start only on the first', async () => {
    // Powertools reports cold starts only in on-demand environments (Lambda sets the variable).
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const o = createObservability('assess', LAMBDA_ENV);
    await o.invoke(lambdaContext('req-1', 'satmon-assess'), async () => o.logger.info('first'));
    await o.invoke(lambdaContext('req-2', 'satmon-assess'), async () => o.logger.info('second'));
    expect(logLines().map((l) => ({ message: l.message, service: l.service, function_request_id: l.function_request_id, cold_start: l.cold_start, function_name: l.function_name }))).toEqual([
      { message: 'first', service: 'satmon-assess', function_request_id: 'req-1', cold_start: true, function_name: 'satmon-assess' },
      { message: 'second', service: 'satmon-assess', function_request_id: 'req-2', cold_start: false, function_name: 'satmon-assess' },
    ]);
  });

  it('does not load the tracer when POWERTOOLS_TRACE_ENABLED is off', () => {
    expect(tracerImports.count).toBe(0);
  });
});

describe('off Lambda (npm start, the CLI, tests)', () => {
  it('collects no metrics, writes nothing, warns about nothing and never loads the tracer', async () => {
    const o = createObservability('recompute', { POWERTOOLS_LOG_LEVEL: 'WARN' });
    expect(o.onLambda).toBe(false);
    expect(o.metrics).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      await o.invoke(undefined, async () => {
        // More than Powertools' 100-value buffer, which would flush on its own if metrics were collected.
        for (let j = 0; j < 150; j++) o.record([['RecomputeDuration', j]], { unitKind: 'branch' });
        o.annotate('period', '2025-Q1');
      });
    }
    expect(out).toEqual([]);
    expect(consoleCalls).toEqual([]);
    expect(tracerImports.count).toBe(0);
  });

  it('leaves SDK clients as they are (no X-Ray middleware)', () => {
    const s3 = new S3Client({ region: 'ap-southeast-3' });
    expect(traceClient(s3)).toBe(s3);
    expect(s3.middlewareStack.identify().join(' ')).not.toMatch(/XRay/i);
    s3.destroy();
  });

  it('lambdaHandler keeps the handler a plain async function of (event, context)', async () => {
    const o = createObservability('api', {});
    const h = lambdaHandler(() => o, async (e: { x: number }, c?: Context) => ({ y: e.x + 1, id: c?.awsRequestId }));
    expect(await h({ x: 1 })).toEqual({ y: 2, id: undefined });
    expect(out).toEqual([]);
  });
});

describe('withKeys', () => {
  it('adds the keys to each line without changing the logger', () => {
    const seen: unknown[] = [];
    const base = { info: (m: string, x?: Record<string, unknown>) => seen.push(['info', m, x]), warn: (m: string, x?: Record<string, unknown>) => seen.push(['warn', m, x]) };
    const l = withKeys(base, { messageId: 'm1', key: 'drops/a.csv' });
    l.info('drop ingested', { rows: 3 });
    l.warn('drop rejected');
    base.info('other');
    expect(seen).toEqual([
      ['info', 'drop ingested', { messageId: 'm1', key: 'drops/a.csv', rows: 3 }],
      ['warn', 'drop rejected', { messageId: 'm1', key: 'drops/a.csv' }],
      ['info', 'other', undefined],
    ]);
  });
});

describe('handlers record their outcomes (in-memory storage)', () => {
  const sim = simulateDrops({ seed: 11, branches: 1, periods: '2025-Q1..2025-Q1', n: 80, messy: 0.05 });
  const drop = sim.drops[0]!;
  const dropKey = RAW_LAYOUT.branchPrefix(drop.branch!) + drop.file;
  const storage = memoryStorage({ objects: { raw: { [dropKey]: drop.text } } });
  const branches = parseBranchDirectory(sim.branches, 'branches.json');
  const logged: [string, Record<string, unknown> | undefined][] = [];
  const deps: IngestDeps = {
    storage, buckets: { raw: 'raw', curated: 'curated' }, clean: surveyCleaner(defaultInstrument, branches),
    log: { info: (m, x) => logged.push([m, x]), warn: (m, x) => logged.push([m, x]) },
  };
  const sqsEvent = {
    Records: [{
      eventSource: 'aws:sqs', messageId: 'msg-1',
      body: JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'raw' }, object: { key: dropKey, size: drop.text.length, etag: createHash('md5').update(drop.text).digest('hex') } } }), // S3's ETag of a single-part upload
    }],
  };
  let ingestObs: Observability;
  let recomputeObs: Observability;
  beforeEach(() => {
    ingestObs ??= createObservability('ingest', LAMBDA_ENV);
    recomputeObs ??= createObservability('recompute', LAMBDA_ENV);
  });

  it('ingest: RowsIngested and RowsRejected of the drop; its log lines name the SQS message and the key', async () => {
    const handler = lambdaHandler(() => ingestObs, makeIngest(async () => ({ ...deps }), () => ingestObs));
    expect(await handler(sqsEvent as never, lambdaContext('req-1', 'satmon-ingest'))).toEqual({ batchItemFailures: [] });
    const [emf] = emfLines();
    expect(emf!._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'RowsIngested', Unit: 'Count' }, { Name: 'RowsRejected', Unit: 'Count' }]);
    const ingested = logged.find(([m]) => m === 'drop ingested')![1]!;
    expect(ingested).toMatchObject({ messageId: 'msg-1', bucket: 'raw', key: dropKey });
    expect(emf).toMatchObject({ service: 'satmon-ingest', RowsIngested: ingested.clean, RowsRejected: ingested.rejected });
    expect(Number(ingested.clean)).toBeGreaterThan(0);
    expect(Number(ingested.rejected)).toBeGreaterThan(0); // messy: 0.05 makes some rows invalid
  });

  it('recompute: the duration and the failed resamples of the run, by unit kind; a rerun (skipped) records nothing', async () => {
    const recomputeDeps = {
      storage, curatedBucket: 'curated', instrument: defaultInstrument, branches,
      settings: { ...DEFAULT_SETTINGS, nboot: 40, nbootAggregate: 20 }, onLambda: true,
    };
    const handler = lambdaHandler(() => recomputeObs, makeRecompute(async () => recomputeDeps, () => recomputeObs));
    const event = { period: '2025-Q1', branch: sim.branches[0]!.id };
    const first = await handler(event, lambdaContext('req-2', 'satmon-recompute'));
    expect(first.skipped).toBe(false);
    expect(first.ms).toBeGreaterThanOrEqual(0);
    // The count the result JSON's bootstrap summary reports (40 resamples of 80 messy rows: some may fail).
    const result = JSON.parse(storage.allObjects().curated![resultKey({ kind: 'branch', id: event.branch }, event.period)]!) as { satisfaction: { bootstrap: { nboot: number; nFailed: number } } };
    expect(result.satisfaction.bootstrap.nboot).toBe(40);
    expect(first.failedResamples).toBe(result.satisfaction.bootstrap.nFailed);
    const again = await handler(event, lambdaContext('req-3', 'satmon-recompute'));
    expect(again.skipped).toBe(true);
    const emf = emfLines();
    expect(emf).toHaveLength(1);
    expect(emf[0]!._aws.CloudWatchMetrics[0]).toMatchObject({
      Dimensions: [['service', 'unitKind']],
      Metrics: [{ Name: 'RecomputeDuration', Unit: 'Milliseconds' }, { Name: 'BootstrapFailedResamples', Unit: 'Count' }],
    });
    expect(emf[0]).toMatchObject({ service: 'satmon-recompute', unitKind: 'branch', RecomputeDuration: first.ms, BootstrapFailedResamples: first.failedResamples });
  });
});
