// Benchmark of the survey cleaner (not a test): `npx tsx bench/clean.ts [--rows N] [--rss-mb M] [--quick]`.
//
// 1. Throughput: a simulated head-office drop of N rows (default 1,000,000; Excel-Indonesian format; 1% messy rows
//    of every kind except broken quotes, which bare csv-parse cannot get past) is read by bare csv-parse (same
//    file, 'data' events, no work per record) and cleaned exactly as `satmon clean` does (clean.csv and
//    rejects.csv written). Runs alternate `--repeat` times; the best time of each is reported and the ratio is
//    bare / clean (goal >= 0.5), so a busy machine penalises both alike.
// 2. Memory: a drop of about `--rss-mb` MB (default 1024; 1% messy rows of every kind) is cleaned in a child
//    process whose peak RSS (getrusage maxrss, which includes Node and the tsx loader) is reported (goal < 512 MB).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';
import {
  cleanDrop, defaultInstrument, DropCsvWriter, MESS_KINDS, simulateCsv, type DropManifest, type MessKind,
} from '../shared/survey/index';
import { FileSink } from '../shared/survey/file-sink';

export interface CleanBenchOptions {
  /** Rows of the throughput drop (default 1,000,000). */
  rows?: number;
  /** Size of the memory drop in MB (default 1024); 0 skips the memory run. */
  rssMb?: number;
  /** Alternating bare/clean runs (default 3). */
  repeat?: number;
  /** Work folder (default: a new temporary folder, removed afterwards unless keep). */
  dir?: string;
  keep?: boolean;
  log?: (line: string) => void;
}

export interface CleanBenchResult {
  rows: number;
  fileMb: number;
  /** Wall-clock and CPU (user + system, all threads) seconds of each run. */
  bare: { seconds: number[]; cpu: number[]; bestRowsPerSec: number };
  clean: { seconds: number[]; cpu: number[]; bestRowsPerSec: number; rejected: number };
  /** Best bare csv-parse wall time / best clean wall time (goal >= 0.5). */
  ratio: number;
  /** The same with CPU seconds: less sensitive to other processes on a shared machine. */
  cpuRatio: number;
  memory: null | { fileMb: number; rows: number; seconds: number; rowsPerSec: number; peakRssMb: number; startRssMb: number; goalMb: 512 };
}

const GROUPS = 12 * 8; // default simulator: 12 branches x 8 periods
const BYTES_PER_ROW = 139; // excel-id rows of the default instrument, measured

async function writeDrop(path: string, rows: number, kinds: readonly MessKind[]): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(path);
  let written = 0;
  for (const chunk of simulateCsv({ seed: 'bench', n: Math.ceil(rows / GROUPS), messy: 0.01, messKinds: [...kinds], headOffice: true }, undefined, (n) => (written = n))) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { rows: written, bytes: (await stat(path)).size };
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

async function bareParse(path: string): Promise<{ records: number; seconds: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let records = 0;
  await new Promise<void>((resolve, reject) => {
    createReadStream(path, { highWaterMark: 1 << 16 })
      .pipe(parse({ delimiter: ';', bom: true, relax_column_count: true }))
      .on('data', () => void records++)
      .on('end', resolve)
      .on('error', reject);
  });
  return { records, seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0) };
}

/** Cleans `path` into `outDir` exactly as `satmon clean` does. */
export async function cleanFile(path: string, outDir: string): Promise<{ manifest: DropManifest; seconds: number; cpu: number }> {
  await mkdir(outDir, { recursive: true });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cleanSink = new FileSink(join(outDir, 'clean.csv'));
  const rejectSink = new FileSink(join(outDir, 'rejects.csv'));
  const writer = new DropCsvWriter(defaultInstrument, cleanSink, rejectSink);
  const manifest = await cleanDrop(createReadStream(path, { highWaterMark: 1 << 16 }), {
    instrument: defaultInstrument,
    source: path,
    collectNewRespondents: false,
    onHeader: writer.onHeader,
    onClean: writer.onClean,
    onReject: writer.onReject,
  });
  await writer.finish();
  await cleanSink.close();
  await rejectSink.close();
  return { manifest, seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0) };
}

function childMemoryRun(path: string, outDir: string): Promise<{ rows: number; seconds: number; peakRssMb: number; startRssMb: number }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', self, '--child', path, outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`memory child exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!));
    });
  });
}

const mb = (bytes: number) => bytes / (1 << 20);
const best = (xs: number[]) => Math.min(...xs);

export async function runCleanBench(opts: CleanBenchOptions = {}): Promise<CleanBenchResult> {
  const rows = opts.rows ?? 1_000_000;
  const rssMb = opts.rssMb ?? 1024;
  const repeat = opts.repeat ?? 3;
  const log = opts.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'satmon-bench-')));
  try {
    const throughputFile = join(dir, 'throughput.csv');
    const gen = await writeDrop(throughputFile, rows, MESS_KINDS.filter((k) => k !== 'broken_quote'));
    log(`throughput drop: ${gen.rows.toLocaleString('en')} rows, ${mb(gen.bytes).toFixed(0)} MB (${throughputFile})`);
    const bare: number[] = [];
    const cleanTimes: number[] = [];
    const bareCpu: number[] = [];
    const cleanCpu: number[] = [];
    let rejected = 0;
    for (let i = 0; i < repeat; i++) {
      const b = await bareParse(throughputFile);
      if (b.records !== gen.rows + 1) throw new Error(`bare csv-parse read ${b.records} records, expected ${gen.rows + 1}`);
      bare.push(b.seconds);
      bareCpu.push(b.cpu);
      const c = await cleanFile(throughputFile, join(dir, 'out'));
      if (c.manifest.inputRows !== gen.rows) throw new Error(`cleaner read ${c.manifest.inputRows} rows, expected ${gen.rows}`);
      cleanTimes.push(c.seconds);
      cleanCpu.push(c.cpu);
      rejected = c.manifest.rejectedRows;
      log(`  run ${i + 1}: bare csv-parse ${b.seconds.toFixed(2)} s (cpu ${b.cpu.toFixed(2)} s), clean ${c.seconds.toFixed(2)} s (cpu ${c.cpu.toFixed(2)} s)`);
    }
    const result: CleanBenchResult = {
      rows: gen.rows,
      fileMb: mb(gen.bytes),
      bare: { seconds: bare, cpu: bareCpu, bestRowsPerSec: gen.rows / best(bare) },
      clean: { seconds: cleanTimes, cpu: cleanCpu, bestRowsPerSec: gen.rows / best(cleanTimes), rejected },
      ratio: best(bare) / best(cleanTimes),
      cpuRatio: best(bareCpu) / best(cleanCpu),
      memory: null,
    };
    log(`clean: ${Math.round(result.clean.bestRowsPerSec).toLocaleString('en')} rows/s; bare csv-parse: ${Math.round(result.bare.bestRowsPerSec).toLocaleString('en')} rows/s; ratio ${result.ratio.toFixed(2)} (goal >= 0.5; by CPU time ${result.cpuRatio.toFixed(2)})`);
    await rm(throughputFile, { force: true });
    await rm(join(dir, 'out'), { recursive: true, force: true });

    if (rssMb > 0) {
      const bigFile = join(dir, 'big.csv');
      const big = await writeDrop(bigFile, Math.ceil((rssMb * (1 << 20)) / BYTES_PER_ROW), MESS_KINDS);
      log(`memory drop: ${big.rows.toLocaleString('en')} rows, ${mb(big.bytes).toFixed(0)} MB; cleaning in a child process...`);
      const m = await childMemoryRun(bigFile, join(dir, 'big-out'));
      result.memory = { fileMb: mb(big.bytes), rows: m.rows, seconds: m.seconds, rowsPerSec: m.rows / m.seconds, peakRssMb: m.peakRssMb, startRssMb: m.startRssMb, goalMb: 512 };
      log(`peak RSS ${m.peakRssMb.toFixed(0)} MB cleaning ${mb(big.bytes).toFixed(0)} MB (goal < 512 MB; ${m.startRssMb.toFixed(0)} MB before the first byte); ${Math.round(m.rows / m.seconds).toLocaleString('en')} rows/s`);
    }
    return result;
  } finally {
    if (!opts.keep && !opts.dir) await rm(dir, { recursive: true, force: true });
  }
}

async function child(path: string, outDir: string): Promise<void> {
  const startRssMb = mb(process.memoryUsage().rss);
  const { manifest, seconds } = await cleanFile(path, outDir);
  // getrusage ru_maxrss is in kilobytes on Linux.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ rows: manifest.inputRows, seconds, peakRssMb, startRssMb }) + '\n');
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1]!, argv[2]!);
  } else {
    const quick = argv.includes('--quick');
    const result = await runCleanBench({
      rows: Number(flag(argv, '--rows') ?? (quick ? 100_000 : 1_000_000)),
      rssMb: Number(flag(argv, '--rss-mb') ?? (quick ? 100 : 1024)),
      repeat: Number(flag(argv, '--repeat') ?? 3),
      keep: argv.includes('--keep'),
    });
    if (argv.includes('--json')) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  }
}
