// The population model the simulator draws respondents from, with where each number comes from.
//
// Seed-000 (Suryani et al., n=384, West Kalimantan): standardized latent constructs CRM, SQ, GOV (exogenous),
// TRUST = 0.162 CRM + 0.402 SQ + e, SAT = 0.143 CRM + 0.260 SQ + 0.137 TRUST + 0.524 GOV + 0.180 TRUST×GOV + e
// (Table 6 paths), the interaction being the standardized product of TRUST and GOV as in a two-stage PLS
// interaction. Indicators x* = λ·η + √(1−λ²)·ε with Table 4 loadings, cut into 1..5 at fixed thresholds.
// The paper gives no latent correlations; an equicorrelation of 0.36 among CRM, SQ and GOV reproduces its
// R²(SAT) = 0.67 (computed by populationMoments below; R²(TRUST) is then 0.24).
//
// Seed-003 (Rufani et al., n=100, Banda Aceh): five SERVQUAL dimensions, each γ·SQ + √(1−γ²)·u with γ = 0.8
// (dimension intercorrelation 0.64), and LOY regressed on them with weights proportional to Table 17's
// standardized betas (.473, .468, .270, .455, .085), scaled so R² = 0.903² (its multiple R). The betas as
// printed are not jointly attainable with correlated predictors (they would explain more than all variance).
// Item loadings 0.80 (the paper reports only corrected item-total correlations).
//
// Demographics from seed-000 Tables 1-3; programme mix, PU/BPU split and occupation by segment are assumptions
// (stated below).
//
// The nine SKM unsur (Permenpan RB 14/2017, answered 1-4) are not in either paper: each is λ·d + √(1−λ²)·ε on its
// own driver d, the standardized sum 0.6·(its SERVQUAL dimension) + 0.3·SAT + 0.2·TRUST, so it moves with service
// quality (through the dimension), satisfaction and trust, and a branch whose trust declines scores a little lower.
// Locations and thresholds are assumptions chosen so a branch's IKM lands around 75-85 (bands B/C), with the
// regulation's usual pattern: cost (U4, BPJS services are free) highest, complaint handling (U9) and speed (U3) lowest.

export const SEED000_CONSTRUCTS = ['CRM', 'SQ', 'TRUST', 'GOV', 'SAT'] as const;
export const SERVQUAL_DIMENSIONS = ['TAN', 'REL', 'RES', 'ASR', 'EMP'] as const;
export const LATENT_CONSTRUCTS = [...SEED000_CONSTRUCTS, ...SERVQUAL_DIMENSIONS, 'LOY'] as const;
export type LatentConstruct = (typeof LATENT_CONSTRUCTS)[number];

/** Seed-000 Table 4 outer loadings (X1.1-X1.4, X2.1-X2.5, Y1-Y4, M1-M6, Z1-Z4). */
export const SEED000_LOADINGS: Readonly<Record<(typeof SEED000_CONSTRUCTS)[number], readonly number[]>> = {
  CRM: [0.82, 0.841, 0.817, 0.8],
  SQ: [0.794, 0.82, 0.794, 0.718, 0.71],
  TRUST: [0.886, 0.878, 0.843, 0.877],
  GOV: [0.812, 0.899, 0.869, 0.844, 0.738, 0.698],
  SAT: [0.796, 0.812, 0.842, 0.798],
};

/** Seed-000 Table 6 path coefficients. */
export const SEED000_PATHS = {
  CRM_TRUST: 0.162,
  SQ_TRUST: 0.402,
  CRM_SAT: 0.143,
  SQ_SAT: 0.26,
  TRUST_SAT: 0.137,
  GOV_SAT: 0.524,
  TRUSTxGOV_SAT: 0.18,
} as const;

/** Chosen so the model-implied R²(SAT) matches the paper's 0.67. */
export const EXOGENOUS_CORRELATION = 0.36;

export const SERVQUAL_ITEMS: Readonly<Record<(typeof SERVQUAL_DIMENSIONS)[number] | 'LOY', number>> = {
  TAN: 3, REL: 3, RES: 3, ASR: 2, EMP: 2, LOY: 3,
};
export const SERVQUAL_SQ_LOADING = 0.8; // γ: dimension on SQ
export const SERVQUAL_ITEM_LOADING = 0.8;
/** Seed-003 Table 17 standardized betas, TAN, REL, RES, ASR, EMP. */
export const SEED003_BETAS = [0.473, 0.468, 0.27, 0.455, 0.085] as const;
export const SEED003_R2 = 0.903 * 0.903;

/** Thresholds on the N(0,1) item scale: P(1..5) ≈ 2%, 6%, 19%, 44%, 29%, mean ≈ 3.9 (positively skewed, as satisfaction items are). */
export const ITEM_THRESHOLDS = [-2.05, -1.4, -0.6, 0.55] as const;
/**
 * The per-programme overall item (SAT_PROG): loading 0.7 on SAT and lenient thresholds so about 93% answer 4 or 5,
 * the level of seed-003 Table 1 (90-98% satisfied per branch and programme).
 */
export const SAT_PROG_LOADING = 0.7;
export const SAT_PROG_THRESHOLDS = [-2.4, -2.0, -1.45, 0.25] as const;

/** One SKM unsur: its item name, the SERVQUAL dimension it rests on, its loading λ on the driver and its location. */
export interface UnsurSpec { item: string; dimension: (typeof SERVQUAL_DIMENSIONS)[number]; loading: number; location: number }
/** U1-U9 in order (Permenpan RB 14/2017). Dimensions and locations are assumptions (see the header). */
export const UNSUR: readonly UnsurSpec[] = [
  { item: 'U1', dimension: 'REL', loading: 0.7, location: 0.1 }, // persyaratan
  { item: 'U2', dimension: 'REL', loading: 0.7, location: 0 }, // sistem, mekanisme dan prosedur
  { item: 'U3', dimension: 'RES', loading: 0.7, location: -0.3 }, // waktu penyelesaian
  { item: 'U4', dimension: 'REL', loading: 0.35, location: 0.9 }, // biaya/tarif: free of charge, weakly tied to quality
  { item: 'U5', dimension: 'REL', loading: 0.7, location: 0.05 }, // produk spesifikasi jenis pelayanan
  { item: 'U6', dimension: 'ASR', loading: 0.7, location: 0.15 }, // kompetensi pelaksana
  { item: 'U7', dimension: 'EMP', loading: 0.7, location: 0.3 }, // perilaku pelaksana
  { item: 'U8', dimension: 'TAN', loading: 0.7, location: -0.1 }, // sarana dan prasarana
  { item: 'U9', dimension: 'RES', loading: 0.7, location: -0.4 }, // penanganan pengaduan, saran dan masukan
];
/** Weights of the unsur driver: the unsur's SERVQUAL dimension, SAT and TRUST (standardized at baseline). */
export const UNSUR_DRIVER = { dimension: 0.6, sat: 0.3, trust: 0.2 } as const;
/** Thresholds of the 1-4 answers at location 0: P(1..4) ≈ 2%, 10%, 56%, 32%, mean ≈ 3.18 (IKM ≈ 79.5). */
export const UNSUR_THRESHOLDS = [-2.0, -1.16, 0.46] as const;
/** SD of a branch's own unsur level (facilities, local procedures), in units of offsetSd. */
export const UNSUR_BRANCH_SD = 0.6;

/** Programme codes, their share of respondents, and a shift of SAT_PROG (latent SD units). Assumed, not from the papers. */
export const PROGRAMMES = [
  { code: 'JHT', share: 0.45, shift: 0 },
  { code: 'JKK', share: 0.2, shift: 0.05 },
  { code: 'JKM', share: 0.15, shift: 0.1 },
  { code: 'JP', share: 0.15, shift: -0.35 }, // seed-003 Table 1 has the lowest and most variable figures for JP
  { code: 'JKP', share: 0.05, shift: -0.1 },
] as const;
/** PU (wage earners) / BPU (non-wage) shares, assumed. */
export const SEGMENTS = [
  { code: 'PU', share: 0.65 },
  { code: 'BPU', share: 0.35 },
] as const;

/**
 * Occupation (pekerjaan, the SKM form's respondent profile; in neither paper), drawn given the segment. Shares are
 * assumptions: wage earners (PU) are mostly private employees, then state-enterprise staff and government non-ASN /
 * honorary staff (ASN themselves are insured through Taspen/Asabri); non-wage participants (BPU) are mostly
 * self-employed traders, farmers and fishers, drivers and ojek riders, and others (village officials, domestic
 * workers). Each list sums to 1.
 */
export const OCCUPATIONS = {
  PU: [
    { code: 'PNS', share: 0.1 }, { code: 'SWASTA', share: 0.66 }, { code: 'BUMN', share: 0.12 }, { code: 'WIRAUSAHA', share: 0.01 },
    { code: 'PETANI', share: 0.02 }, { code: 'PENGEMUDI', share: 0.04 }, { code: 'LAINNYA', share: 0.05 },
  ],
  BPU: [
    { code: 'PNS', share: 0.02 }, { code: 'SWASTA', share: 0.04 }, { code: 'BUMN', share: 0.01 }, { code: 'WIRAUSAHA', share: 0.38 },
    { code: 'PETANI', share: 0.22 }, { code: 'PENGEMUDI', share: 0.2 }, { code: 'LAINNYA', share: 0.13 },
  ],
} as const satisfies Record<(typeof SEGMENTS)[number]['code'], readonly { code: string; share: number }[]>;

/** Seed-000 Table 1 (n = 5, 15, 188, 161, 15 of 384). */
export const EDUCATION = [
  { code: 'SD', share: 5 / 384 },
  { code: 'SMP', share: 15 / 384 },
  { code: 'SMA', share: 188 / 384 },
  { code: 'S1', share: 161 / 384 },
  { code: 'S2S3', share: 15 / 384 },
] as const;
/** Seed-000 Table 2 (242 men, 142 women). */
export const GENDER = [
  { code: 'M', share: 242 / 384 },
  { code: 'F', share: 142 / 384 },
] as const;
/** Seed-000 Table 3 age bands (46, 234, 92, 12 of 384); ages are drawn uniformly within a band, >50 as 51-60. */
export const AGE_BANDS = [
  { min: 21, max: 30, share: 46 / 384 },
  { min: 31, max: 40, share: 234 / 384 },
  { min: 41, max: 50, share: 92 / 384 },
  { min: 51, max: 60, share: 12 / 384 },
] as const;

export interface PopulationMoments {
  /** Correlation of TRUST and GOV (standardizes the interaction term). */
  rTrustGov: number;
  r2Trust: number;
  r2Sat: number;
  /** Scale of the seed-003 betas so that LOY's R² is SEED003_R2. */
  loyScale: number;
  /** Correlations of SQ with SAT and TRUST, and of SAT with TRUST (for the unsur drivers). */
  rSqSat: number;
  rSqTrust: number;
  rSatTrust: number;
  /** SD of the unsur driver UNSUR_DRIVER before standardizing. */
  unsurDriverSd: number;
}

/** Model-implied moments of the baseline population (unit-variance latents, no shifts). */
export function populationMoments(): PopulationMoments {
  const rho = EXOGENOUS_CORRELATION;
  const p = SEED000_PATHS;
  // Exogenous order CRM, SQ, GOV; TRUST's covariances with them follow from its equation.
  const S = [
    [1, rho, rho],
    [rho, 1, rho],
    [rho, rho, 1],
  ];
  const wT = [p.CRM_TRUST, p.SQ_TRUST, 0];
  const covT = S.map((row) => row.reduce((acc, v, j) => acc + v * wT[j]!, 0));
  const r2Trust = wT.reduce((acc, w, i) => acc + w * covT[i]!, 0);
  // Covariance of (CRM, SQ, GOV, TRUST), TRUST with unit variance.
  const C = [
    [...S[0]!, covT[0]!],
    [...S[1]!, covT[1]!],
    [...S[2]!, covT[2]!],
    [covT[0]!, covT[1]!, covT[2]!, 1],
  ];
  const b = [p.CRM_SAT, p.SQ_SAT, p.GOV_SAT, p.TRUST_SAT];
  let r2Sat = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) r2Sat += b[i]! * C[i]![j]! * b[j]!;
  // The standardized product of two jointly normal variables is uncorrelated with both.
  r2Sat += p.TRUSTxGOV_SAT ** 2;
  const g2 = SERVQUAL_SQ_LOADING ** 2;
  const betas = SEED003_BETAS;
  let q = 0;
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) q += betas[i]! * betas[j]! * (i === j ? 1 : g2);
  // Covariances of SAT with CRM, SQ, GOV, TRUST: row C·b (the interaction is uncorrelated with them); SAT and
  // TRUST have unit variance (the residual variances are 1 − R²).
  const covSat = C.map((row) => row.reduce((acc, v, j) => acc + v * b[j]!, 0));
  const rSqSat = covSat[1]!;
  const rSatTrust = covSat[3]!;
  const rSqTrust = covT[1]!;
  // A dimension is γ·SQ + noise: its correlations with SAT and TRUST are γ times SQ's.
  const w = UNSUR_DRIVER;
  const g = SERVQUAL_SQ_LOADING;
  const unsurDriverSd = Math.sqrt(w.dimension ** 2 + w.sat ** 2 + w.trust ** 2 + 2 * w.dimension * w.sat * g * rSqSat
    + 2 * w.dimension * w.trust * g * rSqTrust + 2 * w.sat * w.trust * rSatTrust);
  return { rTrustGov: covT[2]!, r2Trust, r2Sat, loyScale: Math.sqrt(SEED003_R2 / q), rSqSat, rSqTrust, rSatTrust, unsurDriverSd };
}
