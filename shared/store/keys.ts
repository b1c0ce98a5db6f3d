// Key design of the single table and of the curated bucket, as plain functions.
// Every access pattern is one Query (see README "Data layout").
//
//  entity            pk                     sk                                   gsi1pk                 gsi1sk
//  drop record       DROP#<sha256>          DROP                                 -                      -
//  respondent seen   RESP#<branch>#<period> <respondentId>                       -                      -
//  needs recompute   DIRTY                  <period>#<branch>                    -                      -
//  metric value      BRANCH#<b>             METRIC#<metric>#<period>             METRIC#<metric>#<p>    BRANCH#<b>
//  period summary    BRANCH#<b>             PERIOD#<period>#SUMMARY              -                      -
//  model result      BRANCH#<b>             PERIOD#<period>#MODEL#<model>        -                      -
//  alert             BRANCH#<b>             ALERT#<period>#<metric>              ALERTS#OPEN (if open)  <period>#<b>#<metric>
//  assessment        ASSESS#<period>        RUN                                  -                      -
// Aggregates use UNIT#REGION#<r> / UNIT#NETWORK in place of BRANCH#<b> via unitPk().

export type Unit = { kind: 'branch'; id: string } | { kind: 'region'; id: string } | { kind: 'network' };

export function unitPk(u: Unit): string {
  switch (u.kind) {
    case 'branch': return `BRANCH#${u.id}`;
    case 'region': return `REGION#${u.id}`;
    case 'network': return 'NETWORK#ALL';
  }
}

export const keys = {
  drop: (sha256: string) => ({ pk: `DROP#${sha256}`, sk: 'DROP' }),
  respondent: (branch: string, period: string, respondentId: string) => ({ pk: `RESP#${branch}#${period}`, sk: respondentId }),
  respondentsOf: (branch: string, period: string) => `RESP#${branch}#${period}`,
  dirty: (period: string, branch: string) => ({ pk: 'DIRTY', sk: `${period}#${branch}` }),
  metric: (u: Unit, metric: string, period: string) => ({
    pk: unitPk(u), sk: `METRIC#${metric}#${period}`, gsi1pk: `METRIC#${metric}#${period}`, gsi1sk: unitPk(u),
  }),
  metricSeriesPrefix: (metric: string) => `METRIC#${metric}#`,
  periodPrefix: (period: string) => `PERIOD#${period}#`,
  periodSummary: (u: Unit, period: string) => ({ pk: unitPk(u), sk: `PERIOD#${period}#SUMMARY` }),
  modelResult: (u: Unit, period: string, model: string) => ({ pk: unitPk(u), sk: `PERIOD#${period}#MODEL#${model}` }),
  alert: (branch: string, period: string, metric: string) => ({ pk: `BRANCH#${branch}`, sk: `ALERT#${period}#${metric}` }),
  openAlertIndex: (branch: string, period: string, metric: string) => ({ gsi1pk: 'ALERTS#OPEN', gsi1sk: `${period}#${branch}#${metric}` }),
  assessment: (period: string) => ({ pk: `ASSESS#${period}`, sk: 'RUN' }),
} as const;

/** Curated-bucket layout. Clean rows are partitioned so one (period, branch) is one prefix across all drops. */
export const S3_LAYOUT = {
  cleanPart: (period: string, branch: string, dropHash: string) => `clean/period=${period}/branch=${branch}/drop=${dropHash}.csv`,
  cleanPrefix: (period: string, branch?: string) => `clean/period=${period}/${branch ? `branch=${branch}/` : ''}`,
  rejects: (dropHash: string) => `rejects/drop=${dropHash}.csv`,
  manifest: (dropHash: string) => `manifests/drop=${dropHash}.json`,
  result: (period: string, unit: string) => `results/period=${period}/${unit}.json`,
  /**
   * Branch list of one assessment run (a JSON array of {branch, period}), written by the assess handler's "plan"
   * and read by the state machine's Distributed Map. `period` is a quarter (2025-Q1) or a year (2025).
   */
  assessmentItems: (period: string, runId: string) => `assessments/items/period=${period}/${runId}.json`,
  /** Where the Distributed Map writes per-branch results; Step Functions adds <map-run-id>/manifest.json etc. */
  assessmentMapResults: 'assessments/map-results',
} as const;
