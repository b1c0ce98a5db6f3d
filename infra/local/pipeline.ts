// The whole pipeline on the embedded stack: upload a folder of drops (the ingest handler runs on each S3 event),
// then the quarterly assessment of every period present, in order, and optionally the annual ones.
// Used by `npm start`, `satmon pipeline` and the integration tests.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { yearOf } from '../../shared/period';
import { RAW_LAYOUT, S3_LAYOUT } from '../../shared/layout/keys';
import { dropFiles, DROP_SUFFIXES } from '../../shared/layout/drop-files';
import type { Alert } from '../../shared/assess/assessment';
import { getObjectText, listKeys, putObject } from '../../lambdas/aws/s3';
import { runAssessments, type AssessmentRun } from './assessment-runner';
import { startLocalStack, type LocalStack } from './stack';

export interface PipelineOptions {
  /**
   * Folder of drops: every *.csv, *.txt, *.xlsx and *.sav under it (any case) is uploaded, those under `branch=<ID>/` as that office's uploads, the
   * others as head-office drops (RAW_LAYOUT.uploadKey); a branches.json in it becomes the branch directory.
   */
  dropsDir: string;
  /** An instrument JSON file (default: the built-in instrument). */
  instrumentFile?: string;
  /** A running stack; default: start one (and stop it at the end unless keepStack). */
  stack?: LocalStack;
  dataDir?: string;
  keepStack?: boolean;
  /** Extra environment for the handlers (e.g. SATMON_NBOOT). */
  env?: Record<string, string>;
  /** Also run the annual assessment of every year with data. */
  annual?: boolean;
  notify?: (a: Alert) => Promise<void>;
  log?: (msg: string) => void;
  /** Progress of each stage, as it goes (see PipelineProgress). */
  onProgress?: (p: PipelineProgress) => void;
}

/**
 * Where the pipeline is: drops ingested of those uploaded, then recomputes done of those planned over every
 * assessment, with the periods closed so far (`closed`, in order) and the one being worked on (`period`).
 */
export type PipelineProgress =
  | { stage: 'ingest'; done: number; total: number }
  | { stage: 'assess'; done: number; total: number; period: string; closed: string[] }
  | { stage: 'done'; summary: PipelineSummary };

export interface PipelineSummary {
  periods: string[];
  years: string[];
  branches: string[];
  /** Alerts this run raised (an episode already open from an earlier run is not raised again). */
  alerts: { branch: string; period: string; metric: string; decline: number; p: number }[];
  rejectedRows: number;
  cleanRows: number;
  drops: number;
  ms: { ingest: number; assess: number; total: number };
  runs: AssessmentRun[];
}

/** Drops whose ingest failed every attempt (dead-lettered); the pipeline stops rather than assess without them. */
export class DeadLetterError extends Error {
  override name = 'DeadLetterError';
  constructor(readonly drops: string[]) {
    super(`${drops.length} drop${drops.length > 1 ? 's' : ''} could not be ingested (dead-lettered): ${drops.join('; ')}`);
  }
}

const firstLine = (s: string | undefined) => (s ?? 'unknown error').split('\n')[0]!.slice(0, 300);

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.sav': 'application/x-spss-sav',
};

export async function runPipeline(opts: PipelineOptions): Promise<{ summary: PipelineSummary; stack: LocalStack }> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const stack = opts.stack ?? (await startLocalStack({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) }));
  let ok = false;
  try {
    const { raw, curated } = stack.names.buckets;
    const env: Record<string, string> = { ...stack.env, ...(opts.env ?? {}) };
    const branchesFile = path.join(opts.dropsDir, 'branches.json');
    const branchesJson = await readFile(branchesFile, 'utf8').catch(() => undefined);
    if (branchesJson !== undefined) {
      await putObject(stack.s3, curated, S3_LAYOUT.branches, branchesJson, 'application/json'); // read by every handler
    }
    if (opts.instrumentFile) {
      await putObject(stack.s3, curated, 'config/instrument.json', await readFile(opts.instrumentFile, 'utf8'), 'application/json');
      env.SATMON_INSTRUMENT_KEY = 'config/instrument.json';
    }
    Object.assign(process.env, env); // the ingest handler runs in this process on s3rver's events

    const files = await dropFiles(opts.dropsDir);
    if (files.length === 0) throw new Error(`${opts.dropsDir}: no drops found (${DROP_SUFFIXES.join(', ')})`);
    log(`uploading ${files.length} drops from ${opts.dropsDir}`);
    let ingested = 0;
    const progress = opts.onProgress ?? (() => {});
    const deadLettered: string[] = [];
    const unsubscribe = stack.router.onDelivered((d) => {
      if (!d.ok) deadLettered.push(`s3://${d.bucket}/${d.key} (${d.attempts} attempts: ${firstLine(d.error)})`);
      progress({ stage: 'ingest', done: ++ingested, total: files.length });
    });
    try {
      progress({ stage: 'ingest', done: 0, total: files.length });
      for (const f of files) {
        const key = RAW_LAYOUT.uploadKey(path.relative(opts.dropsDir, f).split(path.sep).join('/'));
        await putObject(stack.s3, raw, key, await readFile(f), CONTENT_TYPES[path.extname(f).toLowerCase()] ?? 'application/octet-stream');
      }
      await stack.idle();
    } finally {
      unsubscribe();
    }
    // A drop that failed every attempt would be missing from every figure below: stop here, naming it.
    if (deadLettered.length) throw new DeadLetterError(deadLettered);
    const tIngest = performance.now();

    // Periods and branches present, from the clean partitions.
    const cleanKeys = await listKeys(stack.s3, curated, 'clean/');
    const periods = [...new Set(cleanKeys.map((k) => /period=([^/]+)\//.exec(k)?.[1]).filter((p): p is string => !!p))].sort();
    const branches = [...new Set(cleanKeys.map((k) => /branch=([^/]+)\//.exec(k)?.[1]).filter((b): b is string => !!b))].sort();
    const manifests = await Promise.all((await listKeys(stack.s3, curated, 'manifests/')).map(async (k) =>
      JSON.parse(await getObjectText(stack.s3, curated, k)) as { rejectedRows?: number; cleanRows?: number }));
    const drops = manifests.length;
    const rejectedRows = manifests.reduce((a, m) => a + (m.rejectedRows ?? 0), 0);
    const cleanRows = manifests.reduce((a, m) => a + (m.cleanRows ?? 0), 0);

    const years = [...new Set(periods.map((p) => String(yearOf(p))))];
    const order = [...periods, ...(opts.annual ? years : [])];
    const closed: string[] = [];
    log(`assessing ${periods.length} quarters${opts.annual ? ` and ${years.length} years` : ''}`);
    const runs = await runAssessments(order, {
      env,
      ...(opts.notify ? { notify: opts.notify } : {}),
      onProgress: (done, total) => progress({ stage: 'assess', done, total, period: order[closed.length] ?? order.at(-1)!, closed: [...closed] }),
      onClosed: (r) => closed.push(r.plan.period),
    });
    const alerts: PipelineSummary['alerts'] = runs.flatMap((r) =>
      r.close.raised.map((a) => ({ branch: a.branch, period: a.period, metric: a.metric, decline: a.decline, p: a.p })));
    const t1 = performance.now();
    ok = true;
    const summary = { periods, years, branches, alerts, rejectedRows, cleanRows, drops, ms: { ingest: tIngest - t0, assess: t1 - tIngest, total: t1 - t0 }, runs };
    progress({ stage: 'done', summary });
    return { stack, summary };
  } finally {
    // A stack this call started is stopped unless the caller keeps it; after a failure it is always stopped.
    if (!opts.stack && (!opts.keepStack || !ok)) await stack.stop();
  }
}
