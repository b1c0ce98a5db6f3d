// Cell rules: one zod schema per kind of cell (respondent id, branch id, period, date, Likert code, categorical
// answer), applied after the instrument's missing codes. Survey columns repeat a handful of distinct texts
// ("1".."5", twelve branch ids, eight periods), so each rule memoises its verdict per distinct raw text: zod
// decides every distinct value once and the hot loop is a Map lookup (ids, all distinct, are not memoised).
import * as z from 'zod';
import { normalizeQuarter, quarterOfMonth } from '../period';
import type { CategoryVar, Instrument, ItemScale } from './instrument';
import { branchKey, normalizeAnswer, normalizeLabel } from './instrument';
import { isoDate, parseStamp, type DateOrder, type Stamp } from './period';

/** The cell holds a declared missing code. */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

/** The cell is present but breaks the rule. */
export class Invalid {
  constructor(readonly message: string) {}
}

/** A branch answer that is neither a directory id, name or alias nor a well-formed id: UNKNOWN_BRANCH, not BAD_BRANCH. */
export class UnknownBranchName extends Invalid {}

export type CellValue<T> = T | Missing | Invalid;

const MEMO_LIMIT = 4096;

export class CellRule<T> {
  private readonly memo = new Map<string, CellValue<T>>();
  // One-character cells ("1".."5", "9", "") are most of a survey: an array beats hashing the string.
  private readonly ascii: (CellValue<T> | undefined)[] = new Array(128).fill(undefined);
  private empty: CellValue<T> | undefined;

  /**
   * @param accepts optional fast path for rules that cannot be memoised (respondent ids): true only when the
   *   schema would return the trimmed text unchanged; anything else goes through the schema.
   */
  constructor(
    private readonly schema: z.ZodType<T, string>,
    private readonly missingCodes: ReadonlySet<string>,
    private readonly memoLimit = MEMO_LIMIT,
    private readonly accepts?: (trimmed: string) => boolean,
    /** Builds the verdict for a schema error message (a subclass of Invalid can carry the kind of failure). */
    private readonly invalid: (message: string) => Invalid = (m) => new Invalid(m),
  ) {}

  read(raw: string): CellValue<T> {
    if (raw.length <= 1 && this.memoLimit > 0) {
      if (raw.length === 0) return (this.empty ??= this.decide(raw));
      const c = raw.charCodeAt(0);
      if (c < 128) return (this.ascii[c] ??= this.decide(raw));
    }
    const hit = this.memo.get(raw);
    if (hit !== undefined) return hit;
    const v = this.decide(raw);
    if (this.memo.size < this.memoLimit) this.memo.set(raw, v);
    return v;
  }

  private decide(raw: string): CellValue<T> {
    const t = raw.trim();
    if (this.missingCodes.has(t)) return MISSING;
    if (this.accepts?.(t)) return t as T;
    const r = this.schema.safeParse(t);
    return r.success ? r.data : this.invalid(r.error.issues[0]?.message ?? 'invalid');
  }
}

// Texts from a drop end up in messages (row details, DropRejectedError messages, hence manifests, drop records and
// logs): control characters, NULs, line and paragraph separators, bidirectional overrides, the BOM and lone
// surrogates are shown escaped (\n \r \t, else \uXXXX) and every text is capped, so a message stays one short
// printable line whatever the input holds.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeChar = (c: string): string => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** UTF-8 length of a string (lone surrogates count 3, as they are encoded as U+FFFD). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** The longest prefix of s of at most maxBytes UTF-8 bytes that does not split a surrogate pair. */
function utf8Prefix(s: string, maxBytes: number): string {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (n + w > maxBytes) break;
    n += w;
    i += pair ? 2 : 1;
  }
  return s.slice(0, i);
}

/**
 * A text from input, fit for a message: unsafe characters escaped (see above) and the result cut to at most
 * maxBytes UTF-8 bytes, ending in `… (N bytes cut)` when cut. Idempotent on its own output (it adds no
 * character it would escape), so texts that already went through it or showCell pass unchanged.
 */
export function messageText(text: string, maxBytes = 1024): string {
  const escaped = text.replace(UNSAFE_CHARS, escapeChar);
  const total = utf8Length(escaped);
  if (total <= maxBytes) return escaped;
  const tail = (cut: number) => `… (${cut} bytes cut)`;
  // The tail's length depends on the number it shows; its byte length for the largest possible number is enough.
  const room = Math.max(0, maxBytes - utf8Length(tail(total)));
  const head = utf8Prefix(escaped, room);
  return head + tail(total - utf8Length(head));
}

const SHOW_CELL_CHARS = 40;

/** Shows a cell in a message: quoted JSON-style, unsafe characters escaped, texts over 40 characters cut (`…`). */
export function showCell(raw: string): string {
  let s = raw;
  if (s.length > SHOW_CELL_CHARS) {
    // Do not split a surrogate pair at the cut.
    const end = (s.charCodeAt(SHOW_CELL_CHARS - 1) & 0xfc00) === 0xd800 ? SHOW_CELL_CHARS - 1 : SHOW_CELL_CHARS;
    s = `${s.slice(0, end)}…`;
  }
  return JSON.stringify(s).replace(UNSAFE_CHARS, escapeChar);
}

const CONTROL = /[\u0000-\u001f\u007f]/;
export const respondentIdSchema = z
  .string()
  .max(64, 'longer than 64 characters')
  .refine((s) => !CONTROL.test(s), 'has control characters');

/**
 * Letters, digits, `-`, `_` and `.`, at most 32, starting with a letter or digit (so never with a formula trigger);
 * no `..` and no trailing `.` (branch ids name S3 folders, files and URL paths, where those read as a path step).
 */
export const BRANCH_ID_PATTERN = /^(?!.*\.\.)[A-Z0-9][A-Z0-9_.\-]{0,31}(?<!\.)$/;
/** Branch ids are case-insensitive; the canonical form is upper case. */
export const branchIdSchema = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(BRANCH_ID_PATTERN, 'not a well-formed branch id'));

export const periodSchema = z.string().transform((s, ctx) => {
  const p = normalizeQuarter(s);
  if (p === null) {
    ctx.addIssue({ code: 'custom', message: 'not a quarter like 2025-Q3' });
    return z.NEVER;
  }
  return p;
});

/**
 * A date cell: the stamp as written, and the date and quarter as written (the answer for a bare date; a stamp with
 * a time is placed on the branch's calendar by the cleaner, see clean.ts).
 */
export interface DateValue { stamp: Stamp; iso: string; period: string }
export function dateSchema(order: DateOrder) {
  return z.string().transform((s, ctx): DateValue => {
    const d = parseStamp(s, order);
    if (d === null) {
      ctx.addIssue({ code: 'custom', message: `not a valid date or date-time (${order === 'DMY' ? 'DD/MM/YYYY' : 'MM/DD/YYYY'} [HH:mm:ss], ISO 8601 or an Excel serial)` });
      return z.NEVER;
    }
    return { stamp: d, iso: isoDate(d), period: quarterOfMonth(d.year, d.month) };
  });
}

const WHOLE = /^[+-]?\d+(?:[.,]0+)?$/;

/**
 * A Likert code: a whole number in the scale (`4.0` and `4,0`, comma-decimal locales, read as 4), or one of the
 * scale's answer labels (normalizeLabel: case-, space- and accent-insensitive).
 */
export function itemSchema(min: number, max: number, scale?: ItemScale) {
  const range = `outside ${min}-${max}`;
  if (!scale || scale.labels.length === 0) {
    return z
      .string()
      .regex(WHOLE, 'not a whole number')
      .transform((s) => parseInt(s, 10))
      .pipe(z.number().min(min, range).max(max, range));
  }
  const shown = scale.labels.map((l) => l.text);
  const list = shown.length > 6 ? `${shown.slice(0, 6).join(', ')}, ...` : shown.join(', ');
  return z.string().transform((s, ctx): number => {
    if (WHOLE.test(s)) {
      const v = parseInt(s, 10);
      if (v >= min && v <= max) return v;
      ctx.addIssue({ code: 'custom', message: range });
      return z.NEVER;
    }
    const k = scale.lookup.get(normalizeLabel(s));
    if (k !== undefined) return scale.labels[k]!.code;
    ctx.addIssue({ code: 'custom', message: `not a label of the scale (${list}) nor a whole number in ${min}-${max}` });
    return z.NEVER;
  });
}

/** Which declared label a valid labelled answer was (index into scale.labels), -1 for a plain code. */
function labelIndexSchema(scale: ItemScale) {
  return z.string().transform((s) => (WHOLE.test(s) ? -1 : scale.lookup.get(normalizeLabel(s)) ?? -1));
}

const UNKNOWN_NAME = '\u0000unknown-branch-name';

/**
 * A branch answer: a directory entry's id, name or alias (case-, space- and accent-insensitively) gives its id;
 * anything else must be a well-formed id (checked against the directory by the cleaner). With a directory that
 * has names, an answer that is neither is an unknown office (UnknownBranchName), not a malformed id.
 */
export function branchSchema(lookup: ReadonlyMap<string, string> | null, namesKnown: boolean) {
  return z.string().transform((s, ctx): string => {
    const hit = lookup?.get(branchKey(s));
    if (hit !== undefined) return hit;
    const r = branchIdSchema.safeParse(s);
    if (r.success) return r.data;
    ctx.addIssue({ code: 'custom', message: namesKnown ? UNKNOWN_NAME : r.error.issues[0]?.message ?? 'not a well-formed branch id' });
    return z.NEVER;
  });
}

const NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
export function categorySchema(v: CategoryVar) {
  const list = v.codes.join(', ');
  return z.string().transform((s, ctx) => {
    const code = v.lookup.get(normalizeAnswer(s));
    if (code !== undefined) return code;
    if (v.bands && NUMBER.test(s)) {
      const x = Number(s.replace(',', '.'));
      for (const b of v.bands) if (x >= b.min && x <= b.max) return b.code;
      ctx.addIssue({ code: 'custom', message: `${x} is in none of the bands ${list}` });
      return z.NEVER;
    }
    ctx.addIssue({ code: 'custom', message: `not one of ${list}` });
    return z.NEVER;
  });
}

/** Every cell rule of an instrument, sharing one memo per kind (per distinct scale for items). */
export interface CellRules {
  id: CellRule<string>;
  /** Canonical branch id; an Invalid that is an UnknownBranchName for an office the directory does not know. */
  branch: CellRule<string>;
  period: CellRule<string>;
  date: CellRule<DateValue>;
  /** The instrument's own scale (items without an itemScales entry). */
  item: CellRule<number>;
  /** One rule per item (instrument.items order); items on one scale share a rule. */
  items: CellRule<number>[];
  /** Per item: the label index of a valid answer (-1 = a plain code), or null when its scale has no labels. */
  itemLabels: (CellRule<number> | null)[];
  categories: CellRule<string>[];
}

/** Branch directory lookups: the instrument's, or built by the caller from CleanOptions.knownBranches. */
export function buildCellRules(instrument: Instrument, branchLookup: ReadonlyMap<string, string> | null = instrument.branchLookup): CellRules {
  const miss = instrument.missingCodes;
  const byScale = new Map<ItemScale, { value: CellRule<number>; label: CellRule<number> | null }>();
  const ruleOf = (sc: ItemScale) => {
    let r = byScale.get(sc);
    if (!r) {
      r = {
        value: new CellRule(itemSchema(sc.min, sc.max, sc), miss),
        label: sc.labels.length ? new CellRule(labelIndexSchema(sc), miss) : null,
      };
      byScale.set(sc, r);
    }
    return r;
  };
  const scales = instrument.itemScales;
  const defaultRule = scales.length ? ruleOf(scales[0]!).value : new CellRule(itemSchema(instrument.scale.min, instrument.scale.max), miss);
  // Names or aliases in the directory: an answer that matches none is an unknown office.
  let namesKnown = false;
  if (branchLookup) for (const [k, id] of branchLookup) if (k !== branchKey(id)) { namesKnown = true; break; }
  const branchRule = new CellRule(branchSchema(branchLookup, namesKnown), miss, MEMO_LIMIT, undefined, (m) =>
    m === UNKNOWN_NAME ? new UnknownBranchName('not an id, name or alias in the branch directory') : new Invalid(m));
  return {
    id: new CellRule(respondentIdSchema, miss, 0, (t) => t.length <= 64 && !CONTROL.test(t)),
    branch: branchRule,
    period: new CellRule(periodSchema, miss),
    date: new CellRule(dateSchema(instrument.spec.dateOrder), miss),
    item: defaultRule,
    items: scales.map((sc) => ruleOf(sc).value),
    itemLabels: scales.map((sc) => ruleOf(sc).label),
    categories: instrument.categories.map((c) => new CellRule(categorySchema(c), miss)),
  };
}
