// Key design of the single table and of the curated bucket, as plain functions.
// Every access pattern is one Query (see README "Data layout").
//
//  entity            pk                     sk                                   gsi1pk                 gsi1sk
//  drop record       DROP#<dropId>          DROP                                 -                      -
//  superseded upload UPLOADS#SUPERSEDED     <bucket>/<key>#<etag>                -                      -
//  drop conflict     BRANCH#<b>             CONFLICT#<period>#<dropId>           -                      -
//  respondents seen  RESP#<branch>#<period> DROP#<sha256>#<chunk>                -                      -
//  drop in progress  ACTIVE                 <dropId>                             -                      -
//  erased on request ERASED                 <pseudonym>                          -                      -
//  erasure record    ERASURES               <when>#<erasureId>                   -                      -
//  erasure lock      ERASURE#LOCK           LOCK                                 -                      -
//  needs recompute   DIRTY                  <period>#<branch>                    -                      -
//  metric value      BRANCH#<b>             METRIC#<metric>#<Q|Y>#<period>       METRIC#<metric>#<p>    BRANCH#<b>
//  period summary    BRANCH#<b>             PERIOD#<period>#SUMMARY              -                      -
//  model result      BRANCH#<b>             PERIOD#<period>#MODEL#<model>        -                      -
//  alert (episode)   BRANCH#<b>             ALERT#<since>#<metric>               ALERTS#OPEN (if open)  <since>#<b>#<metric>
//  watch (episode)   BRANCH#<b>             WATCH#<since>#<metric>               WATCHES#OPEN (if open) <since>#<b>#<metric>
//  assessment        ASSESS#<period>        RUN                                  -                      -
// Aggregates use REGION#<r> / NETWORK#ALL in place of BRANCH#<b> via unitPk(). Periods are quarters (2025-Q3) or
// years (2025); the Q/Y tag (../period.ts kindTag) keeps a metric's quarterly and annual series apart, each one
// sorted Query.
import { kindTag } from '../period';

/**
 * Version of what is stored (items and objects). Raise it when their shape changes, so data persisted by an older
 * version (npm start's .satmon/data) are rebuilt rather than misread. 2: respondent ids in chunks per drop.
 * 3: drops identified by uploader folder and content (dropId), conflicts recorded.
 * 4: respondent ids stored as pseudonyms, free text masked, rejects without the original rows.
 * 5: the SKM (U1-U9, IKM and NRR series, the summary's ikm and profile), occupation, instrument 1.1.0.
 * 6: weighting on every figure, branches' bootstrap draws, population-weighted aggregates, watch episodes.
 * 7: path tests (a branch's paths against the rest of the network's and against its year before).
 */
export const STORAGE_LAYOUT_VERSION = 7;

export type Unit = { kind: 'branch'; id: string } | { kind: 'region'; id: string } | { kind: 'network' };

export function unitPk(u: Unit): string {
  switch (u.kind) {
    case 'branch': return `BRANCH#${u.id}`;
    case 'region': return `REGION#${u.id}`;
    case 'network': return 'NETWORK#ALL';
  }
}

export const keys = {
  drop: (dropId: string) => ({ pk: `DROP#${dropId}`, sk: 'DROP' }),
  supersededUpload: (bucket: string, key: string, etag: string) => ({ pk: 'UPLOADS#SUPERSEDED', sk: `${bucket}/${key}#${etag.replace(/"/g, '')}` }),
  supersededUploads: 'UPLOADS#SUPERSEDED',
  /** Respondents a later drop delivered again with other answers, per branch and quarter (held, to be decided). */
  conflict: (branch: string, period: string, dropId: string) => ({ pk: `BRANCH#${branch}`, sk: `CONFLICT#${period}#${dropId}` }),
  conflictPrefix: (period?: string) => `CONFLICT#${period ? `${period}#` : ''}`,
  /** One chunk of the respondent ids a drop delivered for a branch and quarter (cross-drop duplicates). */
  respondentChunk: (branch: string, period: string, dropHash: string, chunk: number) => ({
    pk: `RESP#${branch}#${period}`, sk: `DROP#${dropHash}#${String(chunk).padStart(4, '0')}`,
  }),
  respondentsOf: (branch: string, period: string) => `RESP#${branch}#${period}`,
  /** A drop an ingest is working on (put at the claim, deleted at completion): erasure waits for it. */
  activeDrop: (dropId: string) => ({ pk: 'ACTIVE', sk: dropId }),
  activeDrops: 'ACTIVE',
  /** A participant erased on request, by pseudonym (one item per key of the ring): ingest rejects their rows (ERASED). */
  erased: (pseudonym: string) => ({ pk: 'ERASED', sk: pseudonym }),
  erasedList: 'ERASED',
  /** What an erasure did (when, which drops and units, how many rows); never who. */
  erasure: (at: string, erasureId: string) => ({ pk: 'ERASURES', sk: `${at}#${erasureId}` }),
  erasures: 'ERASURES',
  /** One erasure at a time (two rewriting the same clean part would undo each other). */
  erasureLock: { pk: 'ERASURE#LOCK', sk: 'LOCK' },
  dirty: (period: string, branch: string) => ({ pk: 'DIRTY', sk: `${period}#${branch}` }),
  metric: (u: Unit, metric: string, period: string) => ({
    pk: unitPk(u), sk: `METRIC#${metric}#${kindTag(period)}#${period}`, gsi1pk: `METRIC#${metric}#${period}`, gsi1sk: unitPk(u),
  }),
  /** Prefix of a metric's quarterly (kind 'Q') or annual ('Y') series. */
  metricSeriesPrefix: (metric: string, kind: 'Q' | 'Y' = 'Q') => `METRIC#${metric}#${kind}#`,
  /** GSI1 partition of every unit's value of a metric in a period (ranking). */
  metricRanking: (metric: string, period: string) => `METRIC#${metric}#${period}`,
  periodPrefix: (period: string) => `PERIOD#${period}#`,
  periodSummary: (u: Unit, period: string) => ({ pk: unitPk(u), sk: `PERIOD#${period}#SUMMARY` }),
  modelResult: (u: Unit, period: string, model: string) => ({ pk: unitPk(u), sk: `PERIOD#${period}#MODEL#${model}` }),
  alert: (branch: string, period: string, metric: string) => ({ pk: `BRANCH#${branch}`, sk: `ALERT#${period}#${metric}` }),
  openAlertIndex: (branch: string, period: string, metric: string) => ({ gsi1pk: 'ALERTS#OPEN', gsi1sk: `${period}#${branch}#${metric}` }),
  openAlerts: 'ALERTS#OPEN',
  alertPrefix: 'ALERT#',
  /** A small branch's watch (its own test significant, not surviving BH across the network): the alert's twin. */
  watch: (branch: string, period: string, metric: string) => ({ pk: `BRANCH#${branch}`, sk: `WATCH#${period}#${metric}` }),
  openWatchIndex: (branch: string, period: string, metric: string) => ({ gsi1pk: 'WATCHES#OPEN', gsi1sk: `${period}#${branch}#${metric}` }),
  openWatches: 'WATCHES#OPEN',
  watchPrefix: 'WATCH#',
  assessment: (period: string) => ({ pk: `ASSESS#${period}`, sk: 'RUN' }),
} as const;

const chunkSuffix = (chunk: number) => (chunk ? `.part${String(chunk).padStart(6, '0')}` : '');

/** First `depth` path segments of a key or key pattern, with a trailing slash: ('clean/period=x/a.csv', 1) -> 'clean/'. */
export function layoutPrefix(key: string, depth = 1): string {
  const parts = key.split('/');
  if (parts.length <= depth) throw new Error(`'${key}' has no ${depth}-segment folder prefix`);
  return parts.slice(0, depth).join('/') + '/';
}

/** Period and branch of a clean-part key (`clean/period=P/branch=B/drop=…`), or undefined for any other key. */
export function cleanPartOfKey(key: string): { period: string; branch: string } | undefined {
  const m = /^clean\/period=([^/]+)\/branch=([^/]+)\//.exec(key);
  return m ? { period: m[1]!, branch: m[2]! } : undefined;
}

/** Drop id of a clean-part or rejects key (any chunk), or undefined. */
export function dropIdOfPartKey(key: string): string | undefined {
  return /\/drop=([0-9a-f]{16,64})(?:\.part\d+)?\.csv$/.exec(key)?.[1];
}

/** Curated-bucket layout. Clean rows are partitioned so one (period, branch) is one prefix across all drops. */
export const S3_LAYOUT = {
  /**
   * Clean rows of one drop for one (period, branch). A large drop writes its rows in several chunks (the cleaner's
   * memory stays bounded): chunk 0 is `drop=<id>.csv`, chunk k `drop=<id>.part<000k>.csv`, so key order is chunk
   * order and the rows read back in the order of the file (results must not depend on how the rows were chunked).
   */
  cleanPart: (period: string, branch: string, dropId: string, chunk = 0) =>
    `clean/period=${period}/branch=${branch}/drop=${dropId}${chunkSuffix(chunk)}.csv`,
  cleanPrefix: (period: string, branch?: string) => `clean/period=${period}/${branch ? `branch=${branch}/` : ''}`,
  rejects: (dropId: string, chunk = 0) => `rejects/drop=${dropId}${chunkSuffix(chunk)}.csv`,
  manifest: (dropHash: string) => `manifests/drop=${dropHash}.json`,
  result: (period: string, unit: string) => `results/period=${period}/${unit}.json`,
  /** A branch's bootstrap draws of its indices, read by its region's and the network's recompute (assess/aggregate.ts). */
  draws: (period: string, unit: string) => `results/period=${period}/${unit}.draws.json`,
  /** A branch's paths tested against the rest of the network's, written by the network's recompute (assess/path-tests.ts). */
  branchPathTests: (period: string, branch: string) => `results/period=${period}/BRANCH_${branch}.paths-vs-network.json`,
  assessment: (period: string) => `results/period=${period}/ASSESSMENT.json`,
  /** Branch directory (id, region, name) the assessments group by; uploaded with the deployment or by `npm start`. */
  branches: 'config/branches.json',
  /**
   * Unit list of one assessment run (a JSON array of plan items: {period, branch} or {period, unit}), written by the
   * assess handler's "plan" when too large to pass inline, and read by the state machine's Distributed Map. `period`
   * is a quarter (2025-Q1) or a year (2025); `runId` the execution name (locally a hash of the list).
   */
  assessmentItems: (period: string, runId: string) => `assessments/items/period=${period}/${runId}.json`,
  /** Where the Distributed Map writes per-branch results; Step Functions adds <map-run-id>/manifest.json etc. */
  assessmentMapResults: 'assessments/map-results',
} as const;

/**
 * Raw-bucket layout: who delivered a drop is where it was put. A branch office uploads under its own folder
 * (IAM lets an office's principal write only there), head office under its own for multi-branch exports. Ingest
 * reads the uploader from the key (uploaderOf) and rejects rows of other branches in a branch upload (WRONG_BRANCH).
 */
export const RAW_LAYOUT = {
  root: 'drops/',
  branchPrefix: (branch: string) => `drops/branch=${branch}/`,
  headOfficePrefix: 'drops/head-office/',
  /** The IAM principal tag naming an office's branch (uploader roles and users carry it). */
  branchTag: 'satmon-branch',
  /**
   * Where a local file goes when a folder of drops is uploaded (`satmon pipeline --drops DIR`, npm start): a path
   * under `branch=<ID>/` is that office's upload, any other file a head-office drop. `relativePath` uses '/'.
   */
  uploadKey: (relativePath: string): string => {
    const m = /^branch=([^/]+)\/(.+)$/.exec(relativePath);
    return m ? `drops/branch=${m[1]}/${m[2]}` : `drops/head-office/${relativePath}`;
  },
} as const;

export type Uploader = { kind: 'branch'; branch: string } | { kind: 'head-office' };

const BRANCH_FOLDER = /^drops\/branch=([A-Za-z0-9][A-Za-z0-9_.-]{0,31})\//;

/**
 * Who uploaded the object at `key`, or undefined when the key is in neither kind of folder (such a drop is refused
 * as a whole: nobody may write there). Branch ids in folders are case-insensitive, canonically upper case, and
 * follow the branch-id rule (no '..'). S3 keys are flat: `drops/branch=BR07/../x.csv` is still BR07's object.
 */
export function uploaderOf(key: string): Uploader | undefined {
  const m = BRANCH_FOLDER.exec(key);
  if (m) return m[1]!.includes('..') || m[1]!.endsWith('.') ? undefined : { kind: 'branch', branch: m[1]!.toUpperCase() };
  if (key.startsWith(RAW_LAYOUT.headOfficePrefix)) return { kind: 'head-office' };
  return undefined;
}
