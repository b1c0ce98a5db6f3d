// Adapter from shared/survey's streaming cleaner to ingest's Cleaner: clean rows are split per (period, branch)
// into the curated layout's parts, rejects go to one CSV, a whole-drop refusal becomes a 'rejected' outcome.
//
// Which instrument and which known branches: survey-config.ts.
import {
  cleanDrop,
  DropRejectedError,
  formatCleanHeader,
  formatCleanRow,
  formatRejectHeader,
  formatRejectRow,
  type BranchInfo,
  type Instrument,
} from '../survey';
import type { CleanPartition } from '../pipeline/drops';
import type { SurveySettings } from '../config';
import type { CleanOutcome, Cleaner, CleanRequest, HeldConflicts } from './ingest';
import type { ObjectStore } from './storage';
import { branchesFor, instrumentFor } from './survey-config';

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
    const conflicts = new Map<string, HeldConflicts>();
    const rejects: string[] = [];
    let nColumns = 0;
    let cleanHeader: string | undefined;
    try {
      const manifest = await cleanDrop(req.body, {
        instrument,
        source: req.source,
        seen: req.seen,
        knownBranches,
        receivedAt: req.receivedAt,
        ...(req.uploader.kind === 'branch' ? { uploaderBranch: req.uploader.branch } : {}),
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
          // Held because an earlier drop has this respondent with other answers: recorded on both drops by ingest.
          if (rej.branch !== null && rej.period !== null && rej.reasons.includes('DUPLICATE_PRIOR_CONFLICT')) {
            const k = `${rej.period}\u0000${rej.branch}`;
            let c = conflicts.get(k);
            if (!c) conflicts.set(k, (c = { branch: rej.branch, period: rej.period, ids: [] }));
            c.ids.push(rej.respondentId);
          }
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
        ...(conflicts.size ? { conflicts: [...conflicts.values()] } : {}),
      };
    } catch (e) {
      if (e instanceof DropRejectedError) {
        return { status: 'rejected', error: e.message, manifest: { code: e.code, message: e.message }, instrument: tag };
      }
      throw e;
    }
  };
}

/** A cleaner with the configured instrument and branch directory (survey-config.ts). */
export async function cleanerFor(survey: SurveySettings, objects: ObjectStore, curatedBucket: string): Promise<Cleaner> {
  const [instrument, branches] = await Promise.all([instrumentFor(survey, objects, curatedBucket), branchesFor(survey, objects, curatedBucket)]);
  return surveyCleaner(instrument, branches);
}
