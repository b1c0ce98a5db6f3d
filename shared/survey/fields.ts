// Cell rules: one zod schema per kind of cell (respondent id, branch id, period, date, Likert code, categorical
// answer), applied after the instrument's missing codes. Survey columns repeat a handful of distinct texts
// ("1".."5", twelve branch ids, eight periods), so each rule memoises its verdict per distinct raw text: zod
// decides every distinct value once and the hot loop is a Map lookup (ids, all distinct, are not memoised).
import * as z from 'zod';
import { normalizeQuarter, quarterOfMonth } from '../period';
import type { CategoryVar, Instrument } from './instrument';
import { normalizeAnswer } from './instrument';
import { isoDate, parseCalendarDate, type DateOrder } from './period';

/** The cell holds a declared missing code. */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

/** The cell is present but breaks the rule. */
export class Invalid {
  constructor(readonly message: string) {}
}

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
    return r.success ? r.data : new Invalid(r.error.issues[0]?.message ?? 'invalid');
  }
}

/** Shows a cell in a message: quoted, control characters escaped, long texts cut. */
export function showCell(raw: string): string {
  const s = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return JSON.stringify(s);
}

const CONTROL = /[\u0000-\u001f\u007f]/;
export const respondentIdSchema = z
  .string()
  .max(64, 'longer than 64 characters')
  .refine((s) => !CONTROL.test(s), 'has control characters');

export const BRANCH_ID_PATTERN = /^[A-Z0-9][A-Z0-9_.\-]{0,31}$/;
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

export interface DateValue { iso: string; period: string }
export function dateSchema(order: DateOrder) {
  return z.string().transform((s, ctx): DateValue => {
    const d = parseCalendarDate(s, order);
    if (d === null) {
      ctx.addIssue({ code: 'custom', message: `not a valid date (${order === 'DMY' ? 'DD/MM/YYYY' : 'MM/DD/YYYY'} or YYYY-MM-DD)` });
      return z.NEVER;
    }
    return { iso: isoDate(d), period: quarterOfMonth(d.year, d.month) };
  });
}

/** A Likert code: a whole number in the scale; `4.0` and `4,0` (comma-decimal locales) read as 4. */
export function itemSchema(min: number, max: number) {
  return z
    .string()
    .regex(/^[+-]?\d+(?:[.,]0+)?$/, 'not a whole number')
    .transform((s) => parseInt(s, 10))
    .pipe(z.number().min(min, `outside ${min}-${max}`).max(max, `outside ${min}-${max}`));
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

/** Every cell rule of an instrument, sharing one memo per kind. */
export interface CellRules {
  id: CellRule<string>;
  branch: CellRule<string>;
  period: CellRule<string>;
  date: CellRule<DateValue>;
  item: CellRule<number>;
  categories: CellRule<string>[];
}

export function buildCellRules(instrument: Instrument): CellRules {
  const miss = instrument.missingCodes;
  return {
    id: new CellRule(respondentIdSchema, miss, 0, (t) => t.length <= 64 && !CONTROL.test(t)),
    branch: new CellRule(branchIdSchema, miss),
    period: new CellRule(periodSchema, miss),
    date: new CellRule(dateSchema(instrument.spec.dateOrder), miss),
    item: new CellRule(itemSchema(instrument.scale.min, instrument.scale.max), miss),
    categories: instrument.categories.map((c) => new CellRule(categorySchema(c), miss)),
  };
}
