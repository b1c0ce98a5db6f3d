// Parsed clean parts kept between recomputes in one container (a Lambda container, a local recompute lane). One part
// is read by many units: its branch's quarter, its region's and the network's, the years of each, and the branch's
// next year as the year before (960 reads of 144 parts in the local demo). Fetching and parsing each once took the
// demo's 240 recomputes on one thread from 66.6 s to 57.4 s of CPU.
// A part is found by bucket, key and ETag (the listing's: a rewritten part, e.g. after an erasure, has another ETag)
// and by the instrument columns it was parsed for; the oldest parts are dropped beyond a row budget.
import { parseCleanPart, type CleanPart } from '../assess/frame';
import type { Instrument } from '../survey';

/**
 * About 70 MB of parsed rows at the default instrument's width (~700 bytes a row: 49 items as doubles, ids and 6
 * categories as strings); an instrument with more columns costs proportionally more (the recompute Lambda has 1769 MB).
 */
export const PART_CACHE_MAX_ROWS = 100_000;

export class CleanPartCache {
  private readonly parts = new Map<string, CleanPart>();
  private rows = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxRows = PART_CACHE_MAX_ROWS) {}

  /** The part parsed for this instrument: kept from an earlier call, or read with `text` and parsed now. */
  async get(part: { bucket: string; key: string; etag: string }, instrument: Instrument, text: () => Promise<string>): Promise<CleanPart> {
    const id = JSON.stringify([part.bucket, part.key, part.etag, columnsOf(instrument)]);
    const kept = this.parts.get(id);
    if (kept) {
      this.hits++;
      this.parts.delete(id); // most recently used last
      this.parts.set(id, kept);
      return kept;
    }
    this.misses++;
    const parsed = parseCleanPart(await text(), part.key, instrument);
    if (!this.parts.has(id) && parsed.n <= this.maxRows) {
      this.parts.set(id, parsed);
      this.rows += parsed.n;
      for (const [k, p] of this.parts) {
        if (this.rows <= this.maxRows) break;
        this.parts.delete(k);
        this.rows -= p.n;
      }
    }
    return parsed;
  }
}

/** What parseCleanPart's result depends on besides the text: the columns it reads. */
function columnsOf(instrument: Instrument): unknown {
  return [instrument.items, instrument.categories.map((c) => c.name), instrument.weightColumn ?? null];
}
