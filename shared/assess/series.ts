// From stored metric items to the series the assessment reads, and the assessment's own outputs. Pure.
import { createHash } from 'node:crypto';
import type { PlsModelSpec } from '../models/spec';
import { comparePeriods, kindTag, periodKind } from '../period';
import { keys, S3_LAYOUT } from '../layout/keys';
import type { Observation } from './alert-rule';
import type { AssessmentOutput } from './assessment';
import type { AssessmentItem, MetricItem, SummaryItem } from './records';
import type { IndexValue } from './recompute';

/** metric -> observations of one period kind (quarters or years), oldest first. */
export function seriesFromItems(items: readonly MetricItem[], kind: 'Q' | 'Y'): Record<string, Observation[]> {
  const out: Record<string, Observation[]> = {};
  for (const it of items) {
    if (kindTag(it.period) !== kind || it.value === null) continue;
    (out[it.metric] ??= []).push({ period: it.period, value: it.value, se: it.se ?? NaN, n: it.n });
  }
  for (const s of Object.values(out)) s.sort((a, b) => comparePeriods(a.period, b.period));
  return out;
}

/** The drivers of each construct: its predecessors in the model (interaction terms left out). */
export function driversOf(spec: PlsModelSpec): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of spec.paths) if (p.from in spec.constructs) (out[p.to] ??= []).push(p.from);
  return out;
}

export function assessmentItem(
  out: AssessmentOutput,
  network: SummaryItem | undefined,
  regions: Record<string, SummaryItem | undefined>,
  openAlerts: number,
  inputs: readonly string[],
): AssessmentItem {
  const idx = (s: SummaryItem | undefined): Record<string, IndexValue> => s?.indices ?? {};
  return {
    ...keys.assessment(out.period),
    entity: 'assessment',
    period: out.period,
    kind: periodKind(out.period),
    branches: out.rows.length,
    tested: out.tested,
    newAlerts: out.newAlerts.length,
    openAlerts,
    network: idx(network),
    regions: Object.fromEntries(Object.entries(regions).map(([r, s]) => [r, idx(s)])),
    resultKey: S3_LAYOUT.assessment(out.period),
    inputHash: createHash('sha256').update(JSON.stringify([...inputs].sort())).digest('hex'),
  };
}
