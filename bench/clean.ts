// Benchmark of the survey cleaner (not a test): `npx tsx bench/clean.ts [--rows N] [--rss-mb M] [--long-mb 10,20,40,200]
// [--long-read-mb 40] [--long-repeat 3] [--quick]`; `--rows 0`, `--rss-mb 0`, `--long-mb 0` skip a part.
//
// 1. Throughput: a simulated head-office drop of N rows (default 1,000,000; Excel-Indonesian format; 1% messy rows
//    of every kind except broken quotes, which bare csv-parse cannot get past) is read by bare csv-parse (same
//    file, 'data' events, no work per record) and cleaned exactly as `satmon clean` does (clean.csv and
//    rejects.csv written). Runs alternate `--repeat` times; the best time of each is reported and the ratio is
//    bare / clean (goal >= 0.5), so a busy machine penalises both alike. A third run in each round cleans the same
//    file as ingest does for personal data (RowPrivacy: HMAC pseudonyms, masked free text, minimal rejects); its
//    ratio to the plain clean is what pseudonymisation costs.
// 2. Memory: a drop of about `--rss-mb` MB (default 1024; 1% messy rows of every kind) is cleaned in a child
//    process whose peak RSS (getrusage maxrss, which includes Node and the tsx loader) is reported (goal < 512 MB).
// 3. Long lines (`--long-mb 10,20,40,200`; `--long-mb 0` skips): a drop with a `komentar` column (ignored by the
//    instrument) where one row's comment is a quoted field of S MB between 2,000 ordinary rows, against a baseline
//    drop of the same size made of ordinary rows only, each cleaned by `cleanFile` in a child process (default
//    reader limits: the long row is rejected as LINE_TOO_LONG). Printed: ms, MB/s and peak RSS of both, the ratio
//    of their MB/s, and the time per MB of the field (over the same drop with an empty comment; flat across sizes =
//    linear time). `--long-read-mb 40` also reads fields up to that size whole (limits raised above the field).
//    Each long-line run is repeated `--long-repeat` times (default 3; best time, highest peak RSS).
// 4. Excel (`--xlsx-rows 100000 --xlsx-mb 50`; 0 skips): the same simulated rows as a CSV and as an .xlsx (cells as
//    Excel stores them: numbers as numbers, text as shared strings; written by test/helpers/xlsx-writer.ts), each
//    cleaned `--repeat` times alternately as `satmon clean` does (best rows/s of each, and their ratio); then
//    peak RSS cleaning an .xlsx of about `--xlsx-mb` MB in a child process (goal < 512 MB).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';
import {
  cleanDrop, defaultInstrument, DropCsvWriter, MESS_KINDS, simulateCsv, type DropManifest, type MessKind, type ReaderOptions,
} from '../shared/survey/index';
import { FileSink } from '../shared/survey/file-sink';
import type { RowPrivacy } from '../shared/survey/index';
import { rowPrivacyOf } from '../shared/privacy/row-privacy';
import { parseKeyring } from '../shared/privacy/pseudonym';
import { writeXlsxFile, type XCell, type XRow } from '../test/helpers/xlsx-writer';

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
  /** Sizes in MB of the long field of the long-line drops (default 10, 20, 40, 200); [] skips them. */
  longMb?: number[];
  /** Also read long fields up to this many MB whole, limits raised (default 40; 0 skips). */
  longReadMb?: number;
  /** Runs of each long-line case (best time, highest peak RSS; default 3). Baselines run once. */
  longRepeat?: number;
  /** Rows of the .xlsx-against-CSV throughput drop (default 100,000; 0 skips). */
  xlsxRows?: number;
  /** Size in MB of the .xlsx memory drop (default 50; 0 skips). */
  xlsxMb?: number;
}

export interface LongLineRun {
  ms: number;
  mbPerSec: number;
  peakRssMb: number;
  rows: number;
  rejected: number;
  lineTooLong: number;
}

export interface LongLineResult {
  fieldMb: number;
  fileMb: number;
  /** Default reader limits: the long row is rejected (LINE_TOO_LONG). */
  long: LongLineRun;
  /** Ordinary rows only, same file size, same run. */
  baseline: LongLineRun;
  /** long MB/s / baseline MB/s: falls with size when reading is superlinear (skipping a line costs less than cleaning rows, so it may rise). */
  ratio: number;
  /** (long ms - ms of the same drop with an empty comment) / field MB: the cost of a MB of the long field. */
  msPerFieldMb: number;
  /** The long drop read with the limits raised above the field (fields up to `longReadMb`), else null. */
  whole: LongLineRun | null;
  msPerFieldMbWhole: number | null;
}

export interface CleanBenchResult {
  rows: number;
  fileMb: number;
  /** Wall-clock and CPU (user + system, all threads) seconds of each run. */
  bare: { seconds: number[]; cpu: number[]; bestRowsPerSec: number };
  clean: { seconds: number[]; cpu: number[]; bestRowsPerSec: number; rejected: number };
  /** The same clean with RowPrivacy (as ingest cleans), and best plain / best private wall time. */
  private: { seconds: number[]; bestRowsPerSec: number; ratio: number };
  /** Best bare csv-parse wall time / best clean wall time (goal >= 0.5). */
  ratio: number;
  /** The same with CPU seconds: less sensitive to other processes on a shared machine. */
  cpuRatio: number;
  memory: null | { fileMb: number; rows: number; seconds: number; rowsPerSec: number; peakRssMb: number; startRssMb: number; goalMb: 512 };
  longLines: LongLineResult[];
  xlsx: null | {
    rows: number; csvMb: number; xlsxMb: number; csvRowsPerSec: number; xlsxRowsPerSec: number; ratio: number;
    memory: null | { xlsxMb: number; rows: number; seconds: number; rowsPerSec: number; peakRssMb: number; goalMb: 512 };
  };
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
export async function cleanFile(path: string, outDir: string, reader?: ReaderOptions, privacy?: RowPrivacy): Promise<{ manifest: DropManifest; seconds: number; cpu: number }> {
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
    reader,
    ...(privacy ? { privacy } : {}),
    onHeader: writer.onHeader,
    onClean: writer.onClean,
    onReject: writer.onReject,
  });
  await writer.finish();
  await cleanSink.close();
  await rejectSink.close();
  return { manifest, seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0) };
}

interface ChildRun { rows: number; rejected: number; lineTooLong: number; seconds: number; peakRssMb: number; startRssMb: number }

function childMemoryRun(path: string, outDir: string, reader?: ReaderOptions): Promise<ChildRun> {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', path, outDir, ...(reader ? [JSON.stringify(reader)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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

// Long-line drops. Rows are the simulator's clean rows with a `komentar` column the instrument ignores.
const COMMENT = 'Pelayanan cepat; petugas ramah, antrean pendek. '; // a `;` inside the quotes, as free text has
const ORDINARY_AROUND = 1000; // ordinary rows before and after the long one

function* commentRows(): Generator<string> {
  let header = true;
  for (const chunk of simulateCsv({ seed: 'bench-long', n: 20_000, messy: 0, headOffice: true })) {
    // simulateCsv cuts its chunks at line ends (CRLF).
    for (let pos = 0, i = chunk.indexOf('\r\n'); i >= 0; pos = i + 2, i = chunk.indexOf('\r\n', pos)) {
      const line = chunk.slice(pos, i);
      yield header ? `${line};komentar\r\n` : `${line};ok\r\n`;
      header = false;
    }
  }
}

/** Writes text pieces with back-pressure, in about 1 MB writes; returns the bytes written. */
async function writePieces(path: string, pieces: Iterable<string>): Promise<number> {
  const out = createWriteStream(path);
  let acc = '';
  let bytes = 0;
  const flush = async () => {
    bytes += Buffer.byteLength(acc);
    if (!out.write(acc)) await once(out, 'drain');
    acc = '';
  };
  for (const p of pieces) {
    acc += p;
    if (acc.length >= 1 << 20) await flush();
  }
  if (acc) await flush();
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** Header, ordinary rows, one row whose comment is a quoted field of `fieldBytes`, ordinary rows (streamed). */
function* longLineDrop(fieldBytes: number): Generator<string> {
  const rows = commentRows();
  const next = () => rows.next().value as string;
  yield next(); // header
  for (let i = 0; i < ORDINARY_AROUND; i++) yield next();
  yield `${next().slice(0, -'ok\r\n'.length)}"`;
  const piece = COMMENT.repeat(Math.ceil((1 << 20) / COMMENT.length)).slice(0, 1 << 20);
  for (let left = fieldBytes; left > 0; left -= piece.length) yield left >= piece.length ? piece : piece.slice(0, left);
  yield '"\r\n';
  for (let i = 0; i < ORDINARY_AROUND; i++) yield next();
  rows.return(undefined);
}

/** Ordinary rows only, until the file reaches `bytes`. */
function* baselineDrop(bytes: number): Generator<string> {
  let n = 0;
  for (const row of commentRows()) {
    yield row;
    n += row.length; // ASCII but for the header's BOM
    if (n >= bytes) return;
  }
  throw new Error('the simulator ran out of rows for the baseline');
}

/** The fastest of `n` runs, with the highest peak RSS among them. */
async function bestRun(n: number, run: () => Promise<ChildRun>): Promise<ChildRun> {
  let best: ChildRun | null = null;
  let peak = 0;
  for (let i = 0; i < Math.max(1, n); i++) {
    const r = await run();
    peak = Math.max(peak, r.peakRssMb);
    if (!best || r.seconds < best.seconds) best = r;
  }
  return { ...best!, peakRssMb: peak };
}

async function longLineCase(dir: string, fieldMb: number, readMb: number, repeat: number, refMs: number, log: (s: string) => void): Promise<LongLineResult> {
  const longFile = join(dir, `long-${fieldMb}.csv`);
  const baseFile = join(dir, `base-${fieldMb}.csv`);
  const longBytes = await writePieces(longFile, longLineDrop(fieldMb * (1 << 20)));
  const baseBytes = await writePieces(baseFile, baselineDrop(longBytes));
  const runOf = (c: ChildRun, bytes: number): LongLineRun => ({
    ms: c.seconds * 1000, mbPerSec: mb(bytes) / c.seconds, peakRssMb: c.peakRssMb, rows: c.rows, rejected: c.rejected, lineTooLong: c.lineTooLong,
  });
  const out = join(dir, 'long-out');
  const base = runOf(await childMemoryRun(baseFile, out), baseBytes);
  const long = runOf(await bestRun(repeat, () => childMemoryRun(longFile, out)), longBytes);
  let whole: LongLineRun | null = null;
  if (fieldMb <= readMb) {
    const limit = (fieldMb + 1) * (1 << 20);
    whole = runOf(await bestRun(repeat, () => childMemoryRun(longFile, out, { maxLineBytes: limit, maxFieldBytes: limit })), longBytes);
  }
  await rm(out, { recursive: true, force: true });
  await rm(longFile, { force: true });
  await rm(baseFile, { force: true });
  const show = (r: LongLineRun) => `${r.ms.toFixed(0)} ms, ${r.mbPerSec.toFixed(1)} MB/s, peak RSS ${r.peakRssMb.toFixed(0)} MB`;
  const perMb = (r: LongLineRun) => (r.ms - refMs) / fieldMb;
  const result: LongLineResult = {
    fieldMb, fileMb: mb(longBytes), long, baseline: base, ratio: long.mbPerSec / base.mbPerSec, msPerFieldMb: perMb(long), whole,
    msPerFieldMbWhole: whole ? perMb(whole) : null,
  };
  log(
    `  ${String(fieldMb).padStart(3)} MB field (${mb(longBytes).toFixed(1)} MB file, ${long.rows} rows, ${long.lineTooLong} LINE_TOO_LONG): ${show(long)}, ` +
      `${result.msPerFieldMb.toFixed(1)} ms per MB of the field | baseline ${base.rows.toLocaleString('en')} rows: ${show(base)} | MB/s ratio ${result.ratio.toFixed(2)}` +
      (whole ? ` | read whole (limits ${fieldMb + 1} MB): ${show(whole)}, ${result.msPerFieldMbWhole!.toFixed(1)} ms per MB, ${whole.lineTooLong} LINE_TOO_LONG` : ''),
  );
  return result;
}
const best = (xs: number[]) => Math.min(...xs);

export async function runCleanBench(opts: CleanBenchOptions = {}): Promise<CleanBenchResult> {
  const rows = opts.rows ?? 1_000_000;
  const rssMb = opts.rssMb ?? 1024;
  const repeat = opts.repeat ?? 3;
  const log = opts.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'satmon-bench-')));
  try {
    const result: CleanBenchResult = {
      rows: 0, fileMb: 0, bare: { seconds: [], cpu: [], bestRowsPerSec: NaN }, clean: { seconds: [], cpu: [], bestRowsPerSec: NaN, rejected: 0 },
      private: { seconds: [], bestRowsPerSec: NaN, ratio: NaN },
      ratio: NaN, cpuRatio: NaN, memory: null, longLines: [], xlsx: null,
    };
    if (rows > 0) {
      const throughputFile = join(dir, 'throughput.csv');
      const gen = await writeDrop(throughputFile, rows, MESS_KINDS.filter((k) => k !== 'broken_quote'));
      log(`throughput drop: ${gen.rows.toLocaleString('en')} rows, ${mb(gen.bytes).toFixed(0)} MB (${throughputFile})`);
      const bare: number[] = [];
      const cleanTimes: number[] = [];
      const bareCpu: number[] = [];
      const cleanCpu: number[] = [];
      const privateTimes: number[] = [];
      const privacy = rowPrivacyOf(parseKeyring(JSON.stringify({ current: 'k1', k1: 'bench-key-'.repeat(4) }), 'bench keyring'));
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
        const p = await cleanFile(throughputFile, join(dir, 'out'), undefined, privacy);
        if (p.manifest.cleanRows !== c.manifest.cleanRows) throw new Error(`the private clean kept ${p.manifest.cleanRows} rows, the plain one ${c.manifest.cleanRows}`);
        privateTimes.push(p.seconds);
        log(`  run ${i + 1}: bare csv-parse ${b.seconds.toFixed(2)} s (cpu ${b.cpu.toFixed(2)} s), clean ${c.seconds.toFixed(2)} s (cpu ${c.cpu.toFixed(2)} s), clean with pseudonyms ${p.seconds.toFixed(2)} s`);
      }
      Object.assign(result, {
        rows: gen.rows,
        fileMb: mb(gen.bytes),
        bare: { seconds: bare, cpu: bareCpu, bestRowsPerSec: gen.rows / best(bare) },
        clean: { seconds: cleanTimes, cpu: cleanCpu, bestRowsPerSec: gen.rows / best(cleanTimes), rejected },
        ratio: best(bare) / best(cleanTimes),
        cpuRatio: best(bareCpu) / best(cleanCpu),
        private: { seconds: privateTimes, bestRowsPerSec: gen.rows / best(privateTimes), ratio: best(cleanTimes) / best(privateTimes) },
      });
      log(`clean: ${Math.round(result.clean.bestRowsPerSec).toLocaleString('en')} rows/s; bare csv-parse: ${Math.round(result.bare.bestRowsPerSec).toLocaleString('en')} rows/s; ratio ${result.ratio.toFixed(2)} (goal >= 0.5; by CPU time ${result.cpuRatio.toFixed(2)})`);
      log(`clean with pseudonyms (as ingest): ${Math.round(result.private.bestRowsPerSec).toLocaleString('en')} rows/s, ${result.private.ratio.toFixed(2)} of the plain clean's speed`);
      await rm(throughputFile, { force: true });
      await rm(join(dir, 'out'), { recursive: true, force: true });
    }

    if (rssMb > 0) {
      const bigFile = join(dir, 'big.csv');
      const big = await writeDrop(bigFile, Math.ceil((rssMb * (1 << 20)) / BYTES_PER_ROW), MESS_KINDS);
      log(`memory drop: ${big.rows.toLocaleString('en')} rows, ${mb(big.bytes).toFixed(0)} MB; cleaning in a child process...`);
      const m = await childMemoryRun(bigFile, join(dir, 'big-out'));
      result.memory = { fileMb: mb(big.bytes), rows: m.rows, seconds: m.seconds, rowsPerSec: m.rows / m.seconds, peakRssMb: m.peakRssMb, startRssMb: m.startRssMb, goalMb: 512 };
      log(`peak RSS ${m.peakRssMb.toFixed(0)} MB cleaning ${mb(big.bytes).toFixed(0)} MB (goal < 512 MB; ${m.startRssMb.toFixed(0)} MB before the first byte); ${Math.round(m.rows / m.seconds).toLocaleString('en')} rows/s`);
      await rm(bigFile, { force: true });
      await rm(join(dir, 'big-out'), { recursive: true, force: true });
    }

    const longMb = opts.longMb ?? [10, 20, 40, 200];
    if (longMb.length) {
      log('long lines: one row with an S MB quoted comment among 2,000 ordinary rows, against ordinary rows only (same size), each cleaned in a child process');
      const refFile = join(dir, 'long-0.csv');
      const refBytes = await writePieces(refFile, longLineDrop(0));
      const repeatLong = opts.longRepeat ?? 3;
      const ref = await bestRun(repeatLong, () => childMemoryRun(refFile, join(dir, 'long-out')));
      await rm(refFile, { force: true });
      log(`  the same drop with an empty comment (${(refBytes / 1024).toFixed(0)} KB): ${(ref.seconds * 1000).toFixed(0)} ms, peak RSS ${ref.peakRssMb.toFixed(0)} MB`);
      for (const fieldMb of longMb) result.longLines.push(await longLineCase(dir, fieldMb, opts.longReadMb ?? 40, repeatLong, ref.seconds * 1000, log));
    }
    const xlsxRows = opts.xlsxRows ?? 100_000;
    if (xlsxRows > 0) result.xlsx = await xlsxSection(dir, xlsxRows, opts.xlsxMb ?? 50, repeat, log);
    return result;
  } finally {
    if (!opts.keep && !opts.dir) await rm(dir, { recursive: true, force: true });
  }
}

/** The rows of a simulated CSV drop as worksheet rows: digit-only cells as numbers, the rest as text. */
async function* csvAsSheetRows(path: string, limit = Infinity): AsyncGenerator<XRow> {
  const parser = createReadStream(path).pipe(parse({ delimiter: ';', bom: true, relax_column_count: true, relax_quotes: true }));
  let n = 0;
  for await (const rec of parser as AsyncIterable<string[]>) {
    if (n++ > limit) break;
    yield rec.map((c): XCell => (/^[1-9]\d{0,8}$/.test(c) ? Number(c) : c));
  }
  parser.destroy();
}

async function xlsxSection(dir: string, rows: number, xlsxMb: number, repeat: number, log: (s: string) => void): Promise<NonNullable<CleanBenchResult['xlsx']>> {
  const csvFile = join(dir, 'xl.csv');
  const xlFile = join(dir, 'xl.xlsx');
  const gen = await writeDrop(csvFile, rows, MESS_KINDS.filter((k) => k !== 'broken_quote'));
  await writeXlsxFile(xlFile, { sheets: [{ name: 'Data', rows: csvAsSheetRows(csvFile) }] });
  const csvBytes = (await stat(csvFile)).size;
  const xlBytes = (await stat(xlFile)).size;
  log(`excel: ${gen.rows.toLocaleString('en')} rows as CSV (${mb(csvBytes).toFixed(1)} MB) and as .xlsx (${mb(xlBytes).toFixed(1)} MB)`);
  const csvT: number[] = [];
  const xlT: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const c = await cleanFile(csvFile, join(dir, 'xl-out'));
    const x = await cleanFile(xlFile, join(dir, 'xl-out'));
    if (x.manifest.inputRows !== c.manifest.inputRows) throw new Error(`.xlsx read ${x.manifest.inputRows} rows, the CSV ${c.manifest.inputRows}`);
    csvT.push(c.seconds);
    xlT.push(x.seconds);
    log(`  run ${i + 1}: CSV ${c.seconds.toFixed(2)} s, .xlsx ${x.seconds.toFixed(2)} s`);
  }
  const out: NonNullable<CleanBenchResult['xlsx']> = {
    rows: gen.rows, csvMb: mb(csvBytes), xlsxMb: mb(xlBytes), csvRowsPerSec: gen.rows / best(csvT), xlsxRowsPerSec: gen.rows / best(xlT),
    ratio: best(csvT) / best(xlT), memory: null,
  };
  log(`excel: .xlsx ${Math.round(out.xlsxRowsPerSec).toLocaleString('en')} rows/s, CSV ${Math.round(out.csvRowsPerSec).toLocaleString('en')} rows/s (xlsx/CSV speed ${out.ratio.toFixed(2)})`);
  if (xlsxMb > 0) {
    // Scale the row count from the throughput workbook's bytes per row; the simulated rows are recycled as needed.
    const want = Math.ceil((xlsxMb * (1 << 20)) / (xlBytes / gen.rows));
    const bigCsv = join(dir, 'xl-big.csv');
    const bigXl = join(dir, 'xl-big.xlsx');
    await writeDrop(bigCsv, want, MESS_KINDS.filter((k) => k !== 'broken_quote'));
    await writeXlsxFile(bigXl, { sheets: [{ name: 'Data', rows: csvAsSheetRows(bigCsv) }] });
    await rm(bigCsv, { force: true });
    const size = (await stat(bigXl)).size;
    log(`excel memory drop: ${mb(size).toFixed(0)} MB .xlsx; cleaning in a child process...`);
    const m = await childMemoryRun(bigXl, join(dir, 'xl-big-out'));
    out.memory = { xlsxMb: mb(size), rows: m.rows, seconds: m.seconds, rowsPerSec: m.rows / m.seconds, peakRssMb: m.peakRssMb, goalMb: 512 };
    log(`peak RSS ${m.peakRssMb.toFixed(0)} MB cleaning a ${mb(size).toFixed(0)} MB .xlsx of ${m.rows.toLocaleString('en')} rows (goal < 512 MB; ${m.startRssMb.toFixed(0)} MB before the first byte); ${Math.round(m.rows / m.seconds).toLocaleString('en')} rows/s`);
    await rm(bigXl, { force: true });
  }
  await rm(csvFile, { force: true });
  await rm(xlFile, { force: true });
  return out;
}

async function child(path: string, outDir: string, reader?: ReaderOptions): Promise<void> {
  const startRssMb = mb(process.memoryUsage().rss);
  const { manifest, seconds } = await cleanFile(path, outDir, reader);
  // getrusage ru_maxrss is in kilobytes on Linux.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const run: ChildRun = {
    rows: manifest.inputRows, rejected: manifest.rejectedRows, lineTooLong: manifest.reasons.LINE_TOO_LONG ?? 0, seconds, peakRssMb, startRssMb,
  };
  process.stdout.write(JSON.stringify(run) + '\n');
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1]!, argv[2]!, argv[3] ? (JSON.parse(argv[3]) as ReaderOptions) : undefined);
  } else {
    const quick = argv.includes('--quick');
    const result = await runCleanBench({
      rows: Number(flag(argv, '--rows') ?? (quick ? 100_000 : 1_000_000)),
      rssMb: Number(flag(argv, '--rss-mb') ?? (quick ? 100 : 1024)),
      repeat: Number(flag(argv, '--repeat') ?? 3),
      keep: argv.includes('--keep'),
      longMb: (flag(argv, '--long-mb') ?? (quick ? '10,20,40' : '10,20,40,200')).split(',').map(Number).filter((x) => x > 0),
      longReadMb: Number(flag(argv, '--long-read-mb') ?? 40),
      longRepeat: Number(flag(argv, '--long-repeat') ?? 3),
      xlsxRows: Number(flag(argv, '--xlsx-rows') ?? 100_000),
      xlsxMb: Number(flag(argv, '--xlsx-mb') ?? (quick ? 20 : 50)),
    });
    if (argv.includes('--json')) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  }
}
