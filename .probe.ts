import { createWriteStream, createReadStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import { simulateCsv, cleanDrop, defaultInstrument, DropCsvWriter } from './shared/survey/index';
import { FileSink } from './shared/survey/file-sink';
const file = '/tmp/sm/sim1m.csv';
if (process.argv[2] === 'gen') {
  const t0 = performance.now();
  const ws = createWriteStream(file);
  let rows = 0;
  for (const c of simulateCsv({ seed: 3, n: 10417, messy: 0.01, messKinds: ['out_of_range','missing_code','too_many_missing','straight_lining','duplicate_exact','duplicate_conflict','missing_branch','bad_period','bad_date','missing_id','field_count','padded','derived_period'] }, undefined, (n) => (rows = n))) if (!ws.write(c)) await once(ws, 'drain');
  ws.end(); await once(ws, 'finish');
  console.log('gen', rows, statSync(file).size, ((performance.now() - t0) / 1000).toFixed(1), 's');
}
async function bare() {
  const t0 = performance.now(); let n = 0;
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 16 }).pipe(parse({ delimiter: ';', bom: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true }))) n++;
  return [n, (performance.now() - t0) / 1000] as const;
}
async function clean() {
  const t0 = performance.now();
  const c = new FileSink('/tmp/sm/c.csv'), r = new FileSink('/tmp/sm/r.csv');
  const w = new DropCsvWriter(defaultInstrument, c, r);
  const m = await cleanDrop(createReadStream(file, { highWaterMark: 1 << 16 }), { instrument: defaultInstrument, source: file, collectNewRespondents: false, onHeader: w.onHeader, onClean: w.onClean, onReject: w.onReject });
  await w.finish(); await c.close(); await r.close();
  return [m.inputRows, (performance.now() - t0) / 1000, m.rejectedRows] as const;
}
const b = await bare(); console.log('bare', b, Math.round(b[0] / b[1]));
const c = await clean(); console.log('clean', c, Math.round(c[0] / c[1]), 'ratio', (b[1] / c[1]).toFixed(2), 'rss', (process.resourceUsage().maxRSS / 1024).toFixed(0), 'MB');
