// Bounded reading (issue 13): long fields read exactly and in linear work, lines and fields over the limits become
// LINE_TOO_LONG rows without losing the rows around them, memory stays flat on a huge line, chunking never
// changes anything, and the encoding is detected (Windows-1252) or flagged per row (BAD_ENCODING).
// No timed assertions: linearity is shown with the reader's work counter (bytes looked at).
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_LINE_BYTES, firstInvalidUtf8, RecordReader, SNIFF_BYTES, type RawRecord, type ReaderOptions,
} from '../../../../shared/survey/csv-records';
import { cleanDrop, defaultInstrument, DropRejectedError } from '../../../../shared/survey/index';
import { chunked, clean, MIN_HEADER, minimalCsv, minimalInstrument } from './helpers';

type Chunk = Buffer | string;

async function read(input: Iterable<Chunk> | AsyncIterable<Chunk> | Buffer | string, opts: ReaderOptions = {}, singleLine: number[] = []) {
  const r = new RecordReader(opts);
  r.onHeader = () => void (r.singleLineColumns = singleLine);
  const recs: RawRecord[] = [];
  for await (const b of r.batches(typeof input === 'string' ? Buffer.from(input) : input)) recs.push(...b);
  return { recs, info: r.info, work: r.work };
}

const ok = (id: string, branch = 'BR01', period = '2025-Q1', answers = '4,4,5,4,3,4,4,5') => `${id},${branch},${period},${answers}`;
const MIB = 1 << 20;

/** `bytes` of filler text in chunks of `chunk` bytes, each a new Buffer (a stream's way). */
function* filler(bytes: number, chunk = 1 << 16, text = 'Pelayanan cepat; petugas ramah, antrean "" pendek. '): Generator<Buffer> {
  const piece = Buffer.alloc(chunk, text);
  for (let left = bytes; left > 0; left -= chunk) yield Buffer.from(piece.subarray(0, Math.min(chunk, left)));
}

describe('long fields are read exactly, in linear work', () => {
  it('a 3 MB quoted field (delimiters, escaped quotes, line breaks inside) comes back exactly when the limits allow it', async () => {
    const field = 'komentar; "panjang", baris\r\nbaru. '.repeat(90_000); // 3.1 MB
    const text = `id;note;x\r\n1;"${field.replaceAll('"', '""')}";y\r\n2;ok;z\r\n`;
    const limits = { maxLineBytes: 8 * MIB, maxFieldBytes: 8 * MIB, maxRecordLines: 1_000_000 };
    const buf = Buffer.from(text);
    const { recs, info } = await read(chunked(buf, Array.from({ length: buf.length >> 16 }, (_, i) => (i + 1) << 16)), limits);
    expect(recs).toHaveLength(3);
    expect(recs[1]!.fields).toEqual(['1', field, 'y']);
    expect(recs[1]).toMatchObject({ line: 2, lines: 90_001 });
    expect(recs[1]!.issue).toBeUndefined();
    expect(recs[2]).toMatchObject({ line: 90_003, fields: ['2', 'ok', 'z'] });
    expect(info.lines).toBe(90_003);
  });

  it('an unquoted 5 MB field too', async () => {
    const field = 'x'.repeat(5 * MIB);
    const { recs } = await read(['id,a,b\n', `1,${field}`, ',2\n3,4,5\n'], { maxLineBytes: 6 * MIB, maxFieldBytes: 6 * MIB });
    expect(recs.map((r) => r.fields?.map((f) => f.length))).toEqual([[2, 1, 1], [1, 5 * MIB, 1], [1, 1, 1]]);
  });

  it('work stays proportional to the input for a 10 and a 20 MB field, read whole or skipped', async () => {
    const perByte = async (mb: number, opts: ReaderOptions) => {
      async function* input() {
        yield Buffer.from('id,note,x\n1,"');
        yield* filler(mb * MIB);
        yield Buffer.from('",y\n2,ok,z\n');
      }
      const { recs, info, work } = await read(input(), opts);
      expect(recs.map((r) => r.line)).toEqual([1, 2, 3]);
      return work / info.bytes;
    };
    const whole = { maxLineBytes: 32 * MIB, maxFieldBytes: 32 * MIB };
    // Read whole: the line-break search, the quote search and csv-parse each look at a byte about once.
    const w10 = await perByte(10, whole);
    const w20 = await perByte(20, whole);
    expect(w10).toBeLessThan(3.5);
    expect(w20).toBeLessThan(3.5);
    expect(Math.abs(w20 - w10)).toBeLessThan(0.05); // the same work per byte at twice the size: linear
    // Over the limit: after the first MiB only the line break is searched for.
    const s10 = await perByte(10, {});
    const s20 = await perByte(20, {});
    expect(s10).toBeLessThan(1.5);
    expect(s20).toBeLessThan(1.5);
  });

  it('work stays proportional in a file where every line opens a quote that never closes', async () => {
    const text = ['id,a', ...Array.from({ length: 20_000 }, (_, i) => `${i},"x`)].join('\n');
    const { recs, work, info } = await read(text, {}, [0, 1]);
    expect(recs.slice(1).every((r) => r.fields === null)).toBe(true);
    expect(work / info.bytes).toBeLessThan(4);
  });
});

describe('lines and fields over the limits', () => {
  it('a 3 MB line is one LINE_TOO_LONG row with its line number and start; the rows after it are read normally', async () => {
    const long = `${ok('c')},"${'x'.repeat(3 * MIB)}"`;
    const text = minimalCsv([`${ok('a')},`, `${ok('b')},`, long, `${ok('d')},`, `${ok('e')},`], `${MIN_HEADER},komentar`);
    const r = await clean(Buffer.from(text), { instrument: minimalInstrument });
    expect(r.clean.map((c) => [c.line, c.respondentId])).toEqual([[2, 'a'], [3, 'b'], [5, 'd'], [6, 'e']]);
    expect(r.rejects).toHaveLength(1);
    const rej = r.rejects[0]!;
    expect(rej).toMatchObject({ line: 4, lines: 1, respondentId: 'c', reasons: ['LINE_TOO_LONG'] });
    expect(rej.details[0]).toBe(`LINE_TOO_LONG the line is ${(long.length).toLocaleString('en')} bytes, over the limit of 1,048,576 bytes a line (its first 1,024 bytes kept)`);
    expect(rej.text).toBe(`${long.slice(0, 1024)}…[${(long.length - 1024).toLocaleString('en')} bytes cut]`);
    expect(r.manifest).toMatchObject({ inputRows: 5, cleanRows: 4, rejectedRows: 1, lines: 6 });
    expect(r.manifest.reasons.LINE_TOO_LONG).toBe(1);
  });

  it('a field over the field limit (64 KiB) in a line under the line limit: LINE_TOO_LONG naming the field, the field cut in the rejects', async () => {
    const comment = 'é'.repeat(40_000); // 80,000 bytes
    const text = minimalCsv([`${ok('a')},ok`, `${ok('b')},"${comment}"`, `${ok('c')},`], `${MIN_HEADER},komentar`);
    const r = await clean(Buffer.from(text), { instrument: minimalInstrument });
    expect(r.clean.map((c) => c.respondentId)).toEqual(['a', 'c']);
    const rej = r.rejects[0]!;
    expect(rej).toMatchObject({ line: 3, respondentId: 'b', reasons: ['LINE_TOO_LONG'] });
    expect(rej.details[0]).toMatch(/^LINE_TOO_LONG field 12 is 80,000 bytes, over the limit of 65,536 bytes a field/);
    expect(rej.fields.slice(0, 11)).toEqual(ok('b').split(','));
    expect(rej.fields[11]).toBe(`${'é'.repeat(512)}…[78,976 bytes cut]`);
    expect(Buffer.byteLength(rej.text)).toBeLessThan(1100);
  });

  it('counts bytes, not characters, and cuts the kept start at a character boundary', async () => {
    // 4 ASCII bytes then 3-byte characters: the 20 bytes kept end inside the sixth €, so 19 are kept.
    const { recs } = await read(`id,a\n1,a,${'€'.repeat(10)}\n2,b\n`, { maxLineBytes: 20 });
    expect(recs[1]).toMatchObject({ line: 2, text: `1,a,${'€'.repeat(5)}…[15 bytes cut]` });
    expect(recs[1]!.issue!.detail).toBe('the line is 34 bytes, over the limit of 20 bytes a line (its first 19 bytes kept)');
    const exact = await read(`id,a\r\n${'y'.repeat(20)}\r\n`, { maxLineBytes: 20 }); // the CR of CRLF does not count
    expect(exact.recs[1]!.issue).toBeUndefined();
    const over = await read(`id,a\n${'y'.repeat(21)}\n`, { maxLineBytes: 20 });
    expect(over.recs[1]!.issue?.code).toBe('LINE_TOO_LONG');
  });

  it('an over-long line ends at its first line break, inside quotes or not; the lines after it are read on their own', async () => {
    // Line 2 opens a quote and passes the limit before its line ends; the quoted text continues on line 3.
    const text = `id,note,x\n1,"${'w'.repeat(40)}\nrest of it",y\n2,ok,z\n`;
    const { recs, info } = await read(text, { maxLineBytes: 30 });
    expect(recs.map((r) => [r.line, r.lines, r.issue?.code ?? null, r.fields])).toEqual([
      [1, 1, null, ['id', 'note', 'x']],
      [2, 1, 'LINE_TOO_LONG', ['1', `"${'w'.repeat(27)}…[13 bytes cut]`]], // cells of the kept start
      [3, 1, null, ['rest of it"', 'y']], // read as a record of its own (BAD_FIELD_COUNT for the cleaner)
      [4, 1, null, ['2', 'ok', 'z']],
    ]);
    expect(info.lines).toBe(4);
  });

  it('a quoted span that passes the limit on a later line is broken quoting: its first line set aside, the others read again', async () => {
    const text = `id,note,x\n1,"short\n${'w'.repeat(40)}\n2,ok,z\n3,"fine",z\n`;
    const { recs } = await read(text, { maxLineBytes: 30 });
    expect(recs.map((r) => [r.line, r.fields === null ? 'BAD_QUOTING' : (r.issue?.code ?? r.fields.length)])).toEqual([
      [1, 3], [2, 'BAD_QUOTING'], [3, 'LINE_TOO_LONG'], [4, 3], [5, 3],
    ]);
  });

  it('a header line over the limit refuses the drop, naming the file and line 1, with a short message', async () => {
    const text = `${MIN_HEADER},${'k'.repeat(2 * MIB)}\n${ok('a')},x\n`;
    const err = await clean(Buffer.from(text), { instrument: minimalInstrument }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DropRejectedError);
    expect((err as DropRejectedError).code).toBe('HEADER_TOO_LONG');
    const msg = (err as Error).message;
    expect(msg).toMatch(/^test\.csv: line 1: the header line is too long: the line is 2,097,2\d\d bytes, over the limit of 1,048,576 bytes a line/);
    expect(Buffer.byteLength(msg)).toBeLessThanOrEqual(1024);
    // Leading blank lines: the header's own line number.
    const err2 = await clean(Buffer.from(`\n\n${text}`), { instrument: minimalInstrument }).catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/^test\.csv: line 3: /);
  });

  it('a header with a field over the field limit is refused the same way', async () => {
    const text = `${MIN_HEADER},"${'k'.repeat(70_000)}"\n${ok('a')},x\n`;
    const err = await clean(Buffer.from(text), { instrument: minimalInstrument }).catch((e: unknown) => e);
    expect((err as DropRejectedError).code).toBe('HEADER_TOO_LONG');
    expect((err as Error).message).toContain('field 12 is 70,000 bytes');
  });

  it('a 50 MB line streamed through the cleaner: rows conserved, heap growth under 20 MB', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    async function* input() {
      yield Buffer.from(`${MIN_HEADER},komentar\n${ok('a')},\n${ok('b')},"`);
      for (const b of filler(50 * MIB)) {
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        yield b;
      }
      yield Buffer.from(`"\n${ok('c')},\n`);
    }
    const r = await clean(input(), { instrument: minimalInstrument });
    gc();
    expect(r.manifest).toMatchObject({ inputRows: 3, cleanRows: 2, rejectedRows: 1 });
    expect(r.rejects[0]).toMatchObject({ line: 3, reasons: ['LINE_TOO_LONG'] });
    expect(r.clean.map((c) => c.line)).toEqual([2, 4]);
    // The old reader held the line as one string (100 MB of heap for 50 MB of text) before failing.
    expect(peak).toBeLessThan(20 * MIB);
  });

  it('refuses limits that are not whole numbers >= 1 and delimiters that are not one ASCII character', () => {
    expect(() => new RecordReader({ maxLineBytes: 0 })).toThrow(/maxLineBytes must be a whole number >= 1/);
    expect(() => new RecordReader({ maxFieldBytes: 1.5 })).toThrow(/maxFieldBytes/);
    expect(() => new RecordReader({ delimiter: '§' })).toThrow(/one ASCII character/);
    expect(() => new RecordReader({ delimiter: ';;' })).toThrow(/one ASCII character/);
    expect(DEFAULT_MAX_LINE_BYTES).toBe(MIB);
    expect(DEFAULT_MAX_FIELD_BYTES).toBe(64 * 1024);
  });
});

describe('chunking never changes anything, over-long lines included', () => {
  const token = fc.constantFrom('a', 'bc', 'é€', '"', '""', ',', ',', ' ', '\n', '\n', '\r\n', 'wwwwwwwwwwwwwwwwwwww', '"x,y"', '\n1,"ab\ncd",z\n');
  const drop = fc.record({
    lineBreak: fc.constantFrom('\n', '\r\n', '\r'),
    body: fc.array(token, { maxLength: 120 }),
    bom: fc.boolean(),
    opts: fc.record({ maxLineBytes: fc.integer({ min: 8, max: 60 }), maxFieldBytes: fc.integer({ min: 4, max: 60 }), maxRecordLines: fc.integer({ min: 1, max: 6 }) }),
    cuts: fc.array(fc.nat(400), { maxLength: 12 }),
  });

  it('whole input vs random splits (and one byte at a time): the same records, info and line coverage', async () => {
    const seen = { tooLongLine: 0, tooLongField: 0, badQuoting: 0, multiLine: 0 };
    await fc.assert(
      fc.asyncProperty(drop, async (d) => {
        const text = (d.bom ? '\uFEFF' : '') + `id,note,x${d.lineBreak}` + d.body.join('').replaceAll('\n', d.lineBreak === '\r' ? '\r' : '\n');
        const buf = Buffer.from(text);
        const whole = await read(buf, d.opts, [0]);
        const parts = await read(chunked(buf, d.cuts), d.opts, [0]);
        expect(parts.recs).toEqual(whole.recs);
        expect(parts.info).toEqual(whole.info);
        const bytes = await read(chunked(buf, Array.from({ length: buf.length }, (_, i) => i)), d.opts, [0]);
        expect(bytes.recs).toEqual(whole.recs);
        // Every line once (the reader also checks this itself), records in order, limits respected.
        let next = 1;
        for (const r of whole.recs) {
          if (r.issue?.detail.startsWith('the line')) seen.tooLongLine++;
          if (r.issue?.detail.startsWith('field')) seen.tooLongField++;
          if (r.fields === null) seen.badQuoting++;
          if (r.lines > 1) seen.multiLine++;
          expect(r.line).toBeGreaterThanOrEqual(next);
          next = r.line + r.lines;
          if (r.issue?.code === 'LINE_TOO_LONG') expect(Buffer.byteLength(r.text.replace(/…\[[\d,]+ bytes cut\]$/, ''))).toBeLessThanOrEqual(d.opts.maxLineBytes);
          else if (r.fields) {
            expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(d.opts.maxLineBytes + 1);
            for (const f of r.fields) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(d.opts.maxFieldBytes);
          }
        }
        expect(whole.recs.reduce((n, r) => n + r.lines, 0) + whole.info.blankLines).toBe(whole.info.lines);
      }),
      { seed: 13, numRuns: 300 },
    );
    // The runs met every case (counts over the 300 runs).
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(20);
  });
});

describe('encoding', () => {
  const cp1252 = (s: string) => Buffer.from(s, 'latin1'); // é (0xE9) and è (0xE8) are the same bytes in Windows-1252

  it('a Windows-1252 file: é and è stay distinct, so two respondents stay two rows; the manifest says so', async () => {
    const text = minimalCsv([ok('José'), ok('Josè'), ok('Renée')]);
    const r = await clean(cp1252(text), { instrument: minimalInstrument });
    expect(r.manifest.format.encoding).toBe('windows-1252');
    expect(r.clean.map((c) => c.respondentId)).toEqual(['José', 'Josè', 'Renée']);
    expect(r.rejects).toEqual([]);
    // The same bytes read as UTF-8 would have made both ids "Jos\uFFFD": a duplicate conflict.
  });

  it('Windows-1252 bytes 0x80-0x9F are its characters (€, curly quotes), not control characters', async () => {
    const { recs, info } = await read(Buffer.concat([Buffer.from('id;x\n1;'), Buffer.from([0x80, 0x93, 0x94]), Buffer.from('\n')]));
    expect(info.encoding).toBe('windows-1252');
    expect(recs[1]!.fields).toEqual(['1', '€“”']);
  });

  it('UTF-8 with or without BOM stays UTF-8, also when the 64 KiB window ends inside a character', async () => {
    const pad = 'x'.repeat(SNIFF_BYTES - 'id,a\n1,'.length - 1); // 'é' starts on the window's last byte
    const text = `id,a\n1,${pad}é\n`;
    const { recs, info } = await read(text, { maxLineBytes: 1 << 17, maxFieldBytes: 1 << 17 });
    expect(info.encoding).toBe('utf-8');
    expect(recs[1]!.fields![1]!.endsWith('é')).toBe(true);
    expect((await read('\uFEFFid;x\n1;é\n')).info).toMatchObject({ encoding: 'utf-8', bom: true });
  });

  it('an invalid UTF-8 byte after the first 64 KiB: that row is BAD_ENCODING, the others are clean', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ok(`r${i}`, 'BR01', '2025-Q1'));
    const head = Buffer.from(minimalCsv(rows));
    expect(head.length).toBeGreaterThan(SNIFF_BYTES);
    const bad = Buffer.concat([Buffer.from('Jos'), Buffer.from([0xe9]), Buffer.from(',BR01,2025-Q1,4,4,5,4,3,4,4,5\n')]);
    const input = Buffer.concat([head, bad, Buffer.from(`${ok('z')}\n`)]);
    const r = await clean(chunked(input, [1000, 70_000, 70_010]), { instrument: minimalInstrument });
    expect(r.manifest.format.encoding).toBe('utf-8');
    expect(r.manifest).toMatchObject({ inputRows: 2002, cleanRows: 2001, rejectedRows: 1 });
    const rej = r.rejects[0]!;
    expect(rej).toMatchObject({ line: 2002, reasons: ['BAD_ENCODING'], respondentId: 'Jos\uFFFD' });
    expect(rej.details[0]).toBe('BAD_ENCODING bytes that are not UTF-8 at byte 4 of the row (0xE9 0x2C 0x42); the file is read as UTF-8 because its first 65,536 bytes are valid UTF-8');
    expect(r.manifest.reasons.BAD_ENCODING).toBe(1);
  });

  it('flags bad bytes in a record spanning lines too, and says when a BOM decided the encoding', async () => {
    const input = Buffer.concat([Buffer.from('\uFEFFid,note,x\n1,"a\nb'), Buffer.from([0xff]), Buffer.from('",y\n2,c,d\n')]);
    const { recs } = await read(input, {}, [0, 2]);
    expect(recs[1]).toMatchObject({ line: 2, lines: 2, issue: { code: 'BAD_ENCODING' } });
    expect(recs[1]!.issue!.detail).toContain('byte-order mark');
    expect(recs[2]).toMatchObject({ line: 4, fields: ['2', 'c', 'd'] });
    expect(recs[2]!.issue).toBeUndefined();
  });

  it('firstInvalidUtf8 finds overlongs, surrogates, stray continuation bytes and cut sequences', () => {
    const at = (...b: number[]) => firstInvalidUtf8(Uint8Array.from(b));
    expect(at(0x61, 0xc3, 0xa9)).toBe(-1);
    expect(at(0xf0, 0x9f, 0x98, 0x80)).toBe(-1);
    expect(at(0x61, 0xc0, 0x80)).toBe(1); // overlong
    expect(at(0xe0, 0x80, 0x80)).toBe(0); // overlong
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // surrogate
    expect(at(0x61, 0x80)).toBe(1);
    expect(at(0x61, 0xe2, 0x82)).toBe(1); // cut short
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // over U+10FFFF
  });
});

describe('encoding choice: a stray byte in a UTF-8 file', () => {
  it('keeps the file UTF-8 (its é and ë intact) and rejects only the row with the bad byte as BAD_ENCODING', async () => {
    const header = 'respondent_id,branch_id,period,' + defaultInstrument.items.join(',') + '\n';
    const row = (id: string) => `${id},BR01,2025-Q1,` + defaultInstrument.itemScales.map((sc, i) => String(sc.min + (i % (sc.max - sc.min + 1)))).join(',') + '\n';
    // One 0xFF byte in the third row's id, within the first 64 KiB: before, the whole file was read as Windows-1252.
    const bytes = Buffer.concat([Buffer.from(header + row('José-1') + row('Zoë-2')), Buffer.from([0x52, 0x33, 0xff]), Buffer.from(row(''))]);
    const clean: string[] = [];
    const rejected: string[][] = [];
    const m = await cleanDrop(bytes, { instrument: defaultInstrument, source: 'stray.csv', onClean: (r) => void clean.push(r.respondentId), onReject: (r) => void rejected.push(r.reasons) });
    expect(m.format.encoding).toBe('utf-8');
    expect(clean).toEqual(['José-1', 'Zoë-2']);
    expect(rejected).toEqual([['BAD_ENCODING']]);
  });
});
