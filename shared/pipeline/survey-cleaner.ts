// Adapter from shared/survey's streaming cleaner to ingest's Cleaner: clean rows are split per (period, branch)
// into the curated layout's parts, rejects go to one CSV, a whole-drop refusal becomes a 'rejected' outcome.
// Memory stays bounded whatever the drop: once the buffered text passes a budget, every buffer is handed to ingest
// as a chunk (written at once) and emptied. Chunking depends only on the input, so a retry writes the same objects.
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
  type CleanOptions,
  type Instrument,
  type RowPrivacy,
} from '../survey';
import type { CleanPartition, OutputChunk } from '../pipeline/drops';
import type { SurveySettings } from '../config';
import type { CleanOutcome, Cleaner, CleanRequest, HeldConflicts } from './ingest';
import type { ObjectStore } from './storage';
import { mapLimit } from './concurrency';
import { branchesFor, instrumentFor } from './survey-config';

interface Part {
  period: string;
  branch: string;
  chunks: string[];
  written: number;
  rows: number;
  /** Respondent ids accepted since the last hand-over (they go with the next clean chunk). */
  ids: { id: string; answerHash: string }[];
}

/** Buffered CSV text (clean parts and rejects together, in UTF-16 code units) before it is handed over as chunks. */
export const OUTPUT_BUDGET_CHARS = 32 * 1024 * 1024;

export interface SurveyCleanerOptions {
  /** Buffered output before flushing (default OUTPUT_BUDGET_CHARS). */
  budgetChars?: number;
  /** Line and field caps of the reader (SATMON_MAX_LINE_BYTES, SATMON_MAX_FIELD_BYTES). */
  reader?: CleanOptions['reader'];
  /** Pseudonyms for ids, masked free text, minimal rejects (ingest always sets it: README "Personal data"). */
  privacy?: RowPrivacy;
}

/** Clean one drop with an instrument; rows are handed to `req.write` in chunks (bounded memory). */
export function surveyCleaner(instrument: Instrument, knownBranches?: ReadonlyMap<string, BranchInfo>, opts: SurveyCleanerOptions = {}): Cleaner {
  const tag = `${instrument.id}@${instrument.version}`;
  const budget = opts.budgetChars ?? OUTPUT_BUDGET_CHARS;
  return async (req: CleanRequest): Promise<CleanOutcome> => {
    const parts = new Map<string, Part>();
    const conflicts = new Map<string, HeldConflicts>();
    let rejectsHeader = '';
    let rejects: string[] = [];
    let rejectChunks = 0;
    let buffered = 0;
    let nColumns = 0;
    const cleanHeader = formatCleanHeader(instrument);
    const flush = async (): Promise<void> => {
      const out: OutputChunk[] = [];
      const ids: Extract<OutputChunk, { kind: 'respondents' }>['parts'] = [];
      for (const p of parts.values()) {
        if (p.chunks.length === 0) continue;
        ids.push({ period: p.period, branch: p.branch, chunk: p.written, ids: p.ids });
        out.push({ kind: 'clean', period: p.period, branch: p.branch, chunk: p.written++, csv: cleanHeader + p.chunks.join('') });
        p.chunks = [];
        p.ids = [];
      }
      if (ids.length) out.push({ kind: 'respondents', parts: ids });
      if (rejects.length) {
        out.push({ kind: 'rejects', chunk: rejectChunks++, csv: rejectsHeader + rejects.join('') });
        rejects = [];
      }
      buffered = 0;
      // A head-office export has thousands of parts: write them a few at a time, not one after another.
      await mapLimit(out, 8, (c) => req.write(c));
    };
    try {
      const manifest = await cleanDrop(req.body, {
        instrument,
        source: req.source,
        seen: req.seen,
        knownBranches,
        receivedAt: req.receivedAt,
        ...(req.uploader.kind === 'branch' ? { uploaderBranch: req.uploader.branch } : {}),
        ...(opts.reader ? { reader: opts.reader } : {}),
        ...(opts.privacy ? { privacy: opts.privacy, erased: req.erased } : {}),
        collectNewRespondents: false, // ids go to DynamoDB from onClean; the manifest stays small
        onHeader: (h) => {
          nColumns = h.columns.length;
          rejectsHeader = formatRejectHeader(h);
        },
        onClean: (row) => {
          const k = `${row.period}\u0000${row.branch}`;
          let p = parts.get(k);
          if (!p) parts.set(k, (p = { period: row.period, branch: row.branch, chunks: [], written: 0, rows: 0, ids: [] }));
          const line = formatCleanRow(instrument, row);
          p.chunks.push(line);
          buffered += line.length + row.respondentId.length + 24; // the id and its hash wait with the row
          p.rows++;
          p.ids.push({ id: row.respondentId, answerHash: row.answerHash });
          return buffered > budget ? flush() : undefined;
        },
        onReject: (rej) => {
          const line = formatRejectRow(rej, nColumns);
          rejects.push(line);
          buffered += line.length;
          // Held because an earlier drop has this respondent with other answers: recorded on both drops by ingest.
          if (rej.branch !== null && rej.period !== null && rej.reasons.includes('DUPLICATE_PRIOR_CONFLICT')) {
            const k = `${rej.period}\u0000${rej.branch}`;
            let c = conflicts.get(k);
            if (!c) conflicts.set(k, (c = { branch: rej.branch, period: rej.period, ids: [] }));
            c.ids.push(rej.respondentId);
          }
          return buffered > budget ? flush() : undefined;
        },
      });
      await flush();
      const partitions: CleanPartition[] = [...parts.values()]
        .sort((a, b) => (a.period === b.period ? (a.branch < b.branch ? -1 : 1) : a.period < b.period ? -1 : 1))
        .map((p) => ({ period: p.period, branch: p.branch, rows: p.rows, chunks: p.written, newRespondents: [] })); // ids already handed over
      return {
        status: 'clean',
        partitions,
        rejectChunks,
        counts: { rows: manifest.inputRows, clean: manifest.cleanRows, rejected: manifest.rejectedRows },
        manifest,
        instrument: tag,
        ...(conflicts.size ? { conflicts: [...conflicts.values()] } : {}),
      };
    } catch (e) {
      if (e instanceof DropRejectedError) {
        // Under privacy the cleaner names no header cell (a data row could stand in the header's place); masked
        // again in case a message quotes input some other way.
        const message = opts.privacy ? opts.privacy.maskText(e.message) : e.message;
        return { status: 'rejected', error: message, manifest: { code: e.code, message }, instrument: tag };
      }
      throw e;
    }
  };
}

/**
 * A cleaner with the configured instrument and branch directory (survey-config.ts), line/field caps, and the
 * personal-data handling every stored row goes through.
 */
export async function cleanerFor(survey: SurveySettings, objects: ObjectStore, curatedBucket: string, privacy: RowPrivacy): Promise<Cleaner> {
  const [instrument, branches] = await Promise.all([instrumentFor(survey, objects, curatedBucket), branchesFor(survey, objects, curatedBucket)]);
  return surveyCleaner(instrument, branches, { reader: { maxLineBytes: survey.maxLineBytes, maxFieldBytes: survey.maxFieldBytes }, privacy });
}
