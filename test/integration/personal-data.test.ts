// Issue 16's checks on the embedded stack: drops whose ids are participant numbers (11-digit KPJ numbers), with
// names, phone numbers and e-mail addresses in an undeclared column and in free text, go through the whole
// pipeline; then not one of those identities is anywhere in the curated bucket's files, DynamoDB Local's database
// files or the logs (scanned byte for byte on disk, with the raw drops as the positive control). `satmon forget`
// then erases one participant: gone from the clean rows, the rejects and the duplicate index, the branch reassessed.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineSummary } from '../../infra/local/pipeline';
import { startLocalStack } from '../../infra/local/stack';
import { run as forgetCli } from '../../cli/commands/forget';
import { testPseudonyms } from '../helpers/pseudonyms';
import { defaultInstrument, simulateDrops } from '../../shared/survey';
import { keys } from '../../shared/layout/keys';
import { scanAll } from './helpers';

let dir: string;
let summary: PipelineSummary;
const ids: string[] = [];
const PII = ['Budi Santoso', 'Siti Aminah', '081234567890', '0812-3456-7890', 'budi.s@example.co.id', '3201012345670001'];
const logs: string[] = [];
const env = { SATMON_NBOOT: '60', SATMON_NBOOT_AGGREGATE: '30', SATMON_WORKERS: '1', SATMON_PATH_PERMUTATIONS: '0' };

/** Every file under `root`, read as bytes (latin1 keeps every byte, so an ASCII id is found wherever it sits). */
function filesUnder(root: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ file: path.relative(root, p), text: readFileSync(p).toString('latin1') });
    }
  };
  walk(root);
  return out;
}

const found = (files: { file: string; text: string }[], needles: readonly string[]) =>
  files.flatMap((f) => needles.filter((n) => f.text.includes(n)).map((n) => `${f.file}: ${n}`));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'satmon-pdp-'));
  const drops = path.join(dir, 'drops');
  const sim = simulateDrops({ seed: 16, branches: 3, periods: '2024-Q4..2025-Q1', n: 50, messy: 0, format: 'plain' });
  let next = 31500000000;
  for (const d of sim.drops) {
    const [header, ...rows] = d.text.split('\n').filter(Boolean);
    const out = [`${header},nama,saran`];
    rows.forEach((r, i) => {
      const id = String(++next);
      ids.push(id);
      const comment = i % 7 === 0 ? `Tolong hubungi saya di 0812-3456-7890 atau budi.s@example.co.id, KPJ ${id}` : i % 11 === 0 ? 'NIK 3201012345670001' : 'Pelayanan baik';
      out.push(`${id}${r.slice(r.indexOf(','))},${i % 2 ? 'Budi Santoso' : 'Siti Aminah'},"${comment}"`);
    });
    // Rejected rows hold identities too: an answer out of the scale, a short row.
    const outOfScale = rows[0]!.split(',');
    outOfScale[0] = String(++next);
    outOfScale[header!.split(',').indexOf('CRM1')] = '9';
    out.push(`${outOfScale.join(',')},Siti Aminah,081234567890`);
    out.push(`${++next},${d.branch},Budi Santoso 081234567890`);
    ids.push(String(next - 1), String(next));
    mkdirSync(path.join(drops, `branch=${d.branch}`), { recursive: true });
    writeFileSync(path.join(drops, `branch=${d.branch}`, d.file), out.join('\n') + '\n');
  }
  writeFileSync(path.join(drops, 'branches.json'), JSON.stringify(sim.branches));
  writeFileSync(path.join(dir, 'instrument.json'), JSON.stringify({ ...defaultInstrument.spec, id: 'kpj-survey', textColumns: ['saran'] }));

  // Every log line of the run, at the most talkative level.
  const saved = { level: process.env.POWERTOOLS_LOG_LEVEL, out: process.stdout.write, err: process.stderr.write };
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  const tap = () => function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    logs.push(String(chunk));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true; // captured, not printed (the DEBUG lines would flood the test output)
  } as typeof process.stdout.write;
  process.stdout.write = tap();
  process.stderr.write = tap();
  try {
    summary = (await runPipeline({
      dropsDir: drops, dataDir: path.join(dir, 'data'), instrumentFile: path.join(dir, 'instrument.json'), env, log: (m) => logs.push(m),
    })).summary;
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    if (saved.level === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = saved.level;
  }
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('personal data on the embedded stack', () => {
  it('the pipeline ran: clean rows, rejected rows, every quarter assessed', () => {
    expect(summary.cleanRows).toBe(3 * 2 * 50);
    expect(summary.rejectedRows).toBe(3 * 2 * 2);
    expect(summary.periods).toEqual(['2024-Q4', '2025-Q1']);
    expect(summary.runs.flatMap((r) => r.failures)).toEqual([]);
  });

  it('no participant number, name, phone, e-mail or NIK in the curated bucket, the table or the logs', () => {
    const data = path.join(dir, 'data');
    const s3 = filesUnder(path.join(data, 's3'));
    const raw = s3.filter((f) => f.file.startsWith('satmon-raw'));
    const curated = s3.filter((f) => !f.file.startsWith('satmon-raw'));
    // The positive control: the scan finds every id and detail in the raw drops (which keep them).
    expect(found(raw, ids)).toHaveLength(ids.length);
    expect(new Set(found(raw, PII).map((x) => x.split(': ')[1]))).toEqual(new Set(PII));
    expect(curated.some((f) => f.file.includes('clean/'))).toBe(true);
    expect(curated.some((f) => f.file.includes('rejects/'))).toBe(true);
    expect(curated.some((f) => f.file.includes('results/'))).toBe(true);
    expect(found(curated, [...ids, ...PII])).toEqual([]);
    const table = filesUnder(path.join(data, 'dynamodb'));
    expect(table.length).toBeGreaterThan(0);
    expect(found(table, [...ids, ...PII])).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
    expect(found([{ file: 'logs', text: logs.join('\n') }], [...ids, ...PII])).toEqual([]);
  });

  it('satmon forget erases one participant (only the erasure list keeps the pseudonym) and reassesses', async () => {
    const person = ids[3]!; // a clean row of the first drop
    const pseudonym = testPseudonyms.of(person); // the suite's keyring (vitest.config.ts)
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((c: unknown) => (out.push(String(c)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await forgetCli(['--id', person, '--data-dir', path.join(dir, 'data'), '--json']);
    } finally {
      process.stdout.write = write;
      process.env = saved;
    }
    expect(code).toBe(0);
    // (Handlers' loggers made earlier in this process may still print at the pipeline's DEBUG level: skip them.)
    const result = JSON.parse(out.find((c) => c.startsWith('{\n'))!);
    expect(result).toMatchObject({ cleanRows: 1, rejectedRows: 0, indexEntries: 1, reassessed: ['2024-Q4', '2025-Q1'], failures: [] });
    expect(out.join('')).not.toContain(person);

    const stack = await startLocalStack({ dataDir: path.join(dir, 'data') });
    try {
      const items = await scanAll(stack.ddb, stack.names.table);
      const holding = items.filter((i) => JSON.stringify(i).includes(pseudonym));
      expect(holding.map((i) => i.pk)).toEqual([keys.erasedList]); // only on the erasure list (a re-delivery is refused)
      expect(items.filter((i) => i.pk === keys.erasures)).toHaveLength(1);
      const curated = filesUnder(path.join(dir, 'data', 's3')).filter((f) => !f.file.startsWith('satmon-raw'));
      expect(found(curated, [pseudonym])).toEqual([]);
      const [unit] = result.units as { branch: string; period: string }[];
      const summaryItem = items.find((i) => i.pk === `BRANCH#${unit!.branch}` && i.sk === `PERIOD#${unit!.period}#SUMMARY`) as { n: number };
      expect(summaryItem.n).toBe(49); // reassessed without the participant
    } finally {
      await stack.stop();
    }
  }, 300_000);
});
