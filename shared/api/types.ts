// The dashboard API's JSON shapes, shared by the API (shared/api/views.ts) and the front end (dashboard/src).
// Types and constants only, so the browser bundle takes nothing else from shared/ (words live in the message
// catalogue, shared/i18n: the API sends codes and figures, the dashboard and the exports put them in words).
import type { Locale } from '../i18n/locale';
import type { WeightingMethod } from '../assess/weighting';

export type { WeightingMethod };

/** The indices, in the order the report shows them; IKM is Permenpan RB 14/2017's (25-100, the SKM report has its detail). */
export const METRICS = ['SAT', 'TRUST', 'LOY', 'CRM', 'SQ', 'GOV', 'IKM'] as const;
export type Metric = (typeof METRICS)[number];

/**
 * The disclosure rule's floors (shared/api/disclosure.ts): an aggregate a branch manager sees pools at least
 * K_BRANCHES branches and MIN_CELL_N respondents of other branches. Here so the dashboard can say so in words.
 */
export const K_BRANCHES = 3;
export const MIN_CELL_N = 30;

/**
 * Why a figure is withheld from a branch manager (shared/api/disclosure.ts WITHHELD), as a stable code; the words
 * are in the catalogue (shared/api/reasons.ts). 'branches': fewer than K_BRANCHES branches; 'respondents': fewer
 * than MIN_CELL_N respondents of other branches; 'dominance': one other branch holds most of the other branches'
 * population in a population-weighted aggregate; 'difference': would reveal a withheld figure by difference;
 * 'alerts': network-wide alert counts (head office only); 'drop': a file with other branches' rows.
 */
export type WithheldReason = 'branches' | 'respondents' | 'dominance' | 'difference' | 'alerts' | 'drop';

export interface BranchInfo { id: string; name: string; region: string }

/**
 * Figures withheld from this user by the disclosure rule (shared/api/disclosure.ts: a branch manager sees an
 * aggregate only when it pools at least 3 branches, a breakdown cell also at least 30 respondents of other
 * branches). Keyed by the response field that is null because of it, e.g. `headline`, `model`, `total.cells.JKP`,
 * `network.2025-Q3`; the value is the reason's code ('branches': fewer than 3 branches). Empty for head office.
 */
export type Withheld = Record<string, WithheldReason>;

/** A 0-100 index with its CI (index points), as stored (null where a figure does not exist). */
export interface Estimate {
  value: number | null;
  se: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Half-width of the CI. */
  moe: number | null;
  n: number;
  method?: 'pls' | 'unweighted' | 'simple' | 'ikm' | 'nrr';
  /**
   * How the figure is weighted (shared/assess/weighting.ts). Always set for a unit's figure: an item stored before
   * weighting existed is 'unweighted' for a branch and 'pooled' for a region or the network.
   */
  weighting?: WeightingMethod;
  /** Kish's effective n (= n when unweighted or pooled); null when the stored figure has none. */
  nEffective?: number | null;
}

/**
 * How a unit's figures are weighted (the summary's WeightingInfo, shared/assess/weighting.ts), as a reader may see
 * it. Head office gets every member of a population-weighted aggregate (population, share, respondents); a branch
 * manager gets only their own branch among the members (`members` holds at most that one, `memberCount` says how
 * many there are): the other branches' respondent counts are survey figures (with the aggregate's n and effective
 * n and the shares they would give a small region's branches away), and their ids and populations are the
 * directory the API does not show a manager.
 */
export interface WeightingView {
  method: WeightingMethod;
  n: number;
  nEffective: number | null;
  deff: number | null;
  /** post-stratified / raked: the margins ('segment', 'programme'). */
  margins?: string[];
  trimmed?: number;
  /** population: the year of the directory's population figures. */
  populationYear?: string;
  /** population: branches weighted (all of them, also when `members` is cut to the reader's own branch). */
  memberCount?: number;
  /** population: the members this reader may see, largest share first. */
  members?: { branch: string; population: number; share: number; n: number | null }[];
}

/** An open watch on a ranking row: a branch's own decline test significant alone (see WatchView). */
export interface WatchMarker { metric: string; since: string; decline: number | null }

/** Two-sided z-test of a difference of two independent estimates (shared/assess/assessment.ts compare()). */
export interface Change { diff: number; se: number; z: number; p: number }

export interface User { sub: string; name?: string; role: 'head-office' | 'branch-manager'; branch?: string }

export interface MeResponse {
  user: User;
  /** Branches this user may read. */
  branches: BranchInfo[];
  regions: string[];
  periods: { years: string[]; quarters: string[] };
  programmes: string[];
  segments: string[];
  metrics: { id: string; label: string }[];
  /** The deployment's language (SATMON_LOCALE): the dashboard's language until the reader picks one. */
  defaultLocale: Locale;
}

export interface Share { satisfied: number; n: number; share: number | null; low: number | null; high: number | null }

/** Rufani et al. (2023), Table 1: share satisfied per programme, one row per branch. */
export interface ProgrammeTable {
  period: string;
  programmes: string[];
  rows: { branch: string; name: string; region: string; overall: Share | null; cells: Record<string, Share | null> }[];
  /** The scope's aggregate (network or region). */
  total: { label: string; overall: Share | null; cells: Record<string, Share | null> } | null;
  /** `total.overall`, `total.cells.<programme>`. */
  withheld: Withheld;
}

export interface RankingRow {
  branch: string;
  name: string;
  region: string;
  n: number;
  indices: Record<string, Estimate | null>;
  /** Branch minus the scope aggregate. */
  vsNetwork: Record<string, Change | null>;
  /** This period minus the same period a year earlier. */
  change: Record<string, Change | null>;
  openAlerts: number;
  /** Open watches of the branch (second tier: worth a look by the branch manager, not a network alert). */
  openWatches: WatchMarker[];
  /** How the branch's figures are weighted. */
  weighting: WeightingView;
}

export interface PathRow {
  kind: 'direct' | 'indirect';
  from: string;
  to: string;
  through?: string[];
  /** "CRM → TRUST", "CRM → TRUST → SAT" */
  label: string;
  estimate: number | null;
  sd: number | null;
  t: number | null;
  p: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** A direct path tested against the rest of the network (ModelView.comparisons.network), when there is a test. */
  vsNetwork?: PathTestView;
  /** A direct path of a branch's year tested against its year before (ModelView.comparisons.previousYear). */
  vsPreviousYear?: PathTestView;
}

/** One path of a permutation test (shared/assess/path-tests.ts): the other group's coefficient, the difference, its p. */
export interface PathTestView { other: number | null; diff: number | null; p: number | null }

/** What a path test compared: respondents in each group, permutations, whether the rest of the network was sampled. */
export interface PathTestInfo { n: number; nOther: number; permutations: number; restSampled: boolean; otherPeriod?: string }

export interface ModelView {
  unit: string;
  period: string;
  n: number;
  bootstrap: { nboot: number; nSuccessful: number; alpha: number };
  paths: PathRow[];
  rSquared: Record<string, { r2: number | null; adjR2: number | null }>;
  reliability: { construct: string; alpha: number | null; rhoC: number | null; rhoA: number | null; ave: number | null }[];
  loadings: { construct: string; item: string; loading: number | null; ciLow: number | null; ciHigh: number | null }[];
  htmt: { a: string; b: string; value: number | null; ciHigh: number | null }[];
  fornellLarcker: { rows: string[]; cols: string[]; values: (number | null)[][] };
  /** The path tests behind PathRow.vsNetwork / vsPreviousYear (a branch's model only). */
  comparisons?: { network?: PathTestInfo; previousYear?: PathTestInfo };
}

export interface ModelStatus { state: string; reason?: string }

export interface OverviewResponse {
  period: string;
  kind: 'year' | 'quarter';
  /** Same period one year earlier (year-over-year change). */
  previousPeriod: string;
  scope: { unit: string; label: string; region?: string; segment?: string; programme?: string };
  /** How the figures were made: 'model' (stored indices) or 'breakdown' (equal-weight indices of a segment/programme). */
  basis: 'model' | 'breakdown';
  headline: {
    n: number;
    /** How the scope's figures are weighted (each estimate also carries its own method and effective n). */
    weighting: WeightingView;
    indices: Record<string, Estimate | null>;
    previous: Record<string, Estimate | null>;
    change: Record<string, Change | null>;
  } | null;
  /** Funnel-plot centre (scope value) and respondent-level SD, per metric. */
  funnel: Record<string, { centre: number; sigma: number } | null>;
  ranking: RankingRow[];
  /** Branches of the scope without data this period, and branches hidden from this user. */
  missingBranches: string[];
  hiddenBranches: number;
  programmes: ProgrammeTable;
  model: ModelView | null;
  /** state 'withheld' (reason as in `withheld.model`) when the disclosure rule withholds the scope from this user. */
  modelStatus: ModelStatus | null;
  /** The period's assessment record (counts as of that assessment; network-wide, so head office only). */
  assessment: { branches: number; tested: number; newAlerts: number; openAlerts: number } | null;
  /** Alerts open now on the visible branches of the scope. */
  openAlerts: number;
  /** Watches open now on the visible branches of the scope. */
  openWatches: number;
  /**
   * `headline` (with `funnel` and `ranking.vsNetwork`, which would give it away), or `previous` and `change`
   * alone; `model`; `assessment`. The programme table has its own.
   */
  withheld: Withheld;
}

export interface SeriesPoint extends Estimate { period: string }

export interface SeriesResponse {
  branch: BranchInfo;
  kind: 'Q' | 'Y';
  periods: string[];
  series: Record<string, SeriesPoint[]>;
  network: Record<string, SeriesPoint[]>;
  region: Record<string, SeriesPoint[]>;
  /** `network.<period>`, `region.<period>`: periods left out of those lines. */
  withheld: Withheld;
}

export interface IpmaView { target: string; rows: { construct: string; importance: number | null; performance: number | null }[] }

export interface LoyaltyView {
  n: number;
  r: number | null; r2: number | null; adjR2: number | null;
  f: number | null; fP: number | null;
  df: { regression: number; residual: number; total: number };
  critical: { alpha: number; t: number | null; f: number | null };
  coefficients: { name: string; label: string; b: number | null; se: number | null; beta: number | null; t: number | null; p: number | null }[];
  dimensions: {
    name: string; label: string; role: string; nItems: number; alpha: number | null; band: string | null;
    score: { n: number; mean: number | null; sd: number | null };
    itemTotal: { item: string; correctedItemTotalCorrelation: number | null; alphaIfDeleted: number | null; valid: boolean }[];
  }[];
  normality: { ksZ: number | null; asympP: number | null; lillieforsP: number | null } | null;
}

export interface BranchResultsResponse {
  branch: BranchInfo;
  period: string;
  n: number;
  status: { satisfaction: ModelStatus; loyalty: ModelStatus } | null;
  indices: Record<string, Estimate | null>;
  network: Record<string, Estimate | null>;
  /** Branch minus network, z-tested. */
  vsNetwork: Record<string, Change | null>;
  /** How the branch's figures and the network's are weighted (`networkWeighting` null when withheld or absent). */
  weighting: WeightingView;
  networkWeighting: WeightingView | null;
  /** The branch's watch episodes, open first, then newest first. */
  watches: WatchView[];
  model: ModelView | null;
  ipma: IpmaView | null;
  loyalty: LoyaltyView | null;
  programmes: { overall: Share | null; cells: Record<string, Share | null> } | null;
  /** Equal-weight indices of the branch by segment (PU/BPU) and by programme. */
  breakdowns: Record<string, Record<string, { n: number; indices: Record<string, Estimate | null> }>>;
  /** `network`, `vsNetwork` and `networkWeighting` when the network figure is withheld. */
  withheld: Withheld;
}

export interface AlertView {
  branch: string;
  name: string;
  region: string;
  metric: string;
  since: string;
  lastPeriod: string;
  status: 'open' | 'resolved';
  resolvedIn?: string;
  decline: number | null;
  declineCi: [number | null, number | null];
  baseline: number | null;
  current: number | null;
  p: number | null;
  bhThreshold: number | null;
  /**
   * abrupt | sustained (decline tests), band (the IKM grade fell: `bands`), annual (a year-over-year decline at the
   * annual assessment: `since` and `lastPeriod` are a year).
   */
  test: string;
  bands?: { from: string; to: string };
  drivers: { construct: string; change: number | null }[];
}

/**
 * A watch (second tier): the branch's own decline test is significant on its own (one-sided p < 0.05, decline of at
 * least 2 points) but does not survive the Benjamini-Hochberg correction across the network: worth a look by the
 * branch's manager, not a network alert. The evidence is an alert's; `bhThreshold` is the threshold it missed.
 */
export interface WatchView extends AlertView {
  /** Resolved because the decline became an alert. */
  resolvedBy?: 'alert';
}

/**
 * Alerts, and watches beside them: /api/alerts lists the open ones (a manager: their own branch's), a branch's
 * endpoint every episode of the branch, open first.
 */
export interface AlertsResponse { alerts: AlertView[]; watches: WatchView[] }

export interface DropView {
  sha256: string;
  /** Raw file key; for a branch manager and a file with other branches' rows, their branch's clean part instead. */
  file: string;
  receivedAt: string | null;
  completedAt: string | null;
  status: string;
  /** Rows in the whole drop, clean and rejected (a head-office file covers many branches); null when withheld. */
  rows: number | null;
  clean: number | null;
  rejected: number | null;
  /** Clean rows of this branch in this drop, and their periods. */
  branchRows: number;
  periods: string[];
  error?: string;
  /** Why file, whole-drop counts and error are not shown (a branch manager and a file with other branches' rows). */
  withheld?: WithheldReason;
  /**
   * This branch's respondents this drop delivered again with other answers than an earlier drop: held back (not
   * counted) until someone decides which copy is right. 0 when none.
   */
  conflictRows: number;
  /** Later drops that delivered some of this drop's respondents again with other answers; null when withheld. */
  conflictedBy: number | null;
}

export interface DropsResponse { branch: BranchInfo; drops: DropView[] }

/** One free-text answer: the instrument's text column it came from and the text as the participant wrote it. */
export interface CommentView { column: string; text: string }

/**
 * What participants wrote at a branch in a period (a quarter, or a year's quarters), oldest drop first, blanks left
 * out. Plain text: the dashboard shows it as text nodes and the CSV export formula-protects it. No respondent ids.
 */
export interface CommentsResponse { branch: BranchInfo; period: string; comments: CommentView[] }

/**
 * An error answer: `error` in English (logs, scripts); `code` its catalogue key and `params` its values, which the
 * dashboard puts in the reader's language (a param named `reason` is a WithheldReason).
 */
export interface ApiError { error: string; status: number; code?: string; params?: Record<string, string | number> }
