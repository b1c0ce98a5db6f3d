// Property-based tests (fast-check, fixed seeds): random and malformed drops never crash the cleaner, every row
// lands in exactly one of clean / rejected, the rows and blank lines cover every physical line exactly once, a
// rejected row's text is exactly its original lines, and chunking never changes anything.
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  CleanRowEncoder, cleanRowFields, csvLine, defaultInstrument, DropRejectedError, formatCleanHeader, formatCleanRow, formatRejectHeader,
  formatRejectRow, loadInstrument, unprotectCell, type CleanRow, type RejectedRow,
} from '../../../../shared/survey/index';
import { frameFromCleanCsv } from '../../../../shared/assess/frame';
import { chunked, clean, MIN_HEADER, minimalInstrument, type Cleaned } from './helpers';

const cell = fc.constantFrom('1', '2', '3', '4', '5', '0', '6', '9', '', ' 4 ', 'x', '"3"', '4.0');
const validish = fc.record({
  id: fc.constantFrom('a', 'b', 'c', ' a', '', 'long-id-0001'),
  branch: fc.constantFrom('BR01', 'br02', 'BR 3', '', 'BR01'),
  period: fc.constantFrom('2025-Q1', '2025Q2', '2025-Q5', '', 'q3 2024'),
  items: fc.array(cell, { minLength: 8, maxLength: 8 }),
}).map((r) => [r.id, r.branch, r.period, ...r.items]);
const nasty = fc.array(fc.constantFrom('a', '1', '5', ',', ';', '"', '""', ' ', '\r', 'é', '€', '\u0000', 'BR01', '2025-Q1', '\t'), { maxLength: 30 })
  .map((t) => t.join(''));
const line = fc.oneof({ weight: 3, arbitrary: validish.map((f) => ({ f })) }, { weight: 2, arbitrary: nasty.map((s) => ({ s })) }, { weight: 1, arbitrary: fc.constant({ s: '' }) });

const drop = fc.record({
  delimiter: fc.constantFrom(',', ';'),
  lineBreak: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  finalBreak: fc.boolean(),
  lines: fc.array(line, { maxLength: 40 }),
}).map((d) => {
  const body = d.lines.map((l) => ('f' in l ? l.f.join(d.delimiter) : l.s));
  const text = [MIN_HEADER.replaceAll(',', d.delimiter), ...body].join(d.lineBreak) + (d.finalBreak ? d.lineBreak : '');
  return (d.bom ? '\uFEFF' : '') + text;
});

/** The physical lines of a decoded text as the reader counts them (LF breaks; a final CR is part of the break). */
function physicalLines(text: string): string[] {
  const t = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (t === '') return [];
  const lines = t.split('\n');
  if (t.endsWith('\n')) lines.pop();
  return lines;
}

function checkInvariants(text: string, r: Cleaned): void {
  const m = r.manifest;
  expect(m.inputRows).toBe(r.clean.length + r.rejects.length);
  expect(m.cleanRows).toBe(r.clean.length);
  expect(m.rejectedRows).toBe(r.rejects.length);
  const lines = physicalLines(text);
  expect(m.lines).toBe(lines.length);
  // Rows in line order cover disjoint line ranges after the header; with the blank lines, every line once.
  const spans = [...r.clean, ...r.rejects].map((x) => ({ line: x.line, lines: x.lines }));
  spans.sort((a, b) => a.line - b.line);
  let covered = 0;
  let prevEnd = m.header.line;
  for (const s of spans) {
    expect(s.line).toBeGreaterThan(prevEnd);
    prevEnd = s.line + s.lines - 1;
    covered += s.lines;
  }
  expect(prevEnd).toBeLessThanOrEqual(m.lines);
  expect(covered + m.blankLines + 1).toBe(m.lines);
  // A rejected row keeps exactly its original text.
  for (const rej of r.rejects) {
    const original = lines.slice(rej.line - 1, rej.line - 1 + rej.lines).join('\n').replace(/\r$/, '');
    expect(rej.text).toBe(original);
  }
  for (const c of r.clean) {
    expect(c.period).toMatch(/^\d{4}-Q[1-4]$/);
    expect(c.respondentId).not.toBe('');
    for (const v of c.items) expect(Number.isNaN(v) || (Number.isInteger(v) && v >= 1 && v <= 5)).toBe(true);
  }
}

describe('cleaning properties', () => {
  it('random and malformed rows: no crash, rows conserved, every line accounted for, originals kept', async () => {
    await fc.assert(
      fc.asyncProperty(drop, async (text) => {
        const r = await clean(text, { instrument: minimalInstrument });
        checkInvariants(text, r);
      }),
      { numRuns: 400, seed: 20251121 },
    );
  });

  it('chunking the bytes anywhere gives the same result', async () => {
    await fc.assert(
      fc.asyncProperty(drop, fc.array(fc.nat({ max: 4000 }), { maxLength: 12 }), fc.constantFrom(2, 3, 50), async (text, cuts, maxRecordLines) => {
        const buf = Buffer.from(text);
        const whole = await clean(buf, { instrument: minimalInstrument, reader: { maxRecordLines } });
        const parts = await clean(chunked(buf, cuts), { instrument: minimalInstrument, reader: { maxRecordLines } });
        checkInvariants(text, parts);
        expect(parts.manifest).toEqual(whole.manifest);
        expect(parts.clean).toEqual(whole.clean);
        expect(parts.rejects).toEqual(whole.rejects);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('arbitrary bytes: either a manifest that conserves rows or a clear refusal of the drop', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u)), fc.string({ maxLength: 300, unit: 'binary' }).map((s) => Buffer.from(s))), async (buf) => {
        try {
          const r = await clean(buf, { instrument: minimalInstrument });
          expect(r.manifest.inputRows).toBe(r.clean.length + r.rejects.length);
        } catch (e) {
          expect(e).toBeInstanceOf(DropRejectedError);
        }
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it('a header followed by arbitrary text never crashes (default instrument)', async () => {
    const header = ['respondent_id', 'branch_id', 'period', ...defaultInstrument.items].join(';');
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400, unit: 'grapheme' }), async (body) => {
        const r = await clean(`${header}\r\n${body}`);
        expect(r.manifest.inputRows).toBe(r.clean.length + r.rejects.length);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

// Real exports (issue 9): answer labels, office names, date-times in several zones, extra header rows, free text.
const labelled = loadInstrument({
  id: 'labelled', idColumn: 'kpj', branchColumn: 'Kantor Cabang', dateColumn: 'Timestamp', dateTimezone: 'UTC', missingCodes: [''],
  scale: { min: 1, max: 5, labels: { 'Sangat Tidak Setuju': 1, 'Tidak Setuju': 2, Netral: 3, Setuju: 4, 'Sangat Setuju': 5 } },
  itemScales: { A4: { min: 1, max: 4, labels: { 'Sangat mahal': 1, 'Cukup mahal': 2, Murah: 3, Gratis: 4 } } },
  constructs: { A: ['A1', 'A2', 'A3'] }, standaloneItems: ['A4'], textColumns: ['Saran'],
  branches: [
    { id: 'BR07', name: 'Langsa', aliases: ['Kantor Cabang Langsa'] },
    { id: 'MKS', name: 'Makassar', timezone: 'Asia/Makassar' },
    { id: 'JAP', name: 'Jayapura', timezone: 'Asia/Jayapura' },
  ],
}, 'labelled.json');
const LABELLED_HEADER = 'kpj,grp_a/Kantor Cabang,Timestamp,A1,A2,grp_b/A3,A4,Saran';
const labelCell = fc.constantFrom('Setuju', 'sangat  SETUJU', 'Nétral', 'tidak setuju', 'Agak setuju', '3', '6', '', ' 4 ', 'Sangat Tidak Setuju', 'Gratis', 'murah', 'é', '4,0');
const stampCell = fc.constantFrom(
  '31/03/2024 23:59:59', '1/4/2024 0:00:01', '2024-03-31T20:00:00', '2024-03-31T17:00:00+07:00', '45382.99', '45383', '2024-02-30 10:00',
  '31/03/2024 25:00:00', '', 'kemarin', '2024-06-30T23:59:59Z', '2024-12-31 23:00', '2024-03-31T20:00:00.123456+0530',
);
const officeCell = fc.constantFrom('BR07', 'br07', 'Kantor Cabang Langsa', ' kantor  CABANG langsa', 'Makassar', 'JAYAPURA', 'Sabang', '', 'BR 07', '..', 'Mákassar');
const freeText = fc.oneof(fc.string({ maxLength: 60, unit: 'grapheme' }), fc.constantFrom(...['=1+1', '@SUM(A1)', 'a\nb', '"quoted"', 'x'.repeat(2100)]));
const quoted = (t: string) => `"${t.replace(/"/g, '""')}"`;
const labelledRow = fc.record({
  id: fc.constantFrom('1', '2', '3', 'k-9', ''), office: officeCell, stamp: stampCell, items: fc.array(labelCell, { minLength: 4, maxLength: 4 }), text: freeText,
}).map((r) => [r.id, quoted(r.office), r.stamp, ...r.items.map(quoted), quoted(r.text)].join(','));
const labelledDrop = fc.record({
  headerRows: fc.integer({ min: 1, max: 3 }),
  rows: fc.array(fc.oneof({ weight: 4, arbitrary: labelledRow }, { weight: 1, arbitrary: nasty }), { maxLength: 30 }),
  lineBreak: fc.constantFrom('\n', '\r\n'),
});

describe('cleaning properties: labels, office names, time zones, header rows, free text', () => {
  it('no crash, rows conserved, every line accounted for, clean rows canonical, clean.csv exact', async () => {
    await fc.assert(
      fc.asyncProperty(labelledDrop, async (d) => {
        const extra = Array.from({ length: d.headerRows - 1 }, (_, k) => `question ${k},texts,here`);
        const text = [LABELLED_HEADER, ...extra, ...d.rows].join(d.lineBreak) + d.lineBreak;
        const inst = d.headerRows === 1 ? labelled : loadInstrument({ ...labelled.spec, headerRows: d.headerRows }, 'labelled.json');
        const r = await clean(text, { instrument: inst });
        const m = r.manifest;
        expect(m.inputRows).toBe(r.clean.length + r.rejects.length);
        expect(m.header.extraRows).toBe(d.headerRows - 1);
        const spans = [...r.clean, ...r.rejects].reduce((a, x) => a + x.lines, 0);
        expect(spans + m.blankLines + 1 + m.header.extraRows).toBe(physicalLines(text).length);
        for (const c of r.clean) {
          expect(c.period).toMatch(/^2024-Q[1-4]$|^2025-Q1$/);
          expect(['BR07', 'MKS', 'JAP']).toContain(c.branch);
          c.items.forEach((v, i) => expect(Number.isNaN(v) || (v >= 1 && v <= (i === 3 ? 4 : 5))).toBe(true));
          expect(c.texts![0]!.length).toBeLessThanOrEqual(2000);
        }
        // Label counts add up to the labelled answers of the clean rows.
        for (const [i, it] of inst.items.entries()) {
          const lab = m.mapping.labels[it]!;
          const answered = r.clean.filter((c) => !Number.isNaN(c.items[i])).length;
          expect(Object.values(lab.labels).reduce((a, b) => a + b.count, 0) + lab.codes).toBe(answered);
        }
        // clean.csv: the encoder writes formatCleanRow's bytes, and the free text comes back exactly.
        const csvText = formatCleanHeader(inst) + r.clean.map((c) => formatCleanRow(inst, c)).join('');
        const enc = new CleanRowEncoder(inst);
        for (const c of r.clean) enc.push(c);
        expect(enc.take().toString('utf8')).toBe(csvText);
        const back = parse(csvText) as string[][];
        const tj = back[0]!.indexOf('Saran');
        expect(back.slice(1).map((x) => unprotectCell(x[tj]!))).toEqual(r.clean.map((c) => c.texts![0]));
        for (const x of back.slice(1)) expect(/^[=+\-@\t\r]/.test(x[tj]!)).toBe(false);
      }),
      { numRuns: 300, seed: 20260901 },
    );
  });
});

// Texts that a spreadsheet would run, or that test the protection's reversibility and the quoting.
const FORMULA_CELLS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1)', '-2+3', '\t=1', '\r=1', "'", "'=1", "''", ' =1', '=', ''];
const formulaish = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(...FORMULA_CELLS),
  fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '"', ','), fc.string({ unit: 'grapheme' })).map(([a, b]) => a + b),
);
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

describe('CSV writing', () => {
  it('csvLine round-trips through csv-parse and unprotectCell; no cell reaches a spreadsheet as a formula', () => {
    fc.assert(
      fc.property(fc.array(formulaish, { minLength: 2, maxLength: 6 }), (fields) => {
        const back = parse(csvLine(fields), { relax_column_count: false }) as string[][];
        expect(back.map((r) => r.map(unprotectCell))).toEqual([fields]);
        for (const cell of back[0]!) expect(TRIGGERS.has(cell.charAt(0)), cell).toBe(false);
      }),
      { numRuns: 500, seed: 11 },
    );
  });
  it('rejects.csv rows: every text cell protected, the original fields and raw_text come back exactly', () => {
    const rej = fc.record({
      line: fc.nat(),
      lines: fc.constant(1),
      respondentId: formulaish,
      branch: fc.constant(null),
      period: fc.constant(null),
      reasons: fc.constant<RejectedRow['reasons']>(['BAD_BRANCH']),
      details: fc.array(formulaish, { maxLength: 2 }),
      fields: fc.array(formulaish, { minLength: 3, maxLength: 3 }),
      text: formulaish,
    });
    fc.assert(
      fc.property(fc.array(formulaish, { minLength: 3, maxLength: 3 }), fc.array(rej, { minLength: 1, maxLength: 4 }), (header, rows: RejectedRow[]) => {
        const text = formatRejectHeader(header) + rows.map((r) => formatRejectRow(r, 3)).join('');
        const back = parse(text, { relax_column_count: false }) as string[][];
        for (const rec of back) for (const cell of rec) expect(TRIGGERS.has(cell.charAt(0)), cell).toBe(false);
        const un = back.map((r) => r.map(unprotectCell));
        expect(un[0]).toEqual(['line', 'respondent_id', 'reasons', ...header, 'detail', 'raw_text']);
        rows.forEach((r, i) => expect(un[i + 1]).toEqual([String(r.line), r.respondentId, 'BAD_BRANCH', ...r.fields, r.details.join(' | '), r.text]));
      }),
      { numRuns: 300, seed: 13 },
    );
  });
  it('respondent ids and categories written to clean.csv come back exactly through the assess loader', () => {
    const ins = defaultInstrument;
    fc.assert(
      fc.property(fc.uniqueArray(formulaish.map((s) => s.trim()).filter((s) => s !== ''), { minLength: 1, maxLength: 8 }), (ids) => {
        const rows: CleanRow[] = ids.map((id, i) => ({
          line: i + 2, lines: 1, respondentId: id, branch: 'BR01', period: '2025-Q1', date: null,
          categories: ins.categories.map((_, k) => (k === 0 ? `-${id}` : null)), items: ins.items.map(() => 3), answerHash: '0123456789abcdef',
        }));
        const text = formatCleanHeader(ins) + rows.map((r) => formatCleanRow(ins, r)).join('');
        const frame = frameFromCleanCsv([{ text, source: 'p.csv' }], ins);
        expect(frame.respondentIds).toEqual(ids);
        expect(frame.categories[ins.categories[0]!.name]).toEqual(ids.map((id) => `-${id}`));
      }),
      { numRuns: 200, seed: 17 },
    );
  });
  it('formatCleanRow is csvLine of cleanRowFields, and CleanRowEncoder writes the same bytes', () => {
    const row = fc.record({
      line: fc.nat(),
      lines: fc.constant(1),
      respondentId: fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ maxLength: 70 }), fc.constantFrom('R1', 'a,b', 'x"y', ...FORMULA_CELLS), formulaish),
      branch: fc.constantFrom('BR01', 'X'),
      period: fc.constant('2025-Q1'),
      date: fc.option(fc.constant('2025-01-02'), { nil: null }),
      categories: fc.array(fc.option(fc.constantFrom('JHT', 'a,b', 'q"', 'é', '41–50', 'x'.repeat(40), '-', '=1', "'x", ' x'), { nil: null }), { minLength: 5, maxLength: 5 }),
      items: fc.array(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(NaN), fc.integer({ min: -500, max: 500 })), { minLength: 40, maxLength: 40 }),
      answerHash: fc.constant('0123456789abcdef'),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows: CleanRow[]) => {
        const enc = new CleanRowEncoder(defaultInstrument);
        for (const r of rows) {
          expect(formatCleanRow(defaultInstrument, r)).toBe(csvLine(cleanRowFields(defaultInstrument, r)));
          enc.push(r);
        }
        expect(enc.take().toString('utf8')).toBe(formatCleanHeader(defaultInstrument) + rows.map((r) => formatCleanRow(defaultInstrument, r)).join(''));
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});
