// CLI benchmark: `satmon` as a user runs it, whole process (node bin/satmon.mjs -> the compiled dist/), median wall
// time of several runs, against baselines measured in the same run: `node -e 0` (Node's own start-up), the old path
// through tsx's loader (node --import tsx cli/satmon.ts), and the same mobi bootstrap in process
// (bench/bootstrap.ts's timeBootstrap: warm, one thread), and the same estimate command run in process (warm, one
// thread: the bootstrap plus what the command adds, reading the CSV, the estimate, the summary and the report), which
// splits the gap into the command's extra work and what a fresh process costs (start-up, loading, cold code). The
// cases run interleaved, round after round, so other load on the machine weighs on all of them alike; on Linux the
// CPU time of each process (user + system, all its threads, from /proc/self/stat's children times, 10 ms ticks) is
// printed too, which other load disturbs much less.
// Goals: --help <= 150 ms; estimate of mobi ECSI (n = 250, no bootstrap) <= 300 ms; estimate --bootstrap 5000 on one
// core (taskset -c 0) within 1.3x of the in-process bootstrap, i.e. >= 200x faster than seminr's 148 s.
// Run: npm run bench -- cli [--runs N]  (or npx tsx bench/cli.ts [--runs N]). Not a test: it prints, it does not assert.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../scripts/build.mjs';
import { childEnv } from '../shared/config';
import { loadReference, referenceDir } from '../test/helpers/reference';
import { CASES as BOOTSTRAP_CASES, timeBootstrap } from './bootstrap';
import { run as runEstimateCommand } from '../cli/commands/estimate';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOALS = { helpMs: 150, estimateMs: 300, bootstrapRatio: 1.3, seminrSpeedup: 200 };
const NBOOT = 5000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Case {
  label: string;
  argv: string[];
  times: number[];
  cpu: number[];
}

/** CPU ms (user + system) of this process's waited-for children, or undefined off Linux. Ticks are 1/100 s on Linux. */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime (fields 16 and 17 of proc(5))
  } catch {
    return undefined;
  }
}

/** Wall and CPU time of one child process; its output is discarded, a failure stops the bench. */
function timeProcess(argv: string[]): { ms: number; cpuMs?: number } {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: childEnv({ SATMON_DEBUG: '' }) });
  const ms = performance.now() - t0;
  const c1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return { ms, ...(c0 !== undefined && c1 !== undefined ? { cpuMs: c1 - c0 } : {}) };
}

export async function runCliBench(opts: { runs?: number; log?: (line: string) => void } = {}): Promise<void> {
  const runs = opts.runs ?? 7;
  const log = opts.log ?? ((l: string) => console.log(l));
  await ensureBuilt(); // outside the timings (a stale dist/ would be rebuilt by the first run)
  const dir = mkdtempSync(path.join(tmpdir(), 'satmon-bench-cli-'));
  try {
    const model = path.join(dir, 'mobi.json');
    writeFileSync(model, JSON.stringify(loadReference('mobi_ecsi').spec));
    const estimate = ['estimate', '--model', model, '--data', path.join(referenceDir, 'data', 'mobi.csv')];
    const boot = [...estimate, '--bootstrap', String(NBOOT)];
    const node = process.execPath;
    const satmon = [node, 'bin/satmon.mjs'];
    const tsx = [node, '--import', 'tsx', 'cli/satmon.ts'];
    const oneCore = ['taskset', '-c', '0'];
    const c = (label: string, argv: string[]): Case => ({ label, argv, times: [], cpu: [] });
    const cases = {
      node: c('node -e 0 (Node start-up)', [node, '-e', '0']),
      help: c('satmon --help', [...satmon, '--help']),
      helpTsx: c('  old tsx path', [...tsx, '--help']),
      estimate: c('satmon estimate (mobi)', [...satmon, ...estimate]),
      estimateTsx: c('  old tsx path', [...tsx, ...estimate]),
      boot: c(`satmon estimate --bootstrap ${NBOOT}, taskset -c 0`, [...oneCore, ...satmon, ...boot]),
      bootTsx: c('  old tsx path', [...oneCore, ...tsx, ...boot]),
    };
    const inProcess: number[] = [];
    const inProcessCpu: number[] = [];
    // The CLI's own command in this process, writing to a file; warmed up once like timeBootstrap. Its progress line
    // (drawn when standard error is a terminal) stays off, as in the timed child processes, whose stderr is a pipe.
    const commandArgv = [...boot.slice(1), '--workers', '1', '--out', path.join(dir, 'report.json')];
    const runCommand = async () => {
      const tty = process.stderr.isTTY;
      process.stderr.isTTY = false;
      try { await runEstimateCommand(commandArgv); } finally { process.stderr.isTTY = tty; }
    };
    await runCommand();
    const command: number[] = [];
    for (const k of Object.values(cases)) timeProcess(k.argv); // warm the file cache; not timed
    for (let r = 0; r < runs; r++) {
      for (const k of Object.values(cases)) {
        const t = timeProcess(k.argv);
        k.times.push(t.ms);
        if (t.cpuMs !== undefined) k.cpu.push(t.cpuMs);
      }
      const b = await timeBootstrap('mobi_ecsi', NBOOT, 1, 1);
      inProcess.push(b.ms);
      inProcessCpu.push(b.cpuMs);
      const t0 = performance.now();
      await runCommand();
      command.push(performance.now() - t0);
    }

    const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const cpu = (xs: number[]) => (xs.length ? `  CPU ${ms(median(xs))}` : '');
    const line = (k: Case, note = '') =>
      log(`  ${k.label.padEnd(48)} ${ms(median(k.times))}  (${Math.min(...k.times).toFixed(0)}-${Math.max(...k.times).toFixed(0)})${cpu(k.cpu)}${note}`);
    log(`cli: whole-process wall time, median of ${runs} interleaved runs (min-max), and median CPU time; dist/ built from the current sources`);
    line(cases.node);
    const help = median(cases.help.times);
    line(cases.help, `   goal <= ${GOALS.helpMs} ms: ${met(help <= GOALS.helpMs)}`);
    line(cases.helpTsx, `   compiled is x${(median(cases.helpTsx.times) / help).toFixed(1)} faster`);
    const est = median(cases.estimate.times);
    line(cases.estimate, `   goal <= ${GOALS.estimateMs} ms: ${met(est <= GOALS.estimateMs)}`);
    line(cases.estimateTsx, `   compiled is x${(median(cases.estimateTsx.times) / est).toFixed(1)} faster`);
    const bootMs = median(cases.boot.times);
    line(cases.boot);
    line(cases.bootTsx, `   compiled is x${(median(cases.bootTsx.times) / bootMs).toFixed(1)} faster`);
    const inMs = median(inProcess);
    log(`  ${'in process: bootstrapPls, one thread, warm'.padEnd(48)} ${ms(inMs)}  (${Math.min(...inProcess).toFixed(0)}-${Math.max(...inProcess).toFixed(0)})${cpu(inProcessCpu)}   bench/bootstrap.ts's timeBootstrap`);
    const commandMs = median(command);
    log(`  ${'in process: the same estimate command, warm'.padEnd(48)} ${ms(commandMs)}  (${Math.min(...command).toFixed(0)}-${Math.max(...command).toFixed(0)})` +
      `   whole process is x${(bootMs / commandMs).toFixed(2)} of it (start-up, loading, cold code)`);
    const ratio = bootMs / inMs;
    const cpuRatio = cases.boot.cpu.length ? `; in CPU time x${(median(cases.boot.cpu) / median(inProcessCpu)).toFixed(2)}` : '';
    const seminrS = BOOTSTRAP_CASES.find((k) => k.model === 'mobi_ecsi')!.seminr[1]!;
    const speedup = (seminrS * 1000) / bootMs;
    log(`  goal: whole process within x${GOALS.bootstrapRatio} of in process: x${ratio.toFixed(2)} ${met(ratio <= GOALS.bootstrapRatio)}${cpuRatio}; ` +
      `seminr ${seminrS} s on one core / ${(bootMs / 1000).toFixed(2)} s = ${speedup.toFixed(0)}x faster (goal >= ${GOALS.seminrSpeedup}x): ${met(speedup >= GOALS.seminrSpeedup)}`);
    // No whole process can beat starting Node and loading the CLI (satmon --help) followed by a warm bootstrap alone,
    // before it reads the data, estimates the model and summarizes the draws.
    const floorMs = help + inMs;
    log(`  lower bound of any whole process: satmon --help + the warm in-process bootstrap = ${floorMs.toFixed(0)} ms, ` +
      `x${(floorMs / inMs).toFixed(2)} of in process (goal x${GOALS.bootstrapRatio}: ${floorMs / inMs <= GOALS.bootstrapRatio ? 'reachable' : 'out of reach'})`);
    log(`  whole process over Node start-up: --help +${(help - median(cases.node.times)).toFixed(0)} ms, estimate +${(est - median(cases.node.times)).toFixed(0)} ms; ` +
      `--bootstrap adds ${(bootMs - est).toFixed(0)} ms to estimate (resampling, summary, report)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' } } });
  await runCliBench(values.runs ? { runs: Number(values.runs) } : {});
}
