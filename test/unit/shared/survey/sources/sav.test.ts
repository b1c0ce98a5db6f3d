// The .sav reader (shared/survey/sources/sav.ts) against files written by R haven (ReadStat; values confirmed by
// haven::read_sav, written as the CSV beside each fixture by test/fixtures/sav/make.R) and against files of our
// own writer (shared/survey/simulate/sav.ts; haven reads those back too, checked by hand when it was written).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../../../../shared/survey/csv-records';
import { writeSav, type SavCell, type SavColumn, type SavWriteOptions } from '../../../../../shared/survey/simulate/sav';
import { looksLikeSav, savHeader, savRecords, SavError, type SavHeader } from '../../../../../shared/survey/sources/sav';

const FIX = join(__dirname, '../../../../fixtures/sav');

async function readAll(input: Buffer | AsyncIterable<Uint8Array>, opts = {}): Promise<{ info: SavHeader; recs: RawRecord[] }> {
  const { header, records } = savRecords(input, opts);
  const recs: RawRecord[] = [];
  for await (const r of records) recs.push(r);
  return { info: await header, recs };
}

async function* chunks(b: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let o = 0;
  for (let k = 0; o < b.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    yield b.subarray(o, o + n);
    o += n;
  }
}

/** Same cell: equal text, or both numbers that are the same double (R writes %.17g, we the shortest text). */
function sameCell(got: string, want: string): boolean {
  if (got === want) return true;
  return got !== '' && want !== '' && Number.isFinite(Number(got)) && Number(got) === Number(want);
}

describe('R haven fixtures', () => {
  for (const name of ['survey-none', 'survey-byte', 'survey-zsav', 'wide-byte', 'wide-zsav']) {
    it(`${name}.sav reads back to the values haven reads`, async () => {
      const bytes = readFileSync(join(FIX, `${name}.sav`));
      const want = parse(readFileSync(join(FIX, `${name}.csv`)), { bom: true }) as string[][];
      const { info, recs } = await readAll(bytes);
      expect(recs.length).toBe(want.length);
      expect(recs[0]!.fields).toEqual(want[0]);
      expect(info.names).toEqual(want[0]);
      expect(info.cases).toBe(want.length - 1);
      recs.forEach((r, k) => {
        expect(r.line).toBe(k + 1);
        expect(r.lines).toBe(1);
        expect(r.issue).toBeUndefined();
        const bad = r.fields!.map((f, j) => (sameCell(f, want[k]![j]!) ? null : `${want[0]![j]}: ${JSON.stringify(f)} vs ${JSON.stringify(want[k]![j])}`)).filter(Boolean);
        expect(bad, `line ${r.line}`).toEqual([]);
        // text is the cells as a CSV line (formula triggers protected)
        const back = (parse(r.text) as string[][])[0]!.map((c) => (c.startsWith("'") ? c.slice(1) : c));
        expect(back).toEqual(r.fields);
      });
      // the same bytes in small and odd chunks read the same
      const streamed = await readAll(chunks(bytes, [1, 7, 13, 4096, 3]));
      expect(streamed.recs).toEqual(recs);
    });
  }

  it('exposes variable labels, value labels, missing values, formats and the encoding', async () => {
    const { info, recs } = await readAll(readFileSync(join(FIX, 'survey-byte.sav')));
    expect(info.names).toEqual(['kpj', 'cabang', 'CRM1', 'CRM2', 'Kepuasan_Keseluruhan_Nasabah', 'gender', 'saran', 'tanggal', 'Timestamp']);
    expect(info.labels[2]).toBe('1. Petugas BPJS Ketenagakerjaan rutin memberi informasi terbaru kepada saya');
    expect(info.labels[4]).toBe('Overall satisfaction (a long variable name)');
    expect(info.labels[0]).toBeNull();
    const likert = { '1': 'Sangat Tidak Setuju', '2': 'Tidak Setuju', '3': 'Netral', '4': 'Setuju', '5': 'Sangat Setuju' };
    expect(info.valueLabels).toEqual({ CRM1: likert, CRM2: { ...likert, '99': 'Tidak menjawab' }, gender: { L: 'Laki-laki', P: 'Perempuan' } });
    expect(info.missing).toEqual({ CRM2: { values: ['99'] } });
    expect(info.kinds).toEqual(['string', 'string', 'number', 'number', 'number', 'string', 'string', 'date', 'datetime']);
    expect(info.formats[6]).toBe('A340');
    expect(info).toMatchObject({ encoding: 'utf-8', compression: 'bytecode', byteOrder: 'little', cases: 7 });
    // codes are kept (labels are in the header info), SYSMIS and user-missing 99 are ''
    expect(recs[1]!.fields!.slice(2, 4)).toEqual(['1', '5']);
    expect(recs[2]!.fields![3]).toBe('');
    expect(recs[6]!.fields![2]).toBe('');
    expect(recs[4]!.fields![6]).toHaveLength(340);
    expect(recs[6]!.fields![6]).toBe('é – ✓ ünïcödé');
    // userMissing 'keep' gives the code
    const kept = await readAll(readFileSync(join(FIX, 'survey-none.sav')), { userMissing: 'keep' });
    expect(kept.recs[2]!.fields![3]).toBe('99');
    expect(await savHeader(readFileSync(join(FIX, 'survey-zsav.sav')))).toMatchObject({ compression: 'zlib', names: info.names });
  });

  it('recognises the magic bytes', () => {
    expect(looksLikeSav(readFileSync(join(FIX, 'survey-none.sav')))).toBe(true);
    expect(looksLikeSav(readFileSync(join(FIX, 'survey-zsav.sav')))).toBe(true);
    expect(looksLikeSav(Buffer.from('kpj,CRM1\n'))).toBe(false);
  });
});

const COLS: SavColumn[] = [
  { name: 'kpj', type: 'string' },
  { name: 'CRM1', type: 'number', label: 'Petugas rutin memberi informasi', valueLabels: [[1, 'Sangat Tidak Setuju'], [5, 'Sangat Setuju']], missing: [99] },
  { name: 'Kepuasan_Keseluruhan', type: 'number' },
  { name: 'saran panjang', type: 'string', width: 600 },
  { name: 'tgl', type: 'date' },
  { name: 'ts', type: 'datetime' },
  { name: 'g', type: 'string', valueLabels: [['L', 'Laki-laki']] },
];
const LONG = 'é'.repeat(130) + 'x'.repeat(200);
const ROWS: SavCell[][] = [
  ['A1', 1, 1.5, LONG, '2024-03-31', '2024-03-31T20:00:00', 'L'],
  ['A2', 99, null, '', null, null, 'P'],
  ['A3', 1000.25, -7, 'pendek', '1999-01-01', '2000-02-29T23:59:59', ''],
];

describe('files of our writer', () => {
  for (const compression of ['none', 'bytecode', 'zlib'] as const) {
    for (const byteOrder of ['little', 'big'] as const) {
      it(`${compression}, ${byteOrder}-endian`, async () => {
        const bytes = writeSav(COLS, ROWS, { compression, byteOrder, zlibBlockSize: 64 });
        const { info, recs } = await readAll(chunks(bytes, [5, 64, 1]));
        expect(info).toMatchObject({ byteOrder, compression: compression === 'none' ? 'none' : compression === 'bytecode' ? 'bytecode' : 'zlib' });
        expect(info.names).toEqual(COLS.map((c) => c.name));
        expect(info.labels[1]).toBe('Petugas rutin memberi informasi');
        expect(info.valueLabels).toEqual({ CRM1: { '1': 'Sangat Tidak Setuju', '5': 'Sangat Setuju' }, g: { L: 'Laki-laki' } });
        expect(info.formats[3]).toBe('A600');
        expect(recs.map((r) => r.fields)).toEqual([
          COLS.map((c) => c.name),
          ['A1', '1', '1.5', LONG, '2024-03-31', '2024-03-31T20:00:00', 'L'],
          ['A2', '', '', '', '', '', 'P'],
          ['A3', '1000.25', '-7', 'pendek', '1999-01-01', '2000-02-29T23:59:59', ''],
        ]);
      });
    }
  }

  it('a file without a case count, in windows-1252, with documents', async () => {
    const bytes = writeSav([{ name: 'saran', type: 'string', label: 'Café €' }], [['crème brûlée – €5'], ['x']], {
      encoding: 'windows-1252', unknownCaseCount: true, compression: 'bytecode', documents: ['made by a test'],
    });
    const { info, recs } = await readAll(bytes);
    expect(info).toMatchObject({ encoding: 'windows-1252', cases: null, labels: ['Café €'], documents: ['made by a test'] });
    expect(recs.map((r) => r.fields)).toEqual([['saran'], ['crème brûlée – €5'], ['x']]);
  });

  it('an over-long string gives LINE_TOO_LONG with its line kept', async () => {
    const { recs } = await readAll(writeSav(COLS, ROWS), { maxFieldBytes: 100 });
    expect(recs[1]!.issue?.code).toBe('LINE_TOO_LONG');
    expect(recs[1]!.issue?.detail).toMatch(/column 4 \(saran panjang\) is 460 bytes/);
    expect(recs[1]!.line).toBe(2);
    expect(recs[2]!.issue).toBeUndefined();
  });

  it('refuses what is not a .sav file, naming the offset', async () => {
    await expect(readAll(Buffer.from('kpj,CRM1\n1,2\n'.repeat(20)))).rejects.toThrow(/not an SPSS system file/);
    const bytes = writeSav(COLS, ROWS);
    const bad = Buffer.from(bytes);
    bad.writeInt32LE(77, 176); // the first record type
    await expect(readAll(bad)).rejects.toThrow(/unknown record type 77 at byte offset 176/);
  });
});

// Random tables: any column mix, values and compression read back identically; any truncation throws a SavError
// naming a byte offset, or (ZSAV cut inside its trailer, which holds no data) gives every row.
const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', '✓', ',', '"', '=', '\n', '0'), maxLength: 40 });
const numberCell = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -200, max: 300 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => x !== -Number.MAX_VALUE),
);
const table = fc
  .array(fc.record({ type: fc.constantFrom('number', 'string', 'longstring', 'date') }), { minLength: 1, maxLength: 8 })
  .chain((kinds) =>
    fc.record({
      kinds: fc.constant(kinds),
      rows: fc.array(
        fc.tuple(
          ...kinds.map((k) =>
            k.type === 'number' ? numberCell
            : k.type === 'date' ? fc.option(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)))
            : k.type === 'longstring' ? fc.tuple(text, fc.integer({ min: 0, max: 400 })).map(([s, n]) => s + 'q'.repeat(n))
            : text,
          ),
        ),
        { maxLength: 30 },
      ),
      compression: fc.constantFrom('none', 'bytecode', 'zlib') as fc.Arbitrary<SavWriteOptions['compression']>,
      byteOrder: fc.constantFrom('little', 'big') as fc.Arbitrary<SavWriteOptions['byteOrder']>,
      chunk: fc.integer({ min: 1, max: 300 }),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  );

function expectedCell(type: string, v: SavCell): string {
  if (v === null || v === undefined) return '';
  if (type === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (type === 'date') return String(v);
  return String(v).replace(/ +$/, '');
}

describe('property: random tables', () => {
  it('read back identically, in any chunking; truncation throws with an offset', async () => {
    await fc.assert(
      fc.asyncProperty(table, async ({ kinds, rows, compression, byteOrder, chunk, cut }) => {
        const cols: SavColumn[] = kinds.map((k, j) =>
          k.type === 'longstring' ? { name: `long_name_${j}`, type: 'string', width: 800 } : { name: `c${j}`, type: k.type as SavColumn['type'] },
        );
        const data = rows as SavCell[][];
        const bytes = writeSav(cols, data, { compression, byteOrder, zlibBlockSize: 200 });
        const { recs } = await readAll(chunks(bytes, [chunk]));
        expect(recs.length).toBe(data.length + 1);
        expect(recs[0]!.fields).toEqual(cols.map((c) => c.name));
        data.forEach((r, i) => {
          expect(recs[i + 1]!.line).toBe(i + 2);
          expect(recs[i + 1]!.fields).toEqual(r.map((v, j) => expectedCell(kinds[j]!.type, v)));
        });
        const n = Math.floor(cut * bytes.length);
        try {
          const part = await readAll(chunks(bytes.subarray(0, n), [chunk]));
          expect(compression).toBe('zlib');
          expect(part.recs.length).toBe(data.length + 1);
        } catch (e) {
          expect(e).toBeInstanceOf(SavError);
          expect((e as Error).message).toMatch(/byte/);
          expect((e as SavError).offset).toBeLessThanOrEqual(n);
        }
      }),
      { numRuns: 300, seed: 9 },
    );
  });
});
