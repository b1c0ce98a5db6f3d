import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { RecordReader } from './shared/survey/csv-records';
const file = '/tmp/sm/sim1m.csv';
const mode = process.argv[2];
const t0 = performance.now(); let n = 0;
if (mode === 'bare') {
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 16 }).pipe(parse({ delimiter: ';', bom: true, relax_column_count: true }))) n++;
} else if (mode === 'reader') {
  const r = new RecordReader();
  for await (const b of r.batches(createReadStream(file, { highWaterMark: 1 << 16 }))) n += b.length;
} else if (mode === 'syncbuf') {
  let carry: Buffer | null = null;
  for await (const data of createReadStream(file, { highWaterMark: 1 << 16 })) {
    const buf: Buffer = carry ? Buffer.concat([carry, data]) : data;
    const nl = buf.lastIndexOf(10); carry = buf.subarray(nl + 1);
    n += parseSync(buf.subarray(0, nl + 1), { delimiter: ';', relax_column_count: true, relax_quotes: true, raw: mode === 'x' }).length;
  }
} else if (mode === 'syncstr') {
  let carry = '';
  const dec = new TextDecoder();
  for await (const data of createReadStream(file, { highWaterMark: 1 << 16 })) {
    const s = carry + dec.decode(data, { stream: true });
    const nl = s.lastIndexOf('\n'); carry = s.slice(nl + 1);
    n += parseSync(s.slice(0, nl + 1), { delimiter: ';', relax_column_count: true, relax_quotes: true, raw: true, record_delimiter: ['\r\n', '\n'], skip_records_with_error: true }).length;
  }
}
console.log(mode, n, ((performance.now() - t0) / 1000).toFixed(2));
