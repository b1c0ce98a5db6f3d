import { RecordReader } from './shared/survey/csv-records';
async function read(text: string) {
  const r = new RecordReader();
  const recs = [];
  for await (const b of r.batches(Buffer.from(text))) recs.push(...b);
  return { recs, info: r.info };
}
const a = await read('\n\na;b\r\n1;2\r\n\r\n3;4');
console.log(a.info, a.recs.map(r => [r.line, r.text]));
const lines = ['id,a', ...Array.from({ length: 30 }, (_, i) => `${i},"x`)];
const b = await read(lines.join('\n'));
console.log(b.recs.map(r => [r.line, r.text]));
