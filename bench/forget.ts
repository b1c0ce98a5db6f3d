// Erasure benchmark (not a test): `satmon forget` as a data steward runs it, whole process (node bin/satmon.mjs ->
// the compiled dist/), on a persisted data folder that `satmon pipeline` filled with simulated drops (default 12
// branches x 8 quarters x 200 respondents, every quarter assessed). Baseline, measured in the same run on the same data
// folder: `satmon assess` of one quarter (what an operator runs every quarter). Printed:
//   - the erasure alone (`--no-reassess`: find, list, rewrite the clean parts and rejects, the index, the record) of a
//     different participant each round, interleaved with the baseline, median of the rounds, and its ratio;
//   - one erasure with its reassessment (every assessed quarter from the participant's first on), once.
// Run: npm run bench -- forget [--rounds N] [--branches B] [--quarters Q] [--n N]  (or npx tsx bench/forget.ts ...).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../scripts/build.mjs';
import { childEnv } from '../shared/config';
import { addQuarters } from '../shared/period';
import { simulateDrops } from '../shared/survey';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function satmon(argv: string[], env: Record<string, string>): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/satmon.mjs', ...argv], { cwd: ROOT, encoding: 'utf8', env: childEnv(env), maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`satmon ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

export async function runForgetBench(opts: { rounds?: number; branches?: number; quarters?: number; n?: number } = {}, log = (l: string) => console.log(l)): Promise<void> {
  const rounds = opts.rounds ?? 5, branches = opts.branches ?? 12, quarters = opts.quarters ?? 8, n = opts.n ?? 200;
  await ensureBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'satmon-bench-forget-'));
  // A keyring of its own (the data folder is temporary): the whole run uses the same one.
  const env = { SATMON_NBOOT: '1000', SATMON_PSEUDONYM_KEY_FILE: path.join(dir, 'key.json') };
  try {
    const first = '2024-Q1';
    const sim = simulateDrops({ seed: 'bench-forget', branches, periods: `${first}..${addQuarters(first, quarters - 1)}`, n, messy: 0.01 });
    const drops = path.join(dir, 'drops');
    for (const d of sim.drops) {
      mkdirSync(path.join(drops, `branch=${d.branch}`), { recursive: true });
      writeFileSync(path.join(drops, `branch=${d.branch}`, d.file), d.text);
    }
    writeFileSync(path.join(drops, 'branches.json'), JSON.stringify(sim.branches));
    const data = path.join(dir, 'data');
    const setup = satmon(['pipeline', '--drops', drops, '--data-dir', data, '--json'], env);
    log(`forget: data folder of ${branches} branches x ${quarters} quarters x ${n} respondents (satmon pipeline ${(setup.ms / 1000).toFixed(1)} s, nboot 1000)`);

    // Participants to erase: one respondent of BR01 per round, from the first quarter on.
    const ids = readdirSync(path.join(drops, 'branch=BR01')).sort().map((f) => {
      const lines = readFileSync(path.join(drops, 'branch=BR01', f), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
      return lines[1]!.split(';')[0]!;
    });
    const last = addQuarters(first, quarters - 1);
    const assess: number[] = [], erase: number[] = [], inner: number[] = [], open: number[] = [];
    for (let i = 0; i < rounds; i++) {
      assess.push(satmon(['assess', '--period', last, '--data-dir', data, '--json'], env).ms);
      const out = satmon(['forget', '--id', ids[(i + 1) % ids.length]!, '--data-dir', data, '--no-reassess', '--json'], env);
      const r = JSON.parse(out.stdout.slice(out.stdout.indexOf('{\n'))) as { cleanRows: number; ms: { open: number; erase: number } };
      if (r.cleanRows !== 1) throw new Error(`round ${i + 1}: the erasure removed ${r.cleanRows} rows, expected 1`);
      erase.push(out.ms);
      inner.push(r.ms.erase);
      open.push(r.ms.open);
    }
    const a = median(assess), e = median(erase);
    log(`  baseline: satmon assess --period ${last} (one quarter, ${branches} branches + regions + network): median ${a.toFixed(0)} ms`);
    log(`  satmon forget --no-reassess (one participant, whole process): median ${e.toFixed(0)} ms = ${(e / a).toFixed(2)}x the quarterly assessment;` +
      ` of it the erasure itself ${median(inner).toFixed(0)} ms, opening the embedded stack ${median(open).toFixed(0)} ms (the rest: Node start, the stack's shutdown)`);
    const full = satmon(['forget', '--id', ids[0]!, '--data-dir', data, '--json'], env);
    const r = JSON.parse(full.stdout.slice(full.stdout.indexOf('{\n'))) as { reassessed: string[] };
    log(`  satmon forget with its reassessment (${r.reassessed.length} periods, ${r.reassessed[0]} on): ${(full.ms / 1000).toFixed(1)} s = ${(full.ms / a).toFixed(1)}x the quarterly assessment`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, branches: { type: 'string' }, quarters: { type: 'string' }, n: { type: 'string' } } });
  await runForgetBench({
    ...(values.rounds ? { rounds: Number(values.rounds) } : {}), ...(values.branches ? { branches: Number(values.branches) } : {}),
    ...(values.quarters ? { quarters: Number(values.quarters) } : {}), ...(values.n ? { n: Number(values.n) } : {}),
  });
}
