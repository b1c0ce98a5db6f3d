// The survey simulator as a library: realistic drops from the seed-000/seed-003 population model
// (population.ts), deterministic by seed, with per-branch offsets, drifts in latent SD units, and optional
// messiness recorded in a truth file.
//
//   simulateRows(options)        clean respondents (latent scores included), drop by drop
//   simulateDrops(options)       the CSV texts in memory: one per (branch, period), or one head-office file
//   simulateCsv(options, onTruth) one head-office CSV as a stream of text chunks (for big files)
//   parseSimulateOptions(json)   validates options (zod); parseDrift("BR07:TRUST:-0.4:2025-Q3")
//   simulateExport(options, fmt) the same respondents as a Google Forms, KoboToolbox, Qualtrics or Windows-1252 export,
//                                with the instrument that reads it (exports.ts)
//
// Every (branch, period) drop draws from its own stream seeded by `${seed}|${branch}|${period}`, so a drop is the
// same whichever other drops are generated with it, and per-drop files and the head-office file hold the same rows.
// The nine SKM unsur (U1-U9, 1-4) come from a second stream, `${seed}|unsur|${branch}|${period}`, on the same
// respondents' latent scores: every other answer is what it was before the unsur were added. Occupation likewise
// comes from a third, `${seed}|occupation|${branch}|${period}`, given each respondent's segment: adding it changed no
// other answer (test/unit/shared/survey/simulate-occupation.test.ts pins the rows of two seeds).
import * as z from 'zod';
import { normalizeQuarter, parsePeriodList, periodIndex, yearOf } from '../../period';
import { isoDate } from '../period';
import { branchDirectory, type SimBranch } from './branches';
import { CONSTRUCT_ITEM_COUNT, drawOccupation, drawProfile, LATENT_INDEX, PopulationSampler, SIM_ITEMS, type SimRespondent } from './generate';
import { EXPECTED, MESS_KINDS, mutate, type Layout, type MessKind, type TruthEntry } from './messy';
import { LATENT_CONSTRUCTS, UNSUR_BRANCH_SD, type LatentConstruct } from './population';
import { Rng } from './prng';

export { branchDirectory, type SimBranch } from './branches';
export { SIM_ITEMS, CONSTRUCT_ITEM_COUNT, UNSUR_FIRST, SAT_PROG_INDEX, type SimRespondent } from './generate';
export { MESS_KINDS, EXPECTED as MESS_EXPECTATIONS, type MessKind, type TruthEntry } from './messy';
export * from './population';
export { Rng } from './prng';
export {
  EXPORT_FORMATS, ITEM_QUESTIONS_ID, AGREEMENT_LABELS_ID, exportInstrument, exportFileName, simulateExport, encodeWindows1252,
  type ExportFormat, type ExportFile,
} from './exports';

const constructName = z.enum(LATENT_CONSTRUCTS as unknown as [LatentConstruct, ...LatentConstruct[]]);
const periodText = z.string().transform((s, ctx) => {
  const p = normalizeQuarter(s);
  if (!p) {
    ctx.addIssue({ code: 'custom', message: `'${s}' is not a period like 2025-Q3` });
    return z.NEVER;
  }
  return p;
});

export const driftSchema = z.object({
  /** Branch id, or `*` for every branch. */
  branch: z.string().min(1).transform((s) => (s === '*' ? s : s.toUpperCase())),
  construct: constructName,
  /** Shift of the construct's latent mean, in baseline latent SD units (propagates along the paths). */
  delta: z.number().finite(),
  /** First period the shift applies to (it stays from then on). */
  from: periodText,
});
export type Drift = z.infer<typeof driftSchema>;

export const simulateOptionsSchema = z.object({
  seed: z.union([z.string(), z.number()]).transform(String).default('1'),
  /** Number of branches (BR01..), or an explicit directory. */
  branches: z.union([
    z.number().int().min(1).max(999),
    z.array(z.object({
      id: z.string().min(1), region: z.string().default('REGION'), name: z.string().optional(),
      population: z.number().int().positive().optional(),
    })).min(1),
  ]).default(12),
  /** `2024-Q1..2025-Q4`, a comma list, or an array of periods. */
  periods: z.union([z.string(), z.array(z.string())]).default('2024-Q1..2025-Q4'),
  /** Respondents per branch and period (duplicates added by messiness come on top). */
  n: z.number().int().min(1).max(10_000_000).default(400),
  /** SD of the random per-branch offsets of CRM, SQ, GOV, TRUST, SAT and LOY (latent SD units). */
  offsetSd: z.number().min(0).max(2).default(0.15),
  /** Explicit offsets per branch and construct, added to the random ones. */
  offsets: z.record(z.string(), z.record(z.string(), z.number())).default({}),
  drifts: z.array(driftSchema).default([]),
  /** Share of respondents made messy (0-0.5). */
  messy: z.number().min(0).max(0.5).default(0),
  messKinds: z.array(z.enum(MESS_KINDS)).min(1).optional(),
  /** excel-id: UTF-8 BOM, `;`, CRLF, DD/MM/YYYY dates (Excel, Indonesian locale). plain: `,`, LF, ISO dates. */
  format: z.enum(['excel-id', 'plain']).default('excel-id'),
  /** One head-office file with every branch and period instead of one file per drop. */
  headOffice: z.boolean().default(false),
});
export type SimulateOptionsInput = z.input<typeof simulateOptionsSchema>;

export interface SimulateOptions {
  seed: string;
  branches: SimBranch[];
  periods: string[];
  n: number;
  offsetSd: number;
  offsets: Record<string, Partial<Record<LatentConstruct, number>>>;
  drifts: Drift[];
  messy: number;
  messKinds: readonly MessKind[];
  format: 'excel-id' | 'plain';
  headOffice: boolean;
}

const PARSED = new WeakSet<object>();

export function parseSimulateOptions(input: SimulateOptionsInput | SimulateOptions = {}): SimulateOptions {
  if (PARSED.has(input)) return input as SimulateOptions;
  const r = simulateOptionsSchema.safeParse(input);
  if (!r.success) {
    throw new Error(`invalid simulate options: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const o = r.data;
  const periods = Array.isArray(o.periods) ? o.periods.flatMap((p) => parsePeriodList(p)) : parsePeriodList(o.periods);
  const branches = typeof o.branches === 'number'
    ? branchDirectory(o.branches)
    : o.branches.map((b) => ({ id: b.id.toUpperCase(), region: b.region, name: b.name ?? b.id, ...(b.population ? { population: b.population } : {}) }));
  const ids = new Set(branches.map((b) => b.id));
  for (const d of o.drifts) {
    if (d.branch !== '*' && !ids.has(d.branch)) throw new Error(`invalid simulate options: drift on unknown branch ${d.branch}`);
  }
  for (const [b, m] of Object.entries(o.offsets)) {
    if (!ids.has(b.toUpperCase())) throw new Error(`invalid simulate options: offsets for unknown branch ${b}`);
    for (const c of Object.keys(m)) {
      if (!(LATENT_CONSTRUCTS as readonly string[]).includes(c)) throw new Error(`invalid simulate options: offsets.${b}.${c}: unknown construct`);
    }
  }
  const out: SimulateOptions = {
    seed: o.seed,
    branches,
    periods,
    n: o.n,
    offsetSd: o.offsetSd,
    offsets: Object.fromEntries(Object.entries(o.offsets).map(([b, m]) => [b.toUpperCase(), m])),
    drifts: o.drifts,
    messy: o.messy,
    messKinds: o.messKinds ?? MESS_KINDS,
    format: o.format,
    headOffice: o.headOffice,
  };
  PARSED.add(out);
  return out;
}

/** `BR07:TRUST:-0.4:2025-Q3` (branch may be `*`). */
export function parseDrift(text: string): Drift {
  const parts = text.split(':');
  if (parts.length !== 4) throw new Error(`drift '${text}' must be BRANCH:CONSTRUCT:DELTA:FROM, e.g. BR07:TRUST:-0.4:2025-Q3`);
  const [branch, construct, delta, from] = parts as [string, string, string, string];
  const r = driftSchema.safeParse({ branch, construct: construct.toUpperCase(), delta: Number(delta), from });
  if (!r.success) throw new Error(`drift '${text}': ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** Latent shift of a branch in a period: its random + explicit offsets plus the drifts in force. */
export function branchShift(o: SimulateOptions, branch: string, period: string): Float64Array {
  const shift = new Float64Array(LATENT_CONSTRUCTS.length);
  const rng = new Rng(`${o.seed}|offsets|${branch}`);
  for (const c of ['CRM', 'SQ', 'GOV', 'TRUST', 'SAT', 'LOY'] as const) shift[LATENT_INDEX[c]] = o.offsetSd * rng.normal();
  for (const [c, v] of Object.entries(o.offsets[branch] ?? {})) shift[LATENT_INDEX[c as LatentConstruct]] += v ?? 0;
  const pi = periodIndex(period);
  for (const d of o.drifts) {
    if ((d.branch === '*' || d.branch === branch) && pi >= periodIndex(d.from)) shift[LATENT_INDEX[d.construct]] += d.delta;
  }
  return shift;
}

/**
 * A branch's own level of the SKM unsur (facilities, local procedures: what the model's latents do not carry), in
 * latent SD units; fixed over periods, 0 when offsetSd is 0.
 */
export function unsurLevel(o: SimulateOptions, branch: string): number {
  return o.offsetSd * UNSUR_BRANCH_SD * new Rng(`${o.seed}|unsur-level|${branch}`).normal();
}

const sampler = new PopulationSampler();

/** The clean respondents of one (branch, period) drop. */
export function* dropRespondents(o: SimulateOptions, branch: string, period: string): Generator<SimRespondent> {
  const rng = new Rng(`${o.seed}|${branch}|${period}`);
  // The unsur have their own stream: the other answers are those of a simulation without them.
  const unsurRng = new Rng(`${o.seed}|unsur|${branch}|${period}`);
  // So has occupation (added after the unsur).
  const occupationRng = new Rng(`${o.seed}|occupation|${branch}|${period}`);
  const shift = branchShift(o, branch, period);
  const level = unsurLevel(o, branch);
  const stamp = period.replace('-', '');
  for (let i = 1; i <= o.n; i++) {
    const programme = sampler.drawProgramme(rng);
    const latent = new Float64Array(LATENT_CONSTRUCTS.length);
    const items = new Int8Array(SIM_ITEMS.length);
    sampler.draw(rng, shift, latent, items, programme);
    sampler.drawUnsur(unsurRng, latent, items, level);
    const profile = drawProfile(rng, period, programme);
    const occupation = drawOccupation(occupationRng, profile.segment);
    yield { respondentId: `${branch}-${stamp}-${String(i).padStart(5, '0')}`, branch, period, ...profile, occupation, items, latent };
  }
}

/** Every clean respondent, periods outer, branches inner (the head-office order). */
export function* simulateRows(options: SimulateOptionsInput | SimulateOptions = {}): Generator<SimRespondent> {
  const o = parseSimulateOptions(options);
  for (const period of o.periods) for (const b of o.branches) yield* dropRespondents(o, b.id, period);
}

/** Column names of a simulated drop (the default instrument's names). */
export const SIM_COLUMNS: readonly string[] = [
  'respondent_id', 'branch_id', 'period', 'submitted_at', 'programme', 'segment', 'age', 'gender', 'education', 'occupation', ...SIM_ITEMS,
];
const LAYOUT_BASE = { id: 0, branch: 1, period: 2, date: 3, programme: 4, gender: 7, occupation: 9, firstItem: 10, itemNames: SIM_ITEMS };
const HEADER_STYLES = ['exact', 'upper', 'spaced'] as const;

function headerLine(style: (typeof HEADER_STYLES)[number]): string[] {
  if (style === 'upper') return SIM_COLUMNS.map((c) => c.toUpperCase());
  if (style === 'spaced') return SIM_COLUMNS.map((c) => c.replace(/_/g, ' ').replace(/\b\w/g, (m) => m.toUpperCase()));
  return [...SIM_COLUMNS];
}

function fieldsOf(r: SimRespondent, format: SimulateOptions['format']): string[] {
  const d = r.date;
  const date = format === 'excel-id'
    ? `${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${d.year}`
    : isoDate(d);
  const out = [r.respondentId, r.branch, r.period, date, r.programme, r.segment, String(r.age), r.gender, r.education, r.occupation];
  for (let i = 0; i < r.items.length; i++) out.push(String(r.items[i]));
  return out;
}

export interface FileFormat { delimiter: string; lineBreak: string; bom: string }
export function fileFormat(format: SimulateOptions['format']): FileFormat {
  return format === 'excel-id' ? { delimiter: ';', lineBreak: '\r\n', bom: '\uFEFF' } : { delimiter: ',', lineBreak: '\n', bom: '' };
}

interface PendingCopy { at: number; fields: string[]; respondentId: string; kind: MessKind; of: number }

/**
 * Writes the data lines of one drop (no header), starting at file line `firstLine`. Messy rows are reported to
 * `truth`. Returns the number of lines written via the `emit` callback count.
 */
function writeDrop(
  o: SimulateOptions, branch: string, period: string, firstLine: number,
  emit: (line: string) => void, truth: ((t: TruthEntry) => void) | null,
): number {
  const fmt = fileFormat(o.format);
  const layout: Layout = { ...LAYOUT_BASE, format: o.format };
  const rng = new Rng(`${o.seed}|mess|${branch}|${period}`);
  const year = yearOf(period);
  let line = firstLine;
  const pending: PendingCopy[] = [];
  const put = (fields: string[]) => {
    emit(fields.join(fmt.delimiter) + fmt.lineBreak);
    line++;
  };
  const flushDue = (i: number) => {
    while (pending.length && pending[0]!.at <= i) {
      const c = pending.shift()!;
      truth?.({ line, respondentId: c.respondentId, kind: c.kind, ...EXPECTED[c.kind], duplicateOf: c.of });
      put(c.fields);
    }
  };
  let i = 0;
  for (const r of dropRespondents(o, branch, period)) {
    i++;
    let fields = fieldsOf(r, o.format);
    if (o.messy > 0 && rng.bernoulli(o.messy)) {
      const kind = o.messKinds[rng.int(o.messKinds.length)]!;
      if (kind === 'duplicate_exact' || kind === 'duplicate_conflict') {
        const copy = [...fields];
        if (kind === 'duplicate_conflict') {
          // Change 1-3 five-point construct answers (to a different code each) so the copy conflicts without
          // becoming another kind.
          const k = 1 + rng.int(3);
          for (let c = 0; c < k; c++) {
            const j = layout.firstItem + rng.int(CONSTRUCT_ITEM_COUNT);
            const old = Number(copy[j]);
            copy[j] = String(((old - 1 + 1 + rng.int(4)) % 5) + 1);
          }
        }
        pending.push({ at: i + 1 + rng.int(20), fields: copy, respondentId: r.respondentId, kind, of: line });
        pending.sort((a, b) => a.at - b.at);
      } else {
        fields = mutate(kind, fields, layout, rng, year);
        const exp = EXPECTED[kind];
        truth?.({
          line, respondentId: r.respondentId, kind, expect: exp.expect, reasons: exp.reasons,
          ...(kind === 'unknown_branch' ? { requires: 'knownBranches' as const } : {}),
        });
      }
    }
    put(fields);
    flushDue(i);
  }
  flushDue(Number.POSITIVE_INFINITY);
  return line - firstLine;
}

export interface SimDrop {
  /** Branch and period of a per-drop file; null in head-office mode. */
  branch: string | null;
  period: string | null;
  file: string;
  text: string;
  rows: number;
}

export interface SimTruthFile {
  file: string;
  branch: string | null;
  period: string | null;
  rows: number;
  headerStyle: (typeof HEADER_STYLES)[number];
  messy: TruthEntry[];
}

export interface SimTruth {
  generator: 'satmon.simulate';
  formatVersion: 1;
  seed: string;
  options: Omit<SimulateOptions, 'branches'> & { branches: number };
  /** Latent shift (SD units) of each branch in each period, per construct. */
  shifts: Record<string, Record<string, Partial<Record<LatentConstruct, number>>>>;
  /** Each branch's own level of the SKM unsur U1-U9 (latent SD units, all periods). */
  unsurLevels: Record<string, number>;
  files: SimTruthFile[];
  /** Messy rows by kind, and how many rows the cleaner should keep / reject in total. */
  summary: { rows: number; expectClean: number; expectReject: number; byKind: Partial<Record<MessKind, number>> };
}

export interface SimulationResult {
  branches: SimBranch[];
  drops: SimDrop[];
  truth: SimTruth;
}

export function dropFileName(branch: string, period: string): string {
  return `drop_${branch}_${period}.csv`;
}
export function headOfficeFileName(o: SimulateOptions): string {
  return `headoffice_${o.periods[0]}_${o.periods[o.periods.length - 1]}.csv`;
}

function pickHeaderStyle(o: SimulateOptions, key: string): (typeof HEADER_STYLES)[number] {
  if (o.messy === 0) return 'exact';
  return HEADER_STYLES[new Rng(`${o.seed}|header|${key}`).int(HEADER_STYLES.length)]!;
}

function baseTruth(o: SimulateOptions): SimTruth {
  const shifts: SimTruth['shifts'] = {};
  for (const b of o.branches) {
    shifts[b.id] = {};
    for (const p of o.periods) {
      const s = branchShift(o, b.id, p);
      const rec: Partial<Record<LatentConstruct, number>> = {};
      LATENT_CONSTRUCTS.forEach((c, k) => {
        if (s[k] !== 0) rec[c] = Math.round(s[k]! * 1e6) / 1e6;
      });
      shifts[b.id]![p] = rec;
    }
  }
  const unsurLevels = Object.fromEntries(o.branches.map((b) => [b.id, Math.round(unsurLevel(o, b.id) * 1e6) / 1e6 || 0]));
  const { branches, ...rest } = o;
  return {
    generator: 'satmon.simulate', formatVersion: 1, seed: o.seed, options: { ...rest, branches: branches.length },
    shifts, unsurLevels, files: [], summary: { rows: 0, expectClean: 0, expectReject: 0, byKind: {} },
  };
}

/** The truth document for the files written (in the order written). */
export function simulationTruth(options: SimulateOptionsInput | SimulateOptions, files: readonly SimTruthFile[]): SimTruth {
  const t = baseTruth(parseSimulateOptions(options));
  for (const f of files) addToSummary(t, f);
  return t;
}

/** The truth entry of a head-office file produced by simulateCsv. */
export function headOfficeTruthFile(options: SimulateOptionsInput | SimulateOptions, rows: number, messy: TruthEntry[]): SimTruthFile {
  const o = parseSimulateOptions(options);
  return { file: headOfficeFileName(o), branch: null, period: null, rows, headerStyle: pickHeaderStyle(o, 'headoffice'), messy };
}

function addToSummary(t: SimTruth, f: SimTruthFile): void {
  t.files.push(f);
  t.summary.rows += f.rows;
  let rejects = 0;
  for (const e of f.messy) {
    t.summary.byKind[e.kind] = (t.summary.byKind[e.kind] ?? 0) + 1;
    if (e.expect === 'reject') rejects++;
  }
  t.summary.expectReject += rejects;
  t.summary.expectClean += f.rows - rejects;
}

/** Generates the drops in memory (fine up to a few hundred thousand rows; use simulateCsv beyond). */
export function simulateDrops(options: SimulateOptionsInput | SimulateOptions = {}): SimulationResult {
  const o = parseSimulateOptions(options);
  const truth = baseTruth(o);
  const fmt = fileFormat(o.format);
  const drops: SimDrop[] = [];
  if (o.headOffice) {
    const file = headOfficeFileName(o);
    const parts: string[] = [];
    const messy: TruthEntry[] = [];
    let rows = 0;
    for (const chunk of simulateCsv(o, (e) => messy.push(e), (n) => (rows = n))) parts.push(chunk);
    drops.push({ branch: null, period: null, file, text: parts.join(''), rows });
    addToSummary(truth, headOfficeTruthFile(o, rows, messy));
  } else {
    for (const period of o.periods) {
      for (const b of o.branches) {
        const file = dropFileName(b.id, period);
        const style = pickHeaderStyle(o, `${b.id}|${period}`);
        const parts: string[] = [fmt.bom + headerLine(style).join(fmt.delimiter) + fmt.lineBreak];
        const messy: TruthEntry[] = [];
        const rows = writeDrop(o, b.id, period, 2, (l) => parts.push(l), (e) => messy.push(e));
        drops.push({ branch: b.id, period, file, text: parts.join(''), rows });
        addToSummary(truth, { file, branch: b.id, period, rows, headerStyle: style, messy });
      }
    }
  }
  return { branches: o.branches, drops, truth };
}

/** Per-drop files, one at a time (header included), for writing many or big drops without holding them all. */
export function* simulateDropFiles(
  options: SimulateOptionsInput | SimulateOptions = {},
): Generator<{ branch: string; period: string; file: string; chunks: Generator<string>; truth: () => SimTruthFile }> {
  const o = parseSimulateOptions(options);
  const fmt = fileFormat(o.format);
  for (const period of o.periods) {
    for (const b of o.branches) {
      const file = dropFileName(b.id, period);
      const style = pickHeaderStyle(o, `${b.id}|${period}`);
      const messy: TruthEntry[] = [];
      let rows = 0;
      function* chunks(): Generator<string> {
        yield fmt.bom + headerLine(style).join(fmt.delimiter) + fmt.lineBreak;
        let buf: string[] = [];
        rows = writeDrop(o, b.id, period, 2, (l) => buf.push(l), (e) => messy.push(e));
        // writeDrop is synchronous; batch its lines into ~1 MB chunks.
        let acc = '';
        for (const l of buf) {
          acc += l;
          if (acc.length >= 1 << 20) {
            yield acc;
            acc = '';
          }
        }
        buf = [];
        if (acc) yield acc;
      }
      yield { branch: b.id, period, file, chunks: chunks(), truth: () => ({ file, branch: b.id, period, rows, headerStyle: style, messy }) };
    }
  }
}

/**
 * One head-office CSV (every branch and period, header once) as text chunks of about `chunkChars`, generated
 * drop by drop so memory stays flat for any size. Messy rows go to `onTruth`; `onRows` gets the data-row count.
 */
export function* simulateCsv(
  options: SimulateOptionsInput | SimulateOptions = {},
  onTruth?: (t: TruthEntry) => void,
  onRows?: (rows: number) => void,
  chunkChars = 1 << 20,
): Generator<string> {
  const o = parseSimulateOptions(options);
  const fmt = fileFormat(o.format);
  let acc = fmt.bom + headerLine(pickHeaderStyle(o, 'headoffice')).join(fmt.delimiter) + fmt.lineBreak;
  let line = 2;
  const ready: string[] = [];
  for (const period of o.periods) {
    for (const b of o.branches) {
      line += writeDrop(o, b.id, period, line, (l) => {
        acc += l;
        if (acc.length >= chunkChars) {
          ready.push(acc);
          acc = '';
        }
      }, onTruth ?? null);
      while (ready.length) yield ready.shift()!;
    }
  }
  if (acc) yield acc;
  onRows?.(line - 2);
}
