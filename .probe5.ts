import { readFileSync } from 'node:fs';
import { cleanDrop, defaultInstrument, loadInstrument } from './shared/survey/index';
async function run(file: string, instrument = defaultInstrument) {
  const out: string[] = [];
  const m = await cleanDrop(readFileSync(file), { instrument, source: file, onClean: r => { out.push(`C${r.line} ${r.respondentId} ${r.branch} ${r.period} ${r.date} ${r.categories.join('/')} miss=${r.items.filter(x => x !== x).length}`); }, onReject: r => { out.push(`R${r.line}+${r.lines} ${r.respondentId} [${r.reasons}] ${r.details.join(' | ').slice(0, 150)}`); } });
  console.log(file, m.inputRows, m.cleanRows, m.rejectedRows, m.lines, m.blankLines, JSON.stringify(m.groups), m.header.ignored); for (const o of out) console.log('   ', o);
}
await run('test/fixtures/survey/excel-id-branch.csv');
await run('test/fixtures/survey/headoffice-minimal.csv', loadInstrument(JSON.parse(readFileSync('test/fixtures/survey/minimal-instrument.json', 'utf8')), 'minimal'));
