// A small simulated network as the pipeline would store it, built from the shared functions themselves
// (clean -> recomputeUnit -> recordsForResult -> closeAssessment -> alertItem / assessmentItem): the items of
// the single table and the objects of the curated bucket, for the API tests' in-memory backend.
// Three branches in two regions, 2024-Q1..2025-Q4 and both years, BR02's trust falling from 2025-Q2.
import { createHash } from 'node:crypto';
import { closeAssessment } from '../../../../shared/assess/assessment';
import { frameFromCleanCsv } from '../../../../shared/assess/frame';
import { contextFromInstrument, recomputeUnit, type RecomputeSettings, type UnitResult } from '../../../../shared/assess/recompute';
import { alertItem, finiteDeep, recordsForResult, type AlertItem, type MetricItem, type SummaryItem } from '../../../../shared/assess/records';
import { assessmentItem, driversOf, seriesFromItems } from '../../../../shared/assess/series';
import { memoryBackend, type Item } from '../../../../shared/api/backend';
import { DashboardStore } from '../../../../shared/api/store';
import { satisfactionModel } from '../../../../shared/models';
import type { DropRecord } from '../../../../shared/pipeline/drops';
import { keys, S3_LAYOUT, unitPk, type Unit } from '../../../../shared/layout/keys';
import { cleanDrop, defaultInstrument, formatCleanHeader, formatCleanRow, simulateDrops } from '../../../../shared/survey';

export const QUARTERS = ['2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'];
export const YEARS = ['2024', '2025'];
const SETTINGS: RecomputeSettings = { nboot: 20, seed: 11, minN: 30, alpha: 0.05, workers: 1, bca: false, permutations: 0, restRows: 2000 };

export interface Fixture {
  items: Item[];
  objects: Record<string, string>;
  branches: { id: string; name: string; region: string }[];
  /** Item lookups for assertions. */
  summary(u: Unit, period: string): SummaryItem;
  result(u: Unit, period: string): UnitResult;
  metric(u: Unit, metric: string, period: string): MetricItem;
  alerts: AlertItem[];
  drops: DropRecord[];
  store(): DashboardStore;
}

let built: Promise<Fixture> | undefined;

export function fixture(): Promise<Fixture> {
  return (built ??= build());
}

async function build(): Promise<Fixture> {
  const sim = simulateDrops({
    seed: 'api-fixture', branches: 3, periods: QUARTERS, n: 50, messy: 0.05, format: 'plain',
    drifts: [{ branch: 'BR02', construct: 'TRUST', delta: -1.2, from: '2025-Q2' }],
  });
  const branches = sim.branches.map((b) => ({ id: b.id, name: b.name, region: b.region }));
  const regionOf = new Map(branches.map((b) => [b.id, b.region]));
  const items: Item[] = [];
  const objects: Record<string, string> = { [S3_LAYOUT.branches]: JSON.stringify(sim.branches) };
  const drops: DropRecord[] = [];
  // Clean CSV text per (branch, quarter).
  const clean = new Map<string, string>();
  for (const d of sim.drops) {
    const sha = createHash('sha256').update(d.text).digest('hex');
    const parts = new Map<string, { period: string; branch: string; text: string; rows: number }>();
    const m = await cleanDrop(d.text, {
      instrument: defaultInstrument, source: d.file,
      onClean: (r) => {
        const k = `${r.branch}|${r.period}`;
        const p = parts.get(k) ?? { period: r.period, branch: r.branch, text: formatCleanHeader(defaultInstrument), rows: 0 };
        p.text += formatCleanRow(defaultInstrument, r);
        p.rows++;
        parts.set(k, p);
      },
      onReject: () => {},
    });
    for (const p of parts.values()) {
      clean.set(`${p.branch}|${p.period}`, p.text);
      objects[S3_LAYOUT.cleanPart(p.period, p.branch, sha)] = p.text;
    }
    const rec: DropRecord = {
      ...keys.drop(sha), entity: 'drop', dropId: sha, sha256: sha, uploader: 'head-office', status: 'done', bucket: 'satmon-raw', objectKeys: new Set([`drops/${d.file}`]),
      firstKey: `drops/${d.file}`, size: d.text.length, receivedAt: `2026-01-0${1 + (drops.length % 9)}T08:00:00.000Z`, completedAt: '2026-01-10T08:00:01.000Z',
      instrument: `${defaultInstrument.id}@${defaultInstrument.version}`,
      counts: { rows: m.inputRows, clean: m.cleanRows, rejected: m.rejectedRows },
      partitions: [...parts.values()].map((p) => ({ period: p.period, branch: p.branch, rows: p.rows, key: S3_LAYOUT.cleanPart(p.period, p.branch, sha) })),
      manifestKey: S3_LAYOUT.manifest(sha),
    };
    drops.push(rec);
    items.push({ ...rec, objectKeys: [...rec.objectKeys] });
  }

  const results = new Map<string, UnitResult>();
  const summaries = new Map<string, SummaryItem>();
  const metrics = new Map<string, MetricItem>();
  const unitKey = (u: Unit, period: string) => `${unitPk(u)}|${period}`;
  const regions = [...new Set(branches.map((b) => b.region))].sort();
  const quartersOf = (p: string) => (p.length === 4 ? QUARTERS.filter((q) => q.startsWith(p)) : [p]);
  const recompute = async (u: Unit, period: string) => {
    const members = branches.filter((b) => u.kind === 'network' || (u.kind === 'region' ? b.region === u.id : b.id === u.id));
    const texts = members.flatMap((b) => quartersOf(period).flatMap((q) => {
      const t = clean.get(`${b.id}|${q}`);
      return t ? [{ text: t, source: `${b.id}/${q}` }] : [];
    }));
    const frame = frameFromCleanCsv(texts, defaultInstrument);
    const r = await recomputeUnit(frame, contextFromInstrument(defaultInstrument, u, period), SETTINGS);
    const region = u.kind === 'branch' ? regionOf.get(u.id) : undefined;
    const { summary, metrics: ms } = recordsForResult(r, `hash-${unitKey(u, period)}`, region);
    results.set(unitKey(u, period), r);
    summaries.set(unitKey(u, period), summary);
    objects[summary.resultKey] = JSON.stringify(r);
    items.push(summary as unknown as Item);
    for (const m of ms) {
      metrics.set(`${unitKey(u, period)}|${m.metric}`, m);
      items.push(m as unknown as Item);
    }
  };

  const open = new Map<string, AlertItem>();
  const alerts: AlertItem[] = [];
  for (const period of [...QUARTERS, ...YEARS]) {
    const units: Unit[] = [...branches.map((b) => ({ kind: 'branch', id: b.id }) as Unit), ...regions.map((id) => ({ kind: 'region', id }) as Unit), { kind: 'network' }];
    for (const u of units) await recompute(u, period);
    // Close the assessment as lambdas/assess does.
    const kind = period.length === 4 ? 'Y' : 'Q';
    const metricItems = (u: Unit) => [...metrics.values()].filter((m) => m.pk === unitPk(u));
    const out = closeAssessment({
      period,
      metrics: kind === 'Q' ? ['TRUST'] : [],
      drivers: driversOf(satisfactionModel),
      branches: Object.fromEntries(branches.map((b) => [b.id, { region: b.region, series: seriesFromItems(metricItems({ kind: 'branch', id: b.id }), kind) }])),
      network: seriesFromItems(metricItems({ kind: 'network' }), kind),
      openAlerts: new Map([...open.values()].map((a) => [`${a.branch}#${a.metric}`, a.since])),
    });
    for (const a of out.newAlerts) {
      const it = alertItem(a, regionOf.get(a.branch));
      open.set(`${a.branch}#${a.metric}`, it);
      alerts.push(it);
    }
    for (const a of out.continuing) {
      const it = open.get(`${a.branch}#${a.metric}`)!;
      Object.assign(it, finiteDeep({ lastPeriod: a.period, decline: a.decline, declineCi: a.declineCi, baseline: a.baseline, current: a.current, p: a.p, bhThreshold: a.bhThreshold, test: a.test, drivers: a.drivers }));
    }
    for (const r of out.resolved) {
      const it = open.get(`${r.branch}#${r.metric}`)!;
      it.status = 'resolved';
      it.resolvedIn = period;
      delete it.gsi1pk;
      delete it.gsi1sk;
      open.delete(`${r.branch}#${r.metric}`);
    }
    const rec = assessmentItem(out, summaries.get(unitKey({ kind: 'network' }, period)),
      Object.fromEntries(regions.map((r) => [r, summaries.get(unitKey({ kind: 'region', id: r }, period))])), open.size, branches.map((b) => b.id));
    items.push(finiteDeep(rec) as unknown as Item);
    objects[rec.resultKey] = JSON.stringify(finiteDeep(out));
  }
  items.push(...(alerts as unknown as Item[]));

  const need = <T>(m: Map<string, T>, k: string): T => {
    const v = m.get(k);
    if (v === undefined) throw new Error(`fixture has no ${k}`);
    return v;
  };
  return {
    items, objects, branches, alerts, drops,
    summary: (u, p) => need(summaries, unitKey(u, p)),
    result: (u, p) => need(results, unitKey(u, p)),
    metric: (u, m, p) => need(metrics, `${unitKey(u, p)}|${m}`),
    store: () => new DashboardStore(memoryBackend(items, objects)),
  };
}
