// The whole pipeline on the embedded stack: upload a folder of drops (the ingest handler runs on each S3 event),
// then the quarterly assessment of every period present, in order, and optionally the annual ones.
// Used by `npm start`, `satmon pipeline` and the integration tests.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { S3_LAYOUT } from '../../shared/store/keys';
import type { Alert } from '../../shared/assess/assessment';
import { getObjectText, listKeys, putObject } from '../../lambdas/shared/s3';
import { runAssessment, type AssessmentRun } from './assessment-runner';
import { startLocalStack, type LocalStack } from './stack';

export interface PipelineOptions {
  /** Folder of drops: every *.csv under it is uploaded; a branches.json in it becomes the branch directory. */
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
}

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

async function csvFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.toLowerCase().endsWith('.csv')) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

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

    const files = await csvFiles(opts.dropsDir);
    if (files.length === 0) throw new Error(`${opts.dropsDir}: no .csv drops found`);
    log(`uploading ${files.length} drops from ${opts.dropsDir}`);
    for (const f of files) {
      const key = `drops/${path.relative(opts.dropsDir, f).split(path.sep).join('/')}`;
      await putObject(stack.s3, raw, key, await readFile(f), 'text/csv');
    }
    await stack.idle();
    const tIngest = performance.now();

    // Periods and branches present, from the clean partitions.
    const cleanKeys = await listKeys(stack.s3, curated, 'clean/');
    const periods = [...new Set(cleanKeys.map((k) => /period=([^/]+)\//.exec(k)?.[1]).filter((p): p is string => !!p))].sort();
    const branches = [...new Set(cleanKeys.map((k) => /branch=([^/]+)\//.exec(k)?.[1]).filter((b): b is string => !!b))].sort();
    let rejectedRows = 0, cleanRows = 0, drops = 0;
    for (const k of await listKeys(stack.s3, curated, 'manifests/')) {
      const m = JSON.parse(await getObjectText(stack.s3, curated, k)) as { rejectedRows?: number; cleanRows?: number };
      drops++;
      rejectedRows += m.rejectedRows ?? 0;
      cleanRows += m.cleanRows ?? 0;
    }

    const runs: AssessmentRun[] = [];
    const alerts: PipelineSummary['alerts'] = [];
    for (const period of periods) {
      log(`assessing ${period}`);
      const run = await runAssessment(period, { env, ...(opts.notify ? { notify: opts.notify } : {}) });
      runs.push(run);
      for (const a of run.close.raised) alerts.push({ branch: a.branch, period: a.period, metric: a.metric, decline: a.decline, p: a.p });
    }
    const years = [...new Set(periods.map((p) => p.slice(0, 4)))];
    if (opts.annual) {
      for (const y of years) {
        log(`annual assessment ${y}`);
        runs.push(await runAssessment(y, { env }));
      }
    }
    const t1 = performance.now();
    ok = true;
    return {
      stack,
      summary: { periods, years, branches, alerts, rejectedRows, cleanRows, drops, ms: { ingest: tIngest - t0, assess: t1 - tIngest, total: t1 - t0 }, runs },
    };
  } finally {
    // A stack this call started is stopped unless the caller keeps it; after a failure it is always stopped.
    if (!opts.stack && (!opts.keepStack || !ok)) await stack.stop();
  }
}
