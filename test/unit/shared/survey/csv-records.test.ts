import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RecordReader, sniffDelimiter, type RawRecord } from '../../../../shared/survey/csv-records';
import { chunked } from './helpers';

async function read(input: string | Buffer | Buffer[], opts = {}, singleLine: number[] = []) {
  const r = new RecordReader(opts);
  r.onHeader = () => void (r.singleLineColumns = singleLine);
  const recs: RawRecord[] = [];
  for await (const b of r.batches(typeof input === 'string' ? Buffer.from(input) : input)) recs.push(...b);
  return { recs, info: r.info, short: recs.map((x) => [x.line, x.lines, x.fields === null ? null : x.fields.length]) };
}

describe('RecordReader', () => {
  it('sniffs the delimiter from the header line', () => {
    expect(sniffDelimiter('a;b;c')).toBe(';');
    expect(sniffDelimiter('a,b;c,d')).toBe(',');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('"x;y",b,c')).toBe(',');
    expect(sniffDelimiter('alone')).toBe(',');
  });
  it('numbers physical lines from 1, skipping blank ones, and hashes the bytes', async () => {
    const text = '\n\na;b\r\n1;2\r\n\r\n3;4';
    const { recs, info } = await read(text);
    expect(recs.map((r) => [r.line, r.text])).toEqual([[3, 'a;b'], [4, '1;2'], [6, '3;4']]);
    expect(info).toMatchObject({ lines: 6, blankLines: 3, delimiter: ';', lineBreak: 'CRLF' }); // the header line's break
    expect(info.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });
  it('reads CRLF, LF and old-Mac CR files alike', async () => {
    for (const [nl, kind] of [['\r\n', 'CRLF'], ['\n', 'LF'], ['\r', 'CR']] as const) {
      const { recs, info } = await read(['a,b', '1,2', '3,4'].join(nl) + nl);
      expect(recs.map((r) => r.fields), kind).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
      expect(info.lineBreak).toBe(kind);
      expect(info.lines).toBe(3);
    }
  });
  it('strips a UTF-8 BOM and decodes UTF-16LE with its BOM', async () => {
    const utf8 = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id;naïve\r\n1;é\r\n')]));
    expect(utf8.recs.map((r) => r.fields)).toEqual([['id', 'naïve'], ['1', 'é']]);
    expect(utf8.info).toMatchObject({ bom: true, encoding: 'utf-8' });
    const utf16 = await read(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id;x\r\n1;é\r\n', 'utf16le')]));
    expect(utf16.recs.map((r) => r.fields)).toEqual([['id', 'x'], ['1', 'é']]);
    expect(utf16.info.encoding).toBe('utf-16le');
  });
  it('gives the same records however the bytes are chunked (multi-byte characters and CRLF split)', async () => {
    const buf = Buffer.from('\uFEFFid;note\r\n1;"a\r\nb"\r\n2;é€\r\n3;"x""y"\r\n4;"open\r\n5;z\r\n');
    const whole = await read(buf);
    for (let size = 1; size <= 9; size++) {
      const cuts = Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => i * size);
      const parts = await read(chunked(buf, cuts));
      expect(parts.recs, `chunks of ${size}`).toEqual(whole.recs);
    }
  });
  it('keeps a legitimate quoted line break in a free-text column', async () => {
    const { short, recs } = await read('id,note,x\n1,"two\nlines",y\n2,b,c\n', {}, [0, 2]);
    expect(short).toEqual([[1, 1, 3], [2, 2, 3], [4, 1, 3]]);
    expect(recs[1]!.text).toBe('1,"two\nlines",y');
  });
  it('sets aside the line of a quote that swallows the next lines, and reads those lines again', async () => {
    // Line 2 opens a quote; line 4 has a quoted field whose opening quote closes line 2's span.
    const text = 'id,a,b\n1,"x,y\n2,p,q\n3,"r,s",t\n4,u,v\n';
    const { short, recs } = await read(text, {}, [0, 1, 2]);
    expect(short).toEqual([[1, 1, 3], [2, 1, null], [3, 1, 3], [4, 1, 3], [5, 1, 3]]);
    expect(recs[1]!.text).toBe('1,"x,y');
    expect(recs[3]!.fields).toEqual(['3', 'r,s', 't']);
  });
  it('gives up on a quote left open for more than maxRecordLines lines, without losing the lines after it', async () => {
    const lines = ['id,a', '1,"open', ...Array.from({ length: 30 }, (_, i) => `${i + 2},ok`)];
    const { recs, info } = await read(lines.join('\n') + '\n', { maxRecordLines: 5 });
    expect(recs[1]).toMatchObject({ line: 2, fields: null, text: '1,"open' });
    expect(recs.slice(2).map((r) => r.fields![0])).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 2)));
    expect(info.lines).toBe(32);
  });
  it('sets aside every line of a file where every line is broken (read line by line past 16 per chunk)', async () => {
    const lines = ['id,a', ...Array.from({ length: 2000 }, (_, i) => `${i},"x`)];
    const { recs, info } = await read(lines.join('\n'), {}, [0, 1]);
    expect(recs).toHaveLength(2001);
    expect(recs.slice(1).every((r) => r.fields === null)).toBe(true);
    expect(recs.at(-1)).toMatchObject({ line: 2001, text: '1999,"x' });
    expect(info.lines).toBe(2001);
  });
  it('an empty input has no records and no lines', async () => {
    const { recs, info } = await read('');
    expect(recs).toEqual([]);
    expect(info.lines).toBe(0);
  });
});
