// The dashboard's reads, in terms of the key design (shared/layout/keys.ts): each method is one Query, one
// BatchGet, one Get or one S3 object. No authorization here (./views.ts decides what a principal sees).
import type { StoredPathTest } from '../assess/path-tests';
import type { AlertItem, AssessmentItem, MetricItem, SummaryItem } from '../assess/records';
import type { UnitResult } from '../assess/recompute';
import { partitionsOfRecord, type ConflictItem, type DropRecord } from '../pipeline/drops';
import { dropIdOfPartKey, keys, S3_LAYOUT, unitPk, type Unit } from '../layout/keys';
import { parseBranchDirectory } from '../survey/instrument';
import type { Backend, Item } from './backend';
import type { BranchInfo } from './types';

/** A stored drop record as the document client returns it (the key set may come back as a Set or an array). */
export type StoredDrop = Omit<DropRecord, 'objectKeys'> & { objectKeys?: Iterable<string> };

/**
 * A stored watch episode (the alert's twin, keys.watch / keys.openWatchIndex): an alert item's fields with entity
 * 'watch', and `resolvedBy: 'alert'` when the decline became an alert.
 */
export type StoredWatch = Omit<AlertItem, 'entity'> & { entity: 'watch'; resolvedBy?: 'alert' };

/** A stored conflict item (the drop set may come back as a Set or an array). */
export type StoredConflict = Omit<ConflictItem, 'withDrops'> & { withDrops?: Iterable<string> };

/**
 * A drop found through a branch's clean parts or its conflicts, with those parts' keys, its partitions (from the
 * manifest when the record keeps none), and the respondents of this branch it delivered again with other answers.
 */
export type BranchDrop = StoredDrop & { branchKeys: string[]; conflicts: StoredConflict[] };

export interface StoreOptions {
  /** Branch directory object in the curated bucket (SATMON_BRANCHES_KEY); default config/branches.json. */
  branchesKey?: string;
  /** How long a container keeps the directory (ms). */
  directoryTtlMs?: number;
  now?: () => number;
  /**
   * The free-text columns of the instrument in use (shared/pipeline/survey-config.ts, read per request so an update
   * applies at once); none when not given (the default instrument declares none).
   */
  textColumns?: () => Promise<readonly string[]>;
}

const BATCH = 100; // BatchGetItem's limit

export class DashboardStore {
  private dir: { at: number; value: Promise<BranchInfo[]> } | undefined;

  constructor(readonly backend: Backend, private readonly opts: StoreOptions = {}) {}

  /** Branch directory (id, name, region), sorted by id; [] when none was uploaded. */
  directory(): Promise<BranchInfo[]> {
    const now = (this.opts.now ?? Date.now)();
    const ttl = this.opts.directoryTtlMs ?? 60_000;
    if (!this.dir || now - this.dir.at > ttl) {
      const key = this.opts.branchesKey ?? S3_LAYOUT.branches;
      const value = this.backend.getJson(key).then((json) => {
        if (json === undefined) return [];
        return [...parseBranchDirectory(json, key).values()]
          .map((b) => ({ id: b.id, name: b.name ?? b.id, region: b.region ?? '' }))
          .sort((a, b) => a.id.localeCompare(b.id));
      });
      // A failed read is not cached.
      value.catch(() => { this.dir = undefined; });
      this.dir = { at: now, value };
    }
    return this.dir.value;
  }

  /** Every metric item of a unit (all metrics, quarters and years), in sort-key order. */
  async metrics(u: Unit): Promise<MetricItem[]> {
    return (await this.backend.query({ pk: unitPk(u), skPrefix: 'METRIC#' })) as unknown as MetricItem[];
  }

  summary(u: Unit, period: string): Promise<SummaryItem | undefined> {
    return this.backend.get(keys.periodSummary(u, period)) as Promise<SummaryItem | undefined>;
  }

  /** Period summaries of many branches (absent ones left out), by branch id. */
  async branchSummaries(branches: readonly string[], period: string): Promise<Map<string, SummaryItem>> {
    const out = new Map<string, SummaryItem>();
    for (let i = 0; i < branches.length; i += BATCH) {
      const got = await this.backend.batchGet(branches.slice(i, i + BATCH).map((b) => keys.periodSummary({ kind: 'branch', id: b }, period)));
      for (const it of got as unknown as SummaryItem[]) out.set(String(it.pk).slice('BRANCH#'.length), it);
    }
    return out;
  }

  /**
   * Every branch with data in a period and its respondents: the branch items of the period's ranking partition of
   * one metric (GSI1 METRIC#<metric>#<period>), small items in one Query. The pipeline writes a unit's metric items
   * and its summary from the same result, so these are the branches with a summary.
   */
  async branchCoverage(period: string, metric = 'SAT'): Promise<{ branch: string; region?: string; n: number }[]> {
    const items = await this.backend.query({ index: 'gsi1', pk: keys.metricRanking(metric, period), skPrefix: 'BRANCH#' });
    return items.map((it) => ({
      branch: String(it.pk).slice('BRANCH#'.length),
      ...(typeof it.region === 'string' && it.region ? { region: it.region } : {}),
      n: typeof it.n === 'number' ? it.n : 0,
    }));
  }

  assessment(period: string): Promise<AssessmentItem | undefined> {
    return this.backend.get(keys.assessment(period)) as Promise<AssessmentItem | undefined>;
  }

  /** The full result JSON a summary points at. */
  async result(summary: SummaryItem | undefined): Promise<UnitResult | undefined> {
    if (!summary?.resultKey) return undefined;
    return (await this.backend.getJson(summary.resultKey)) as UnitResult | undefined;
  }

  /** A branch's paths tested against the rest of the network's (written by the network's recompute), if any. */
  async branchPathTests(branch: string, period: string): Promise<StoredPathTest | undefined> {
    return (await this.backend.getJson(S3_LAYOUT.branchPathTests(period, branch))) as StoredPathTest | undefined;
  }

  /** Open alerts of the whole network, newest episode first (GSI1 ALERTS#OPEN, sort key <since>#<branch>#<metric>). */
  async openAlerts(): Promise<AlertItem[]> {
    return (await this.backend.query({ index: 'gsi1', pk: keys.openAlerts, descending: true })) as unknown as AlertItem[];
  }

  /** Every alert episode of a branch, open and resolved, newest first. */
  async branchAlerts(branch: string): Promise<AlertItem[]> {
    return (await this.backend.query({ pk: unitPk({ kind: 'branch', id: branch }), skPrefix: keys.alertPrefix, descending: true })) as unknown as AlertItem[];
  }

  /** Open watches of the whole network, newest episode first (GSI1 WATCHES#OPEN, sort key <since>#<branch>#<metric>). */
  async openWatches(): Promise<StoredWatch[]> {
    return (await this.backend.query({ index: 'gsi1', pk: keys.openWatches, descending: true })) as unknown as StoredWatch[];
  }

  /** Every watch episode of a branch, open and resolved, newest first. */
  async branchWatches(branch: string): Promise<StoredWatch[]> {
    return (await this.backend.query({ pk: unitPk({ kind: 'branch', id: branch }), skPrefix: keys.watchPrefix, descending: true })) as unknown as StoredWatch[];
  }

  /**
   * Drop records that delivered rows of a branch in the given quarters: the clean parts under
   * clean/period=P/branch=B/ are named after their drop's hash, which is the drop record's key.
   */
  async branchDrops(branch: string, quarters: readonly string[]): Promise<BranchDrop[]> {
    const partsOf = new Map<string, string[]>();
    const [listed, conflicts] = await Promise.all([
      Promise.all(quarters.map((q) => this.backend.listKeys(S3_LAYOUT.cleanPrefix(q, branch)))),
      this.branchConflicts(branch),
    ]);
    for (const key of listed.flat()) {
      const id = dropIdOfPartKey(key);
      if (id) partsOf.set(id, [...(partsOf.get(id) ?? []), key]);
    }
    const conflictsOf = new Map<string, StoredConflict[]>();
    for (const c of conflicts) conflictsOf.set(c.dropId, [...(conflictsOf.get(c.dropId) ?? []), c]);
    // A drop whose rows for this branch were all held still shows: it has a conflict to decide.
    const all = [...new Set([...partsOf.keys(), ...conflictsOf.keys()])];
    const out: Item[] = [];
    for (let i = 0; i < all.length; i += BATCH) out.push(...(await this.backend.batchGet(all.slice(i, i + BATCH).map((h) => keys.drop(h)))));
    return Promise.all((out as unknown as StoredDrop[]).map(async (d) => {
      const id = d.dropId ?? d.sha256;
      return { ...d, partitions: await partitionsOfRecord(d, (key) => this.backend.getJson(key)), branchKeys: [...(partsOf.get(id) ?? [])].sort(), conflicts: conflictsOf.get(id) ?? [] };
    }));
  }

  /** The instrument's free-text columns (clean.csv keeps them under their declared names). */
  async textColumns(): Promise<readonly string[]> {
    return (await this.opts.textColumns?.()) ?? [];
  }

  /**
   * The clean parts of a branch in the given quarters, per drop: quarter order, then drops oldest first (by
   * receivedAt, then id), each drop's chunks in key order (= chunk order, ../layout/keys.ts).
   */
  async cleanParts(branch: string, quarters: readonly string[]): Promise<{ period: string; dropId: string; receivedAt: string | null; keys: string[] }[]> {
    const listed = await Promise.all(quarters.map((q) => this.backend.listKeys(S3_LAYOUT.cleanPrefix(q, branch))));
    const parts = quarters.flatMap((period, i) => {
      const byDrop = new Map<string, string[]>();
      for (const key of listed[i]!) {
        const id = dropIdOfPartKey(key);
        if (id) byDrop.set(id, [...(byDrop.get(id) ?? []), key]);
      }
      return [...byDrop].map(([dropId, keys]) => ({ period, dropId, keys: keys.sort() }));
    });
    const ids = [...new Set(parts.map((x) => x.dropId))];
    const records: Item[] = [];
    for (let i = 0; i < ids.length; i += BATCH) records.push(...(await this.backend.batchGet(ids.slice(i, i + BATCH).map((h) => keys.drop(h)))));
    const received = new Map((records as unknown as StoredDrop[]).map((d) => [d.dropId ?? d.sha256, d.receivedAt ?? null]));
    return parts
      .map((x) => ({ ...x, receivedAt: received.get(x.dropId) ?? null }))
      .sort((a, b) => quarters.indexOf(a.period) - quarters.indexOf(b.period)
        || (a.receivedAt ?? '').localeCompare(b.receivedAt ?? '') || a.dropId.localeCompare(b.dropId));
  }

  /** A text object of the curated bucket (a clean part); undefined when absent. */
  objectText(key: string): Promise<string | undefined> {
    return this.backend.getText(key);
  }

  /** Rows of the branch held as conflicting with earlier drops, per later drop and quarter. */
  async branchConflicts(branch: string): Promise<StoredConflict[]> {
    return (await this.backend.query({ pk: unitPk({ kind: 'branch', id: branch }), skPrefix: keys.conflictPrefix() })) as unknown as StoredConflict[];
  }
}
