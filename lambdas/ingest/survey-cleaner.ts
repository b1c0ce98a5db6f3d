// Adapter from shared/survey's streaming cleaner to ingest's Cleaner: clean rows are split per (period, branch)
// into the curated layout's parts, rejects go to one CSV, a whole-drop refusal becomes a 'rejected' outcome.
//
// Which instrument: SATMON_INSTRUMENT_JSON (an instrument as inline JSON), else SATMON_INSTRUMENT_KEY (the key of
// an instrument JSON in the curated bucket, e.g. config/instrument.json, read on every invocation so an update
// applies at once), else the default instrument (shared/survey/instruments/default.json).
// Known branches: SATMON_BRANCHES_KEY (a branch directory JSON in the curated bucket) overrides the instrument's.
import type { S3Client } from '@aws-sdk/client-s3';
import {
  cleanDrop,
  defaultInstrument,
  DropRejectedError,
  formatCleanHeader,
  formatCleanRow,
  formatRejectHeader,
  formatRejectRow,
  loadInstrument,
  parseBranchDirectory,
  type BranchInfo,
  type Instrument,
} from '../../shared/survey';
import type { CleanPartition } from '../../shared/store/drops';
import { getObjectText } from '../shared/s3';
import type { CleanOutcome, Cleaner, CleanRequest } from './ingest';

interface Part {
  period: string;
  branch: string;
  chunks: string[];
  rows: number;
  ids: { id: string; answerHash: string }[];
}

/** Clean one drop with an instrument; rows are kept per part in memory (about the size of the input). */
export function surveyCleaner(instrument: Instrument, knownBranches?: ReadonlyMap<string, BranchInfo>): Cleaner {
  const tag = `${instrument.id}@${instrument.version}`;
  return async (req: CleanRequest): Promise<CleanOutcome> => {
    const parts = new Map<string, Part>();
    const rejects: string[] = [];
    let nColumns = 0;
    let cleanHeader: string | undefined;
    try {
      const manifest = await cleanDrop(req.body, {
        instrument,
        source: req.source,
        seen: req.seen,
        knownBranches,
        collectNewRespondents: false, // ids go to DynamoDB from onClean; the manifest stays small
        onHeader: (h) => {
          nColumns = h.columns.length;
          rejects.push(formatRejectHeader(h));
        },
        onClean: (row) => {
          const k = `${row.period}\u0000${row.branch}`;
          let p = parts.get(k);
          if (!p) parts.set(k, (p = { period: row.period, branch: row.branch, chunks: [(cleanHeader ??= formatCleanHeader(instrument))], rows: 0, ids: [] }));
          p.chunks.push(formatCleanRow(instrument, row));
          p.rows++;
          p.ids.push({ id: row.respondentId, answerHash: row.answerHash });
        },
        onReject: (rej) => {
          rejects.push(formatRejectRow(rej, nColumns));
        },
      });
      const partitions: CleanPartition[] = [...parts.values()]
        .sort((a, b) => (a.period === b.period ? (a.branch < b.branch ? -1 : 1) : a.period < b.period ? -1 : 1))
        .map((p) => ({ period: p.period, branch: p.branch, csv: p.chunks.join(''), rows: p.rows, newRespondents: p.ids }));
      return {
        status: 'clean',
        partitions,
        rejectsCsv: manifest.rejectedRows > 0 ? rejects.join('') : undefined,
        counts: { rows: manifest.inputRows, clean: manifest.cleanRows, rejected: manifest.rejectedRows },
        manifest,
        instrument: tag,
      };
    } catch (e) {
      if (e instanceof DropRejectedError) {
        return { status: 'rejected', error: e.message, manifest: { code: e.code, message: e.message }, instrument: tag };
      }
      throw e;
    }
  };
}

type Env = Record<string, string | undefined>;

async function readJson(s3: S3Client, bucket: string, key: string, what: string): Promise<unknown> {
  const text = await getObjectText(s3, bucket, key);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`s3://${bucket}/${key}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The instrument and branch directory named by the environment (see the header comment). */
export async function cleanerFromEnv(env: Env, s3: S3Client, curatedBucket: string): Promise<Cleaner> {
  let instrument = defaultInstrument;
  if (env.SATMON_INSTRUMENT_JSON) {
    let json: unknown;
    try {
      json = JSON.parse(env.SATMON_INSTRUMENT_JSON);
    } catch (e) {
      throw new Error(`SATMON_INSTRUMENT_JSON is not valid JSON: ${(e as Error).message}`);
    }
    instrument = loadInstrument(json, 'SATMON_INSTRUMENT_JSON');
  } else if (env.SATMON_INSTRUMENT_KEY) {
    const key = env.SATMON_INSTRUMENT_KEY;
    instrument = loadInstrument(await readJson(s3, curatedBucket, key, 'instrument'), `s3://${curatedBucket}/${key}`);
  }
  let branches: Map<string, BranchInfo> | undefined;
  if (env.SATMON_BRANCHES_KEY) {
    const key = env.SATMON_BRANCHES_KEY;
    branches = parseBranchDirectory(await readJson(s3, curatedBucket, key, 'branch directory'), `s3://${curatedBucket}/${key}`);
  }
  return surveyCleaner(instrument, branches);
}
