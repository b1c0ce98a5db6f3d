// What a drop is, from its first bytes (the key's extension is not trusted: an .xlsx renamed .csv is still a
// workbook, and a CSV saved as "Unicode text" by Excel is UTF-16 whatever it is called).

export type DropFormatName = 'csv' | 'xlsx' | 'sav';

export type Sniffed =
  | { format: 'xlsx' }
  | { format: 'sav'; compressed: boolean }
  /** A format we recognise but do not read (the refusal names it). */
  | { format: 'unsupported'; name: string }
  /** Text: `utf16` set when it is UTF-16 the CSV reader cannot take as is (big-endian, or without a BOM). */
  | { format: 'csv'; utf16?: { endian: 'le' | 'be'; bom: boolean } };

/** Bytes looked at to tell UTF-16 without a byte-order mark from 8-bit text. */
export const SNIFF_HEAD_BYTES = 1024;

/**
 * Format of a drop from its first bytes (at least SNIFF_HEAD_BYTES of them unless the drop is shorter):
 * `PK\x03\x04` a zip (an Excel workbook), `$FL2`/`$FL3` SPSS .sav, the OLE2 signature an old binary .xls (or an
 * encrypted workbook), else text. UTF-16 without a BOM is recognised by its NUL bytes: ASCII text (the header
 * and the digits of a survey) in UTF-16 has a NUL in every other byte, which 8-bit text never has.
 */
export function sniffFormat(head: Uint8Array): Sniffed {
  const b = head;
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return { format: 'xlsx' };
  if (b[0] === 0x24 && b[1] === 0x46 && b[2] === 0x4c && (b[3] === 0x32 || b[3] === 0x33)) return { format: 'sav', compressed: b[3] === 0x33 };
  if (b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0 && b[4] === 0xa1 && b[5] === 0xb1 && b[6] === 0x1a && b[7] === 0xe1) {
    return { format: 'unsupported', name: 'an Excel 97-2003 .xls workbook or a password-protected .xlsx (OLE2 compound file)' };
  }
  if (b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return { format: 'unsupported', name: 'a PDF document' };
  if (b[0] === 0xff && b[1] === 0xfe) return { format: 'csv' }; // UTF-16LE with BOM: the CSV reader takes it as is
  if (b[0] === 0xfe && b[1] === 0xff) return { format: 'csv', utf16: { endian: 'be', bom: true } };
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { format: 'csv' };
  const endian = utf16WithoutBom(b.subarray(0, SNIFF_HEAD_BYTES));
  return endian ? { format: 'csv', utf16: { endian, bom: false } } : { format: 'csv' };
}

/**
 * 'le' / 'be' when the bytes look like UTF-16 without a BOM: at least 4 code units, NULs in at least 40% of the
 * high bytes of the one order and in at most 5% of the other's (8-bit text has no NUL bytes at all).
 */
export function utf16WithoutBom(b: Uint8Array): 'le' | 'be' | null {
  const units = b.length >> 1;
  if (units < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < units * 2; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  if (oddNul >= 0.4 * units && evenNul <= 0.05 * units) return 'le';
  if (evenNul >= 0.4 * units && oddNul <= 0.05 * units) return 'be';
  return null;
}
