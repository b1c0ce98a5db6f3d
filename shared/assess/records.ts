// What a unit's recompute writes to the table: plain items (no AWS types), identical for identical inputs, so a
// recompute replaces and never duplicates. Key design in shared/store/keys.ts.
import { keys, unitPk, type Unit } from '../store/keys';
import { S3_LAYOUT } from '../store/keys';
import type { IndexValue, ModelStatus, UnitResult } from './recompute';

export interface MetricItem {
  pk: string; sk: string; gsi1pk: string; gsi1sk: string;
  entity: 'metric';
  unit: string; metric: string; period: string;
  value: number | null; se: number | null; ciLow: number | null; ciHigh: number | null; moe: number | null; n: number; method: IndexValue['method'];
  region?: string;
}

export interface SummaryItem {
  pk: string; sk: string;
  entity: 'summary';
  unit: string; period: string; n: number; region?: string;
  status: { satisfaction: ModelStatus; loyalty: ModelStatus };
  indices: Record<string, IndexValue>;
  /** S3 key (curated bucket) of the full UnitResult JSON. */
  resultKey: string;
  /** Hash of the rows the result was computed from, to skip identical recomputes. */
  inputHash: string;
}

export function unitLabel(u: Unit): string {
  return u.kind === 'network' ? 'NETWORK' : u.kind === 'region' ? `REGION:${u.id}` : u.id;
}

/** DynamoDB numbers cannot be NaN or infinite: a figure that does not exist (e.g. an SE at n = 1) is stored as null. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Deep copy with every non-finite number replaced by null (what DynamoDB and JSON can hold). */
export function finiteDeep<T>(x: T): T {
  if (typeof x === 'number') return (Number.isFinite(x) ? x : null) as T;
  if (Array.isArray(x)) return x.map(finiteDeep) as T;
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, finiteDeep(v)])) as T;
  return x;
}

export function resultKey(u: Unit, period: string): string {
  return S3_LAYOUT.result(period, unitPk(u).replace('#', '_'));
}

export function recordsForResult(r: UnitResult, inputHash: string, region?: string): { summary: SummaryItem; metrics: MetricItem[] } {
  const label = unitLabel(r.unit);
  const metrics = Object.entries(r.indices).map(([metric, v]): MetricItem => ({
    ...keys.metric(r.unit, metric, r.period),
    entity: 'metric', unit: label, metric, period: r.period,
    value: finite(v.value), se: finite(v.se), ciLow: finite(v.ciLow), ciHigh: finite(v.ciHigh), moe: finite(v.moe), n: v.n, method: v.method,
    ...(region ? { region } : {}),
  }));
  const summary: SummaryItem = {
    ...keys.periodSummary(r.unit, r.period),
    entity: 'summary', unit: label, period: r.period, n: r.n,
    status: r.status, indices: finiteDeep(r.indices), resultKey: resultKey(r.unit, r.period), inputHash,
    ...(region ? { region } : {}),
  };
  return { summary, metrics };
}
