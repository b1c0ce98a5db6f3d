// Draws respondents from the population model (population.ts): latent scores, Likert items, demographics.
import { daysInMonth, periodBounds, type CalendarDate } from '../period';
import { Rng } from './prng';
import {
  AGE_BANDS, EDUCATION, EXOGENOUS_CORRELATION, GENDER, ITEM_THRESHOLDS, LATENT_CONSTRUCTS, OCCUPATIONS, PROGRAMMES,
  SAT_PROG_LOADING, SAT_PROG_THRESHOLDS, SEED000_LOADINGS, SEED000_PATHS, SEED003_BETAS, SEED003_R2, SEGMENTS,
  SERVQUAL_DIMENSIONS, SERVQUAL_ITEM_LOADING, SERVQUAL_ITEMS, SERVQUAL_SQ_LOADING, UNSUR, UNSUR_DRIVER, UNSUR_THRESHOLDS,
  populationMoments, type LatentConstruct,
} from './population';

/** The five-point construct items, in the default instrument's order. */
const CONSTRUCT_ITEMS: readonly string[] = [
  ...(['CRM', 'SQ', 'TRUST', 'GOV', 'SAT'] as const).flatMap((c) => SEED000_LOADINGS[c].map((_, i) => `${c}${i + 1}`)),
  ...([...SERVQUAL_DIMENSIONS, 'LOY'] as const).flatMap((c) => Array.from({ length: SERVQUAL_ITEMS[c] }, (_, i) => `${c}${i + 1}`)),
];
/** The simulated item columns, in the default instrument's order: construct items, the SKM unsur U1-U9 (1-4), SAT_PROG. */
export const SIM_ITEMS: readonly string[] = [...CONSTRUCT_ITEMS, ...UNSUR.map((u) => u.item), 'SAT_PROG'];
/** Where the parts of SIM_ITEMS are: construct items 0..CONSTRUCT_ITEM_COUNT-1 (1-5), the unsur (1-4), SAT_PROG (1-5) last. */
export const CONSTRUCT_ITEM_COUNT = CONSTRUCT_ITEMS.length;
export const UNSUR_FIRST = CONSTRUCT_ITEM_COUNT;
export const SAT_PROG_INDEX = SIM_ITEMS.length - 1;

const L = Object.fromEntries(LATENT_CONSTRUCTS.map((c, i) => [c, i])) as Record<LatentConstruct, number>;
export const LATENT_INDEX: Readonly<Record<LatentConstruct, number>> = L;

export interface SimRespondent {
  respondentId: string;
  branch: string;
  period: string;
  date: CalendarDate;
  programme: string;
  segment: string;
  age: number;
  gender: string;
  education: string;
  /** Occupation code (OCCUPATIONS), drawn given the segment on its own stream (drawOccupation). */
  occupation: string;
  /** Codes in SIM_ITEMS order: 1..5, the unsur 1..4. */
  items: Int8Array;
  /** Latent scores in LATENT_CONSTRUCTS order (with the branch/period shifts applied). */
  latent: Float64Array;
}

/** Item plan: for each item, the latent it loads on and its loading (SAT_PROG handled apart). */
interface ItemPlan { latent: number; loading: number; noise: number }

function buildPlan(): ItemPlan[] {
  const plan: ItemPlan[] = [];
  for (const c of ['CRM', 'SQ', 'TRUST', 'GOV', 'SAT'] as const) {
    for (const l of SEED000_LOADINGS[c]) plan.push({ latent: L[c], loading: l, noise: Math.sqrt(1 - l * l) });
  }
  for (const c of [...SERVQUAL_DIMENSIONS, 'LOY'] as const) {
    const l = SERVQUAL_ITEM_LOADING;
    for (let i = 0; i < SERVQUAL_ITEMS[c]; i++) plan.push({ latent: L[c], loading: l, noise: Math.sqrt(1 - l * l) });
  }
  return plan;
}

function category(x: number, thresholds: readonly number[]): number {
  let k = 1;
  for (const t of thresholds) if (x > t) k++;
  return k;
}

export class PopulationSampler {
  private readonly plan = buildPlan();
  private readonly m = populationMoments();
  // Cholesky factor of the 3×3 equicorrelation matrix of CRM, SQ, GOV.
  private readonly chol: number[][];
  private readonly progShift: number[] = PROGRAMMES.map((p) => p.shift);
  private readonly progShare: number[] = PROGRAMMES.map((p) => p.share);

  constructor() {
    const r = EXOGENOUS_CORRELATION;
    const l11 = 1;
    const l21 = r;
    const l22 = Math.sqrt(1 - r * r);
    const l31 = r;
    const l32 = (r - l31 * l21) / l22;
    const l33 = Math.sqrt(1 - l31 * l31 - l32 * l32);
    this.chol = [[l11, 0, 0], [l21, l22, 0], [l31, l32, l33]];
  }

  /**
   * Draws one respondent's latent scores (shifted by `shift`, latent SD units per LATENT_CONSTRUCTS entry, added
   * as an intercept to the construct's own equation so it propagates along the paths) and items.
   */
  draw(rng: Rng, shift: Float64Array, latent: Float64Array, items: Int8Array, programme: number): void {
    const p = SEED000_PATHS;
    const [c1, c2, c3] = this.chol as [number[], number[], number[]];
    const z1 = rng.normal(), z2 = rng.normal(), z3 = rng.normal();
    const crm = c1[0]! * z1 + shift[L.CRM]!;
    const sq = c2[0]! * z1 + c2[1]! * z2 + shift[L.SQ]!;
    const gov = c3[0]! * z1 + c3[1]! * z2 + c3[2]! * z3 + shift[L.GOV]!;
    const trust = p.CRM_TRUST * crm + p.SQ_TRUST * sq + Math.sqrt(1 - this.m.r2Trust) * rng.normal() + shift[L.TRUST]!;
    const r = this.m.rTrustGov;
    const inter = (trust * gov - r) / Math.sqrt(1 + r * r);
    const sat = p.CRM_SAT * crm + p.SQ_SAT * sq + p.TRUST_SAT * trust + p.GOV_SAT * gov + p.TRUSTxGOV_SAT * inter
      + Math.sqrt(1 - this.m.r2Sat) * rng.normal() + shift[L.SAT]!;
    latent[L.CRM] = crm;
    latent[L.SQ] = sq;
    latent[L.TRUST] = trust;
    latent[L.GOV] = gov;
    latent[L.SAT] = sat;
    const g = SERVQUAL_SQ_LOADING;
    const gn = Math.sqrt(1 - g * g);
    let loy = 0;
    SERVQUAL_DIMENSIONS.forEach((d, k) => {
      const v = g * sq + gn * rng.normal() + shift[L[d]]!;
      latent[L[d]] = v;
      loy += SEED003_BETAS[k]! * v;
    });
    latent[L.LOY] = this.m.loyScale * loy + Math.sqrt(1 - SEED003_R2) * rng.normal() + shift[L.LOY]!;

    const plan = this.plan;
    const n = plan.length;
    const last = SAT_PROG_INDEX;
    for (;;) {
      let same = true;
      for (let i = 0; i < n; i++) {
        const it = plan[i]!;
        items[i] = category(it.loading * latent[it.latent]! + it.noise * rng.normal(), ITEM_THRESHOLDS);
        if (i > 0 && items[i] !== items[0]) same = false;
      }
      const lp = SAT_PROG_LOADING;
      items[last] = category(lp * sat + Math.sqrt(1 - lp * lp) * rng.normal() + this.progShift[programme]!, SAT_PROG_THRESHOLDS);
      if (!(same && items[last] === items[0])) return;
      // A natural straight line is vanishingly rare but would be rejected; redraw so the truth file stays exact
      // (the five-point items alone never being one, the unsur drawn after cannot make one).
    }
  }

  /**
   * The nine SKM unsur (items UNSUR_FIRST..), from the latent scores `draw` left, on their own stream `rng` (so the
   * other answers do not depend on them). `level`: the branch's own unsur level, in latent SD units.
   */
  drawUnsur(rng: Rng, latent: Float64Array, items: Int8Array, level: number): void {
    const w = UNSUR_DRIVER;
    const sd = this.m.unsurDriverSd;
    const sat = latent[L.SAT]!, trust = latent[L.TRUST]!;
    for (let k = 0; k < UNSUR.length; k++) {
      const u = UNSUR[k]!;
      const d = (w.dimension * latent[L[u.dimension]]! + w.sat * sat + w.trust * trust) / sd;
      const x = u.loading * d + Math.sqrt(1 - u.loading * u.loading) * rng.normal() + u.location + level;
      items[UNSUR_FIRST + k] = category(x, UNSUR_THRESHOLDS);
    }
  }

  drawProgramme(rng: Rng): number {
    return rng.pick(this.progShare);
  }
}

const SEGMENT_SHARES = SEGMENTS.map((s) => s.share);
const EDU_SHARES = EDUCATION.map((e) => e.share);
const GENDER_SHARES = GENDER.map((g) => g.share);
const AGE_SHARES = AGE_BANDS.map((a) => a.share);

/** Draws the demographic and programme answers (occupation apart) and the submission date of one respondent. */
export function drawProfile(rng: Rng, period: string, programme: number): Omit<SimRespondent, 'respondentId' | 'branch' | 'period' | 'occupation' | 'items' | 'latent'> {
  const band = AGE_BANDS[rng.pick(AGE_SHARES)]!;
  const [[y, m0]] = periodBounds(period);
  const month = m0 + rng.int(3);
  const day = 1 + rng.int(daysInMonth(y, month));
  return {
    date: { year: y, month, day },
    programme: PROGRAMMES[programme]!.code,
    segment: SEGMENTS[rng.pick(SEGMENT_SHARES)]!.code,
    age: band.min + rng.int(band.max - band.min + 1),
    gender: GENDER[rng.pick(GENDER_SHARES)]!.code,
    education: EDUCATION[rng.pick(EDU_SHARES)]!.code,
  };
}

const OCCUPATION_SHARES: Readonly<Record<string, readonly number[]>> = Object.fromEntries(
  Object.entries(OCCUPATIONS).map(([seg, list]) => [seg, list.map((o) => o.share)]),
);

/** Occupation given the segment (OCCUPATIONS), one draw from `rng`. */
export function drawOccupation(rng: Rng, segment: string): string {
  const list = OCCUPATIONS[segment as keyof typeof OCCUPATIONS];
  if (!list) throw new Error(`drawOccupation: unknown segment '${segment}'`);
  return list[rng.pick(OCCUPATION_SHARES[segment]!)]!.code;
}
