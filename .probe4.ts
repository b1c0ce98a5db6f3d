import { cleanDrop, loadInstrument } from './shared/survey/index';
const minimal = loadInstrument({"id": "minimal", "idColumn": "respondent_id", "branchColumn": "branch_id", "periodColumn": "period", "scale": {"min": 1, "max": 5}, "missingCodes": [""], "constructs": {"CRM": ["CRM1","CRM2","CRM3","CRM4"], "TRUST": ["TRUST1","TRUST2","TRUST3","TRUST4"]}}, 'minimal');
async function run(label: string, text: string) {
  const out: string[] = [];
  try {
    const m = await cleanDrop(text, { instrument: minimal, source: label, onClean: r => { out.push(`C${r.line} ${r.respondentId} ${r.items.join('')}`); }, onReject: r => { out.push(`R${r.line}+${r.lines} [${r.reasons}] ${JSON.stringify(r.text)} ${r.details.join('|')}`); } });
    console.log(label, m.inputRows, m.cleanRows, m.rejectedRows, m.lines, m.blankLines); for (const o of out) console.log('   ', o);
  } catch (e) { console.log(label, 'ERROR', (e as Error).message); }
}
const H = 'respondent_id,branch_id,period,CRM1,CRM2,CRM3,CRM4,TRUST1,TRUST2,TRUST3,TRUST4,comment\n';
await run('comment', H + 'r1,BR01,2025-Q1,1,2,3,4,1,2,3,4,"multi\nline"\nr2,BR01,2025-Q1,2,2,3,4,1,2,3,4,x\n');
await run('unclosed', H + 'r1,BR01,"2025-Q1,1,2,3,4,1,2,3,4,x\nr2,BR01,2025-Q1,2,2,3,4,1,2,3,4,x\nr3,BR01,2025-Q1,2,2,3,4,1,2,3,4,"a,b"\nr4,BR01,2025-Q1,2,2,3,4,1,2,3,4,x\n');
await run('counts', H + 'r1,BR01,2025-Q1,1,2,3,4,1,2,3,4\nr2,BR01,2025-Q1,5,5,5,5,5,5,5,5,z\n,,,,,,,,,,,\nrespondent_id,branch_id,period,CRM1,CRM2,CRM3,CRM4,TRUST1,TRUST2,TRUST3,TRUST4,comment\n\n\nr1,BR01,2025Q1,1,2,3,4,1,2,3,4,\nr1,br01,2025-q1,1,2,3,4,1,2,3,5,\nr5,BR01,2025-Q1,9,,3,4,1,2,3,4,\n');
await run('missing col', 'respondent_id,branch_id,period,CRM1\nr1,BR01,2025-Q1,1\n');
await run('empty', '');
await run('blank only', '\n\n');
