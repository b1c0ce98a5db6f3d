// The survey weight of a respondent, read from the instrument's weightColumn (issue 15).
//
// - A number > 0 and finite: `1.25`, `1,25` (a decimal comma, as Indonesian Excel writes it; items and age bands
//   read `4,0` the same way), `0.5`, `.5`, `2`, `1.5E-3`. One decimal separator and no thousands grouping: `1.234,5`
//   or `1,234.5` is refused rather than guessed (the two locales read it a thousand times apart).
// - Blank is MISSING_WEIGHT and anything else BAD_WEIGHT: the row is rejected. The instrument's missingCodes do not
//   apply: they are answer codes (`9` = "don't know"), and a weight of 9 is a weight.
// - Not part of the answer fingerprint (CleanRow.answerHash): the weight is an attribute of the sample design, not
//   an answer, and it is usually recomputed after the fieldwork. A re-delivery of a respondent whose only change is
//   the weight is therefore DUPLICATE_EXACT / DUPLICATE_PRIOR_EXACT (the first copy, with its weight, is kept), and
//   an instrument without a weightColumn fingerprints its rows exactly as before.
import * as z from 'zod';
import { CellRule } from './fields';

const DECIMAL = /^\+?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;

export const weightSchema = z.string().transform((s, ctx): number => {
  const negative = s.startsWith('-') && DECIMAL.test(s.slice(1));
  if (!DECIMAL.test(s) && !negative) {
    ctx.addIssue({ code: 'custom', message: 'not a number (write a weight like 1.25 or 1,25, without thousands separators)' });
    return z.NEVER;
  }
  const x = Number(s.replace(',', '.'));
  if (!Number.isFinite(x)) {
    ctx.addIssue({ code: 'custom', message: 'not a finite number' });
    return z.NEVER;
  }
  if (!(x > 0)) {
    ctx.addIssue({ code: 'custom', message: 'not greater than 0' });
    return z.NEVER;
  }
  return x;
});

/** The weight cell rule: only a blank cell is missing (memoised per distinct text, like every cell rule). */
export function weightRule(): CellRule<number> {
  return new CellRule(weightSchema, new Set(['']));
}
