// Reason codes of rejected rows. A row gets every reason that applies (in this order), except that rows whose
// fields cannot be aligned with the header (the first group) get only that reason: their other checks would
// read the wrong columns.

export const REASONS = {
  // The record itself
  LINE_TOO_LONG: 'the row is longer than the line limit, or one of its fields longer than the field limit (only its start is kept)',
  BAD_ENCODING: 'the row has bytes that are not text in the encoding the file was read with (UTF-8 or Windows-1252)',
  BAD_QUOTING: 'broken quoting: an unclosed or misplaced quote (the line is set aside and parsing resumes on the next line)',
  BAD_FIELD_COUNT: 'the row has a different number of fields than the header',
  EMPTY_ROW: 'every field is empty',
  REPEATED_HEADER: 'the row repeats the header (files concatenated with their headers)',
  // Identity
  MISSING_ID: 'no respondent id',
  BAD_ID: 'the respondent id is longer than 64 characters or has control characters',
  MISSING_BRANCH: 'no branch id',
  BAD_BRANCH: "the branch id is not well formed (letters, digits, - _ . ; at most 32; starts with a letter or digit; no '..', no final '.')",
  UNKNOWN_BRANCH: 'the branch id is not in the branch directory',
  WRONG_BRANCH: "the row is for another branch than the one whose folder the file was uploaded to (the office's own folder)",
  MISSING_PERIOD: 'no period and no submission date to derive it from',
  BAD_PERIOD: 'the period is not a quarter like 2025-Q3',
  BAD_DATE: 'the submission date is not a valid date',
  FUTURE_PERIOD: 'the period or submission date is more than one quarter after the upload',
  // Sample design (only with the instrument's weightColumn; shared/survey/weight.ts)
  MISSING_WEIGHT: 'no survey weight (the instrument declares a weight column and the cell is blank)',
  BAD_WEIGHT: 'the survey weight is not a number greater than 0 (1.25 or 1,25; no thousands separators)',
  // Answers
  BAD_CATEGORY: 'a programme, segment or demographic answer is not one of the instrument codes',
  OUT_OF_RANGE: 'an item code is outside the scale (or not a whole number) and not a declared missing code',
  TOO_MANY_MISSING: "more than the allowed share of a construct's items is missing",
  STRAIGHT_LINING: 'the same answer to every item',
  // Duplicates (keep the first copy)
  DUPLICATE_EXACT: 'an earlier row of this drop has the same respondent id, branch and period and the same answers',
  DUPLICATE_CONFLICT: 'an earlier row of this drop has the same respondent id, branch and period but different answers',
  DUPLICATE_PRIOR_EXACT: 'an earlier drop already delivered this respondent for the branch and period, same answers',
  DUPLICATE_PRIOR_CONFLICT: 'an earlier drop already delivered this respondent for the branch and period, different answers',
  // Erasure on request (satmon forget): only the line number and this reason are kept.
  ERASED: 'the participant was erased on request (satmon forget) and the row is of a quarter up to the erasure; nothing of it is kept',
} as const;

export type ReasonCode = keyof typeof REASONS;
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];

/** Reasons that mean the fields could not be read; no other rule is evaluated on such rows. */
export const STRUCTURAL_REASONS: ReadonlySet<ReasonCode> = new Set(['LINE_TOO_LONG', 'BAD_ENCODING', 'BAD_QUOTING', 'BAD_FIELD_COUNT', 'EMPTY_ROW', 'REPEATED_HEADER']);
