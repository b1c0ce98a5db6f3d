// The survey instrument as data: which columns a drop has, which Likert items belong to which construct, the
// scale, the missing codes, the categorical/demographic codes and the cleaning thresholds. Validated with zod
// at load; `loadInstrument` returns a compiled form the cleaner indexes by position.
//
// File format (JSON; fields not listed here are allowed and ignored):
//   id, version?, label?, notes?
//   idColumn, branchColumn, periodColumn? and/or dateColumn? (period `YYYY-Qn`, or derived from the date)
//   dateOrder?: "DMY" (default, Indonesian Excel) | "MDY"
//   columnAliases?: { <declared column>: [other header spellings] }
//   scale: { min, max, labels? }   integer codes min..max; labels = { answer text: code } ("Sangat Setuju": 5),
//                                  matched case-, space- and accent-insensitively; a plain in-range code still passes
//   itemScales?: { ITEM: { min, max, labels? } }   an item's own scale (e.g. SKM unsur answered 1-4 with own labels)
//   timezone?: IANA zone (default Asia/Jakarta)   the calendar on which submission stamps are cut into quarters
//   dateTimezone?: IANA zone (default = timezone) the zone of a date-time written without an offset (Kobo: UTC)
//   headerRows?: 1                 header lines: the first names the columns, the others are skipped (Qualtrics: 3)
//   textColumns?: [names]          free-text columns kept with the clean row (capped, never parsed)
//   weightColumn?: name            the respondent's survey weight (a column of the drop, matched like every declared
//                                  column, aliases included): required in the drop when declared; a number > 0
//                                  (`1.25` or `1,25`), else the row is rejected (MISSING_WEIGHT / BAD_WEIGHT); written to
//                                  clean.csv as `weight`; not part of the answer fingerprint (shared/survey/weight.ts)
//   missingCodes?: [""]            cell texts (after trimming) that mean "no answer"; blank only if listed
//   constructs: { NAME: [items] | { items, label? } }   may be {} when standaloneItems has items (an SKM-only survey)
//   standaloneItems?: [items]      Likert items outside any construct (e.g. SAT_PROG); no missing-share rule
//   itemText?: { ITEM: question }  wording, for reports
//   programme?, segment?, demographics?: { NAME: categorical }
//       categorical = { column?, label?, codes?: { CODE: [aliases] }, bands?: [{ code, min, max, aliases? }] }
//       (bands turn a numeric answer such as an age into its band; the band code itself is accepted too)
//   branches?: ["BR01", ...] or [{ id, region?, name?, aliases?, timezone? }]   the branch directory (none = any
//                                  well-formed id); an answer matching an id, name or alias (case- and
//                                  space-insensitively) is written as the id; timezone overrides the instrument's
//   rules?: { maxMissingShare?: 0.2, straightLining?: { minItems?: 10 } | false }
//   ikm?: { unsur: [items], weights?: "exact" | "regulation" }   the SKM of Permenpan RB 14/2017 (shared/stats/ikm.ts)
//   (a branch directory entry may give `population`: the active participants it serves, for the SKM sample size and
//   the population weights of regions and the network; `populationYear`: the year of those figures; `populationBy`:
//   { segment?: { CODE: count }, programme?: { CODE: count } }, the margins its rows are post-stratified / raked to)
import * as z from 'zod';

const headerAliases = z.array(z.string().min(1)).default([]);

const band = z.object({
  code: z.string().min(1),
  min: z.number(),
  max: z.number(),
  aliases: z.array(z.string()).default([]),
});

/** Programme and segment fall back to the default codes; a demographic must list its codes or bands. */
const categoricalSpec = z.object({
  column: z.string().min(1).optional(),
  label: z.string().optional(),
  codes: z.record(z.string().min(1), z.array(z.string())).optional(),
  bands: z.array(band).min(1).optional(),
});
const demographicSpec = categoricalSpec.refine((c) => c.codes !== undefined || c.bands !== undefined, { message: 'needs codes or bands' });

const constructEntry = z.union([
  z.array(z.string().min(1)).min(1),
  z.object({ items: z.array(z.string().min(1)).min(1), label: z.string().optional() }),
]);

/** An IANA time zone name that this runtime's Intl knows. */
const timeZoneName = z.string().min(1).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, { message: 'not an IANA time zone (e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura, UTC)' });

const branchEntry = z.union([
  z.string().min(1),
  z.object({
    id: z.string().min(1),
    region: z.string().optional(),
    name: z.string().optional(),
    aliases: z.array(z.string().min(1)).optional(),
    timezone: timeZoneName.optional(),
    /** Active participants the branch serves (the SKM's population N for the Krejcie-Morgan sample size). */
    population: z.number().int().positive().optional(),
    /** The year the population figures are for (shown beside every population-weighted figure). */
    populationYear: z.union([z.number().int(), z.string().regex(/^\d{4}$/)]).transform(String).optional(),
    /** Active participants by category code (segment, programme): the margins the branch's rows are weighted to. */
    populationBy: z.object({
      segment: z.record(z.string().min(1), z.number().nonnegative()).optional(),
      programme: z.record(z.string().min(1), z.number().nonnegative()).optional(),
    }).optional(),
  }),
]);

/** The SKM of Permenpan RB 14/2017 (shared/stats/ikm.ts): its unsur (items, usually U1-U9) and the weight rule. */
const ikmSpec = z.object({
  unsur: z.array(z.string().min(1)).min(1),
  /** exact: 1/k; regulation: 1/k rounded to three decimals as the regulation's tables print it (0.111 for nine). */
  weights: z.enum(['exact', 'regulation']).default('exact'),
});

/** Answer text -> code (whole number); checked against the scale in instrumentSpec. */
const scaleLabels = z.record(z.string().min(1), z.number().int());
const scaleSpec = z
  .object({ min: z.number().int(), max: z.number().int(), labels: scaleLabels.optional() })
  .refine((s) => s.min < s.max && s.max - s.min <= 100, { message: 'scale must have min < max (at most 101 codes)' })
  .refine((s) => Object.values(s.labels ?? {}).every((c) => c >= s.min && c <= s.max), { message: 'a label\'s code is outside min-max' });

/** Default calendar of the survey: WIB. */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

const straightLining = z.union([
  z.literal(false),
  z.object({ minItems: z.number().int().min(2).default(10) }),
]);

export const instrumentSpec = z
  .object({
    id: z.string().min(1),
    version: z.union([z.string(), z.number()]).transform(String).default('1'),
    label: z.string().optional(),
    idColumn: z.string().min(1),
    branchColumn: z.string().min(1),
    periodColumn: z.string().min(1).optional(),
    dateColumn: z.string().min(1).optional(),
    dateOrder: z.enum(['DMY', 'MDY']).default('DMY'),
    /** Worksheet of an .xlsx drop to read (default: the first); matched by name, then case- and space-insensitively. */
    sheet: z.string().min(1).optional(),
    columnAliases: z.record(z.string(), headerAliases).default({}),
    scale: scaleSpec,
    itemScales: z.record(z.string().min(1), scaleSpec).default({}),
    timezone: timeZoneName.default(DEFAULT_TIME_ZONE),
    dateTimezone: timeZoneName.optional(),
    headerRows: z.number().int().min(1).max(20).default(1),
    textColumns: z.array(z.string().min(1)).default([]),
    /** Column of the respondent's survey weight (clean.csv `weight`); see shared/survey/weight.ts. */
    weightColumn: z.string().min(1).optional(),
    missingCodes: z.array(z.union([z.string(), z.number()]).transform((v) => String(v).trim())).default(['']),
    constructs: z.record(z.string().min(1), constructEntry),
    standaloneItems: z.array(z.string().min(1)).default([]),
    ikm: ikmSpec.optional(),
    itemText: z.record(z.string(), z.string()).default({}),
    programme: categoricalSpec.optional(),
    segment: categoricalSpec.optional(),
    demographics: z.record(z.string().min(1), demographicSpec).default({}),
    branches: z.array(branchEntry).optional(),
    rules: z
      .object({
        maxMissingShare: z.number().min(0).max(1).default(0.2),
        straightLining: straightLining.default({ minItems: 10 }),
      })
      .default({ maxMissingShare: 0.2, straightLining: { minItems: 10 } }),
  })
  .superRefine((s, ctx) => {
    if (!s.periodColumn && !s.dateColumn) {
      ctx.addIssue({ code: 'custom', path: ['periodColumn'], message: 'needs periodColumn or dateColumn' });
    }
    // `"constructs": {}` is an instrument of standalone items only (an SKM survey); some item is always needed.
    if (Object.keys(s.constructs).length === 0 && s.standaloneItems.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['constructs'], message: 'needs at least one construct (or standaloneItems)' });
    }
    const declaredItems = new Set([...Object.values(s.constructs).flatMap((c) => (Array.isArray(c) ? c : c.items)), ...s.standaloneItems]);
    for (const it of s.ikm?.unsur ?? []) {
      if (!declaredItems.has(it)) ctx.addIssue({ code: 'custom', path: ['ikm', 'unsur'], message: `'${it}' is not an item of a construct or standaloneItems` });
    }
    if (s.ikm && new Set(s.ikm.unsur).size !== s.ikm.unsur.length) ctx.addIssue({ code: 'custom', path: ['ikm', 'unsur'], message: 'an unsur is listed twice' });
    for (const it of Object.keys(s.itemScales)) {
      if (!declaredItems.has(it)) ctx.addIssue({ code: 'custom', path: ['itemScales', it], message: `'${it}' is not an item of a construct or standaloneItems` });
    }
    // Every declared column must be distinct once headers are normalised, or a drop could not be read.
    const seen = new Map<string, string>();
    const claim = (name: string, where: string) => {
      const key = normalizeHeader(name);
      const prev = seen.get(key);
      if (prev !== undefined) {
        ctx.addIssue({ code: 'custom', path: [where], message: `column '${name}' clashes with '${prev}' (headers match case- and space-insensitively)` });
      } else seen.set(key, name);
    };
    claim(s.idColumn, 'idColumn');
    claim(s.branchColumn, 'branchColumn');
    if (s.periodColumn) claim(s.periodColumn, 'periodColumn');
    if (s.dateColumn) claim(s.dateColumn, 'dateColumn');
    for (const [name, c] of Object.entries(s.constructs)) {
      for (const item of Array.isArray(c) ? c : c.items) claim(item, `constructs.${name}`);
    }
    for (const item of s.standaloneItems) claim(item, 'standaloneItems');
    if (s.programme) claim(s.programme.column ?? 'programme', 'programme');
    if (s.segment) claim(s.segment.column ?? 'segment', 'segment');
    for (const [name, d] of Object.entries(s.demographics)) claim(d.column ?? name, `demographics.${name}`);
    s.textColumns.forEach((t, k) => {
      claim(t, `textColumns.${k}`);
      // Text columns become clean.csv columns by name: they must not take the name of a fixed one.
      if (CLEAN_FIXED_COLUMNS.includes(t)) ctx.addIssue({ code: 'custom', path: ['textColumns', k], message: `'${t}' is a column name of clean.csv` });
    });
    if (s.weightColumn) {
      claim(s.weightColumn, 'weightColumn');
      // The weight is written to clean.csv as `weight`: no other output column may take that name (checked only
      // when there is a weight, so an instrument without one is read as before).
      const outputs: [string, string][] = [
        ...s.textColumns.map((t, k): [string, string] => [t, `textColumns.${k}`]),
        ...[...declaredItems].map((it): [string, string] => [it, 'constructs']),
        ...Object.keys(s.demographics).map((d): [string, string] => [d, `demographics.${d}`]),
      ];
      for (const [name, where] of outputs) {
        if (name === CLEAN_WEIGHT_COLUMN) ctx.addIssue({ code: 'custom', path: [where], message: `'${name}' is the clean.csv column of the survey weight (weightColumn)` });
      }
    }
  });

/** Fixed column names of clean.csv (csv-out.ts), which a text column may not take. */
const CLEAN_FIXED_COLUMNS: readonly string[] = ['respondent_id', 'branch_id', 'period', 'date', 'answer_hash', 'line'];
/** The clean.csv column of the survey weight when the instrument has a weightColumn (csv-out.ts, assess/frame.ts). */
export const CLEAN_WEIGHT_COLUMN = 'weight';

export type InstrumentSpec = z.infer<typeof instrumentSpec>;
export type InstrumentInput = z.input<typeof instrumentSpec>;

/** Header names match case-, space-, underscore-, dash- and dot-insensitively: `Respondent ID` = `respondent_id`. */
export function normalizeHeader(name: string): string {
  return name.replace(/\uFEFF/g, '').toLowerCase().replace(/[\s_.\-]+/g, '');
}

/** A categorical column compiled for lookups. */
export interface CategoryVar {
  /** Output name: `programme`, `segment` or the demographic's name. */
  readonly name: string;
  readonly role: 'programme' | 'segment' | 'demographic';
  readonly column: string;
  readonly label?: string;
  /** Canonical codes in declared order. */
  readonly codes: readonly string[];
  /** Lower-cased, space-collapsed answer text (code or alias) -> canonical code. */
  readonly lookup: ReadonlyMap<string, string>;
  readonly bands: readonly { code: string; min: number; max: number }[] | null;
}

export interface ConstructDef {
  readonly name: string;
  readonly label?: string;
  /** Indices into Instrument.items. */
  readonly items: readonly number[];
}

export interface BranchInfo {
  id: string; region?: string; name?: string; aliases?: string[]; timezone?: string; population?: number;
  populationYear?: string;
  populationBy?: { segment?: Record<string, number>; programme?: Record<string, number> };
}

/** A Likert scale compiled: codes min..max and its answer labels. */
export interface ItemScale {
  readonly min: number;
  readonly max: number;
  /** Declared labels in order, with their codes. */
  readonly labels: readonly { readonly text: string; readonly code: number }[];
  /** normalizeLabel(text) -> index into labels. */
  readonly lookup: ReadonlyMap<string, number>;
}

/** A compiled instrument. Build with loadInstrument(). */
export interface Instrument {
  readonly id: string;
  readonly version: string;
  readonly source: string;
  readonly spec: InstrumentSpec;
  /** Every Likert item: construct items in declared order, then the standalone items. */
  readonly items: readonly string[];
  readonly constructs: readonly ConstructDef[];
  /** Programme, segment, then demographics in declared order. */
  readonly categories: readonly CategoryVar[];
  readonly scale: { readonly min: number; readonly max: number };
  /** The scale of each item (instrument.items order): its itemScales entry, else the instrument's scale. */
  readonly itemScales: readonly ItemScale[];
  /** Quarters are cut on this calendar unless the branch's directory entry names another zone. */
  readonly timezone: string;
  /** Zone of date-times written without an offset. */
  readonly dateTimezone: string;
  readonly headerRows: number;
  readonly textColumns: readonly string[];
  /** The drop column of the survey weight (spec.weightColumn); absent = unweighted, clean.csv has no `weight`. */
  readonly weightColumn?: string;
  readonly missingCodes: ReadonlySet<string>;
  /** Known branch ids (upper case), or null when any well-formed id is accepted. */
  readonly branches: ReadonlyMap<string, BranchInfo> | null;
  /** branchKey(id | name | alias) -> canonical id, over the instrument's directory (null without one). */
  readonly branchLookup: ReadonlyMap<string, string> | null;
  readonly rules: { readonly maxMissingShare: number; readonly straightLiningMinItems: number | null };
}

/** Default codes of the programmes (BPJS Ketenagakerjaan) and segments, with common spellings. */
export const DEFAULT_PROGRAMME_CODES: Readonly<Record<string, string[]>> = {
  JHT: ['jaminan hari tua', 'old age', 'old-age savings'],
  JKM: ['jaminan kematian', 'death'],
  JP: ['jaminan pensiun', 'pension'],
  JKK: ['jaminan kecelakaan kerja', 'work accident', 'employment injury'],
  JKP: ['jaminan kehilangan pekerjaan', 'job loss', 'unemployment'],
};
export const DEFAULT_SEGMENT_CODES: Readonly<Record<string, string[]>> = {
  PU: ['penerima upah', 'wage', 'wage earner', 'formal'],
  BPU: ['bukan penerima upah', 'non-wage', 'non wage', 'informal'],
};

/**
 * Case-, space- and accent-insensitive form of a scale label: NFKD with the combining marks removed, lower case,
 * white space collapsed (`  SANGAT  setuju ` = `Sangat Setuju`, `Netral` = `Nétral`).
 */
export function normalizeLabel(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Key of a branch answer: case-, space- and accent-insensitive (`br07` = `BR 07`, `kantor cabang langsa`). */
export function branchKey(text: string): string {
  return normalizeLabel(text).replace(/ /g, '');
}

function compileScale(name: string, spec: z.infer<typeof scaleSpec>, source: string): ItemScale {
  const labels: { text: string; code: number }[] = [];
  const lookup = new Map<string, number>();
  for (const [text, code] of Object.entries(spec.labels ?? {})) {
    const key = normalizeLabel(text);
    const prev = lookup.get(key);
    if (prev !== undefined) {
      if (labels[prev]!.code !== code) throw new Error(`${source}: invalid instrument: ${name}: label '${text}' maps to both ${labels[prev]!.code} and ${code}`);
      continue;
    }
    lookup.set(key, labels.push({ text, code }) - 1);
  }
  return { min: spec.min, max: spec.max, labels, lookup };
}

/** id, name and aliases of directory entries -> canonical id; throws when one text names two branches. */
export function branchLookupOf(entries: Iterable<BranchInfo>, source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of entries) {
    for (const text of [b.id, b.name, ...(b.aliases ?? [])]) {
      if (text === undefined) continue;
      const key = branchKey(text);
      if (key === '') continue;
      const prev = out.get(key);
      if (prev !== undefined && prev !== b.id) throw new Error(`${source}: branch directory: '${text}' names both ${prev} and ${b.id}`);
      out.set(key, b.id);
    }
  }
  return out;
}

/** Case- and space-insensitive form of a categorical answer. */
export function normalizeAnswer(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

function compileCategory(
  name: string,
  role: CategoryVar['role'],
  spec: z.infer<typeof categoricalSpec>,
  defaults: Readonly<Record<string, string[]>> | null,
  source: string,
): CategoryVar {
  const codesSpec = spec.codes ?? (spec.bands ? {} : defaults ?? {});
  const lookup = new Map<string, string>();
  const codes: string[] = [];
  const add = (alias: string, code: string) => {
    const key = normalizeAnswer(alias);
    const prev = lookup.get(key);
    if (prev !== undefined && prev !== code) {
      throw new Error(`${source}: invalid instrument: ${name}: answer '${alias}' maps to both ${prev} and ${code}`);
    }
    lookup.set(key, code);
  };
  for (const [code, aliases] of Object.entries(codesSpec)) {
    codes.push(code);
    add(code, code);
    for (const a of aliases) add(a, code);
  }
  let bands: CategoryVar['bands'] = null;
  if (spec.bands) {
    bands = spec.bands.map((b) => ({ code: b.code, min: b.min, max: b.max }));
    for (const b of spec.bands) {
      codes.push(b.code);
      add(b.code, b.code);
      for (const a of b.aliases) add(a, b.code);
    }
  }
  return { name, role, column: spec.column ?? name, label: spec.label, codes, lookup, bands };
}

/** Validates and compiles an instrument. Throws an Error naming `source` and every problem found. */
export function loadInstrument(json: unknown, source: string): Instrument {
  const r = instrumentSpec.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source}: invalid instrument: ${issues}`);
  }
  const spec = r.data;
  const items: string[] = [];
  const constructs: ConstructDef[] = [];
  for (const [name, entry] of Object.entries(spec.constructs)) {
    const list = Array.isArray(entry) ? entry : entry.items;
    const label = Array.isArray(entry) ? undefined : entry.label;
    const idx = list.map((it) => items.push(it) - 1);
    constructs.push({ name, label, items: idx });
  }
  for (const it of spec.standaloneItems) items.push(it);

  const categories: CategoryVar[] = [];
  if (spec.programme) categories.push(compileCategory('programme', 'programme', spec.programme, DEFAULT_PROGRAMME_CODES, source));
  if (spec.segment) categories.push(compileCategory('segment', 'segment', spec.segment, DEFAULT_SEGMENT_CODES, source));
  for (const [name, d] of Object.entries(spec.demographics)) {
    if (name === 'programme' || name === 'segment') {
      throw new Error(`${source}: invalid instrument: demographics.${name}: the name is reserved`);
    }
    categories.push(compileCategory(name, 'demographic', d, null, source));
  }

  let branches: Map<string, BranchInfo> | null = null;
  if (spec.branches) {
    branches = new Map();
    for (const b of spec.branches) {
      const info = typeof b === 'string' ? { id: b } : b;
      branches.set(info.id.trim().toUpperCase(), { ...info, id: info.id.trim().toUpperCase() });
    }
  }
  const defaultScale = compileScale('scale', spec.scale, source);
  const itemScales = items.map((it) => (spec.itemScales[it] ? compileScale(`itemScales.${it}`, spec.itemScales[it]!, source) : defaultScale));
  const branchLookup = branches ? branchLookupOf(branches.values(), source) : null;
  const sl = spec.rules.straightLining;
  return {
    id: spec.id,
    version: spec.version,
    source,
    spec,
    items,
    constructs,
    categories,
    scale: { min: spec.scale.min, max: spec.scale.max },
    itemScales,
    timezone: spec.timezone,
    dateTimezone: spec.dateTimezone ?? spec.timezone,
    headerRows: spec.headerRows,
    textColumns: spec.textColumns,
    ...(spec.weightColumn !== undefined ? { weightColumn: spec.weightColumn } : {}),
    missingCodes: new Set(spec.missingCodes),
    branches,
    branchLookup,
    rules: {
      maxMissingShare: spec.rules.maxMissingShare,
      // A line of identical answers is only suspicious when it is long; capped at the number of items so a
      // short instrument (the minimal one has 8) still gets the rule.
      straightLiningMinItems: sl === false ? null : Math.min(sl.minItems, items.length),
    },
  };
}

/** Accepts the simulator's branches.json (array of ids or of { id, region, name }) or { branches: [...] }. */
export function parseBranchDirectory(json: unknown, source: string): Map<string, BranchInfo> {
  const list = z.union([z.array(branchEntry), z.object({ branches: z.array(branchEntry) })]).safeParse(json);
  if (!list.success) throw new Error(`${source}: not a branch directory (expected an array of ids or of { id, region, name })`);
  const arr = Array.isArray(list.data) ? list.data : list.data.branches;
  const out = new Map<string, BranchInfo>();
  for (const b of arr) {
    const info = typeof b === 'string' ? { id: b } : b;
    const id = info.id.trim().toUpperCase();
    out.set(id, { ...info, id });
  }
  return out;
}
