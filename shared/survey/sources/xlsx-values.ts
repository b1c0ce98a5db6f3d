// Cell values of an Excel workbook (SpreadsheetML, ECMA-376 Part 1 §18) as the text a CSV export would hold:
// which number formats are dates or times, date serials as ISO text, cell references, escaped strings.

/** What a number format shows a number as. */
export type NumberKind = 'number' | 'date' | 'time' | 'datetime';

/**
 * Built-in format ids (§18.8.30): 14-17 dates, 18-21 times, 22 date-time, 45-47 times (mm:ss, [h]:mm:ss,
 * mmss.0); 27-36 and 50-58 are the East Asian locales' date formats.
 */
export function builtinKind(id: number): NumberKind {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return 'date';
  if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return 'time';
  if (id === 22) return 'datetime';
  return 'number';
}

/**
 * Kind of a custom format code (`dd/mm/yyyy`, `[$-421]d mmmm yyyy;@`, `h:mm AM/PM`, `0.00`): its first section
 * with quoted text, escaped characters and bracketed parts (colours, locales, conditions) removed; then y or d
 * make it a date, h or s a time (an `m` alone is a month next to d/y, minutes next to h/s). Elapsed times
 * (`[h]:mm`) are times.
 */
export function formatKind(code: string): NumberKind {
  const first = code.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/)[0] ?? '';
  const elapsed = /\[(h+|m+|s+)\]/i.test(first);
  const bare = first
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/_.|\*./g, '')
    .toLowerCase();
  if (/^general$/.test(bare.trim())) return 'number';
  const date = /[yd]/.test(bare) || (/m/.test(bare) && !/[hs]/.test(bare) && !/[0#?]/.test(bare));
  const time = elapsed || /[hs]/.test(bare);
  if (date && time) return 'datetime';
  if (date) return 'date';
  if (time) return 'time';
  return 'number';
}

const DAY_MS = 86_400_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A date serial as ISO text: `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:MM:SS` when the format shows a time or the
 * value has one, `HH:MM:SS` for a time of day (a time format and a value under one day). Seconds are rounded to
 * the nearest (Excel stores times as fractions of a day). The 1900 system counts the fictitious 1900-02-29 (serial
 * 60, shown so, which the cleaner's date rule rejects as not a real date): serials 1-59 are one day later than
 * the 1899-12-30 epoch gives. The 1904 system (a workbook flag) starts at 1904-01-01 = 0. Null for a value that
 * is no date (negative, beyond year 9999): the caller keeps the number.
 */
export function serialToIso(serial: number, kind: Exclude<NumberKind, 'number'>, date1904 = false): string | null {
  if (!Number.isFinite(serial) || serial < 0 || serial >= 2_958_466) return null;
  const total = Math.round(serial * 86_400);
  const days = Math.floor(total / 86_400);
  const secs = total - days * 86_400;
  const hms = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor((secs % 3600) / 60))}:${pad2(secs % 60)}`;
  if (kind === 'time' && days === 0) return hms;
  let ymd: string;
  if (!date1904 && days === 60) ymd = '1900-02-29';
  else {
    const epoch = date1904 ? Date.UTC(1904, 0, 1) : days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
    if (!date1904 && days === 0) return kind === 'date' ? null : hms; // 1900-01-00: a time on its own
    const dt = new Date(epoch + days * DAY_MS);
    ymd = `${dt.getUTCFullYear()}-${pad2(dt.getUTCMonth() + 1)}-${pad2(dt.getUTCDate())}`;
  }
  return kind === 'date' && secs === 0 ? ymd : `${ymd}T${hms}`;
}

/** Zero-based column of a cell reference (`C7` -> 2, `AA1` -> 26); -1 when it has no column letters. */
export function columnOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower case
    if (c < 97 || c > 122) break;
    col = col * 26 + (c - 96);
  }
  return i === 0 ? -1 : col - 1;
}

const XSTRING_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;
/** SpreadsheetML escapes characters XML cannot carry as `_xHHHH_` (a CR in a cell is `_x000D_`, `_` before such a text `_x005F_`). */
export function unescapeXstring(s: string): string {
  return s.indexOf('_x') < 0 ? s : s.replace(XSTRING_ESCAPE, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The text of a number cell's `<v>`: as JavaScript writes the number (`4`, `4.5`, `1e-7`); the raw text if it is none. */
export function numberText(v: string): string {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? String(n) : v;
}
