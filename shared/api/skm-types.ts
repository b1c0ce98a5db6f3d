// The SKM report's JSON (GET /api/skm, built by ./skm.ts) and the words its codes become, shared by the API's
// exports (./skm-export.ts) and the dashboard (dashboard/src/pages/skm.ts). Types and pure functions of a
// translator only, so the browser bundle takes nothing else from shared/.
import type { Translate } from '../i18n/catalogue';
import { BAND_NAME_KEY, UNSUR_NAME_KEY } from '../i18n/messages/ikm';
import { CATEGORY_KEY, DIMENSION_KEY, KINERJA_KEY } from '../i18n/messages/skm';
import type { Withheld } from './types';

export type SkmBand = 'A' | 'B' | 'C' | 'D';

/** The unit a report is about: the network, a region or a branch. */
export interface SkmUnit {
  kind: 'network' | 'region' | 'branch';
  /** Region code or branch id; absent for the network. */
  id?: string;
  /** Branch name (directory), for a branch. */
  name?: string;
  /** A branch's region. */
  region?: string;
}

/** The unit's SKM of the period, as stored in its summary item (SummaryItem.ikm). */
export interface SkmFigures {
  /** Respondents the IKM is computed over. */
  n: number;
  weights: 'exact' | 'regulation';
  weight: number;
  unsur: { unsur: string; n: number; nrr: number | null; weighted: number | null }[];
  ikm: number | null;
  /** Rounded half-up to two decimals: what is published and graded. */
  ikmRounded: number | null;
  band: SkmBand | null;
  se: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  moe: number | null;
  priorities: { unsur: string; nrr: number; why: 'lowest' | 'below-cutoff' }[];
  /** Krejcie-Morgan sample adequacy; null when the population served is not known. */
  sample: { population: number; required: number; n: number; enough: boolean } | null;
}

/** Respondents by the categories of one dimension (gender, education, age, ...). */
export interface SkmProfileTable {
  dimension: string;
  /** Respondents of the unit in the period (every category, 'not answered' included). */
  total: number;
  /** Categories in the instrument's order where known, then by code; code '' = not answered. */
  rows: { code: string; n: number | null; share: number | null }[];
}

export interface SkmTrendPoint { period: string; value: number | null; ciLow: number | null; ciHigh: number | null; n: number; band: SkmBand | null }

export interface SkmRankRow {
  /** 1 = highest IKM; null where positions are not shown (a branch manager). */
  rank: number | null;
  branch: string;
  name: string;
  region: string;
  n: number;
  ikm: number | null;
  ikmRounded: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  band: SkmBand | null;
}

export interface SkmResponse {
  unit: SkmUnit;
  period: string;
  kind: 'year' | 'quarter';
  /** Respondents of the unit in the period; null when withheld or no data. */
  n: number | null;
  /** null: no data, no IKM, or withheld (the reason in `withheld.ikm`). */
  ikm: SkmFigures | null;
  profile: SkmProfileTable[];
  /** The unit's IKM in the periods of the same kind up to this one (withheld periods left out and named). */
  trend: SkmTrendPoint[];
  /** Branches of the scope (the region of a region report, else the network) by IKM; a manager's own only. */
  ranking: SkmRankRow[];
  /** Whether ranks and other branches are left out (a branch manager). */
  rankingOwnOnly: boolean;
  /** Visible branches of the scope without an IKM this period. */
  missingBranches: string[];
  /** Grade floors on the rounded IKM (Permenpan RB 14/2017 Bab V): A from 88.31, B from 76.61, C from 65.00. */
  bands: { band: SkmBand; floor: number }[];
  /**
   * Figures withheld from this user by the disclosure rule: `ikm` (with `n` and the whole profile), `profile.<dim>.<code>`
   * (one category's count), `trend.<period>`. Empty for head office and for a branch's own report.
   */
  withheld: Withheld;
}

// ------------------------------------------------------------------------------------------------ words

const has = <M extends object>(m: M, k: string): k is Extract<keyof M, string> => Object.prototype.hasOwnProperty.call(m, k);

/** "Kantor Cabang BR01 Meulaboh" / "Wilayah ACEH" / "Nasional (seluruh kantor cabang)". */
export function skmUnitName(t: Translate, u: SkmUnit): string {
  if (u.kind === 'branch') return t('skm.unit.branch', { branch: u.id ?? '', name: u.name && u.name !== u.id ? u.name : '' }).trim();
  if (u.kind === 'region') return t('skm.unit.region', { region: u.id ?? '' });
  return t('skm.unit.network');
}

/** An unsur's name (the regulation's in Indonesian, a gloss in English); an unknown code as is. */
export const unsurName = (t: Translate, u: string): string => (has(UNSUR_NAME_KEY, u) ? t(UNSUR_NAME_KEY[u]) : u);
/** "B (Baik)". */
export const bandName = (t: Translate, b: string | null | undefined): string => (b && has(BAND_NAME_KEY, b) ? t(BAND_NAME_KEY[b]) : '–');
/** Kinerja unit pelayanan: "Baik". */
export const kinerjaName = (t: Translate, b: string | null | undefined): string => (b && has(KINERJA_KEY, b) ? t(KINERJA_KEY[b]) : '–');
/** A profile dimension as it reads inside a caption ("jenis kelamin"); an unknown one as is. */
export const dimensionName = (t: Translate, d: string): string => (has(DIMENSION_KEY, d) ? t(DIMENSION_KEY[d]) : d);

/** A category code in words: '' is "not answered", age bands in years, known codes named, others as sent. */
export function categoryName(t: Translate, dimension: string, code: string): string {
  if (code === '') return t('skm.notAnswered');
  if (dimension === 'age') return t('skm.ageYears', { band: code });
  if (has(CATEGORY_KEY, dimension)) {
    const m = CATEGORY_KEY[dimension] as Record<string, Parameters<Translate>[0]>;
    if (Object.prototype.hasOwnProperty.call(m, code)) return t(m[code]!);
  }
  return code;
}

/** The order profile dimensions are shown in: Suryani et al.'s (gender, education, age), occupation, then the rest. */
export const PROFILE_ORDER = ['gender', 'education', 'age', 'occupation', 'segment', 'programme'];

/** Known category orders (the instrument's); codes not listed follow by name, 'not answered' last. */
export const CATEGORY_ORDER: Record<string, readonly string[]> = {
  gender: ['M', 'F'],
  education: ['SD', 'SMP', 'SMA', 'DIPLOMA', 'S1', 'S2S3'],
  age: ['<21', '21-30', '31-40', '41-50', '>50'],
  occupation: ['PNS', 'SWASTA', 'BUMN', 'WIRAUSAHA', 'PETANI', 'PENGEMUDI', 'LAINNYA'],
  segment: ['PU', 'BPU'],
  programme: ['JHT', 'JKK', 'JKM', 'JP', 'JKP'],
};
