// satmon clean: one drop in, clean.csv + rejects.csv + manifest.json out (layout in shared/survey/csv-out.ts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFlags, required } from '../args';
import { CliError } from '../errors';
import {
  cleanDrop, defaultInstrument, DropCsvWriter, DropRejectedError, loadInstrument, parseBranchDirectory, REASON_CODES,
  type Instrument,
} from '../../shared/survey/index';
import { FileSink } from '../../shared/survey/file-sink';

export const summary = 'clean a survey drop into clean rows, rejects and a manifest';

const HELP = `Usage: satmon clean --data D.csv --out DIR [--instrument I.json] [--branches B.json] [--delimiter ';']

Cleans one survey drop (one branch and period, or a head-office export of many) and writes
  DIR/clean.csv      the accepted rows (missing answers as empty cells)
  DIR/rejects.csv    line, respondent_id, reasons, the original fields, detail, raw_text
  DIR/manifest.json  counts per reason and per branch and period, sha256 of the input, instrument id/version
Every input row is in exactly one of the two files. Exit status 2 when the drop is refused as a whole
(missing required columns, empty file) or the options are wrong.

Options:
  --data FILE         the drop (CSV; ; or , delimited; UTF-8 with or without BOM; CRLF or LF)
  --out DIR           output folder (created)
  --instrument FILE   instrument JSON (default: shared/survey/instruments/default.json)
  --branches FILE     branch directory (the simulator's branches.json, or a JSON list of ids): other ids are rejected
  --delimiter C       force the delimiter instead of sniffing it from the header`;

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    instrument: { type: 'string' },
    branches: { type: 'string' },
    delimiter: { type: 'string' },
  }, HELP);
  if (!flags) return 0;
  const data = required(flags.data, 'data');
  const out = required(flags.out, 'out');
  let instrument: Instrument = defaultInstrument;
  if (flags.instrument) {
    try {
      instrument = loadInstrument(await readJson(flags.instrument, 'instrument'), flags.instrument);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError((e as Error).message);
    }
  }
  let knownBranches: Set<string> | undefined;
  if (flags.branches) {
    try {
      knownBranches = new Set(parseBranchDirectory(await readJson(flags.branches, 'branch directory'), flags.branches).keys());
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError((e as Error).message);
    }
  }
  if (flags.delimiter !== undefined && flags.delimiter.length !== 1) throw new CliError(`--delimiter must be one character, got '${flags.delimiter}'`);
  try {
    if (!(await stat(data)).isFile()) throw new CliError(`--data ${data} is not a file`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read --data ${data}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }

  await mkdir(out, { recursive: true });
  const cleanSink = new FileSink(join(out, 'clean.csv'));
  const rejectSink = new FileSink(join(out, 'rejects.csv'));
  const writer = new DropCsvWriter(instrument, cleanSink, rejectSink);
  let manifest;
  try {
    manifest = await cleanDrop(createReadStream(data, { highWaterMark: 1 << 16 }), {
      instrument,
      source: data,
      knownBranches,
      collectNewRespondents: false,
      reader: flags.delimiter ? { delimiter: flags.delimiter } : undefined,
      onHeader: writer.onHeader,
      onClean: writer.onClean,
      onReject: writer.onReject,
    });
    await writer.finish();
  } catch (e) {
    await writer.finish().catch(() => undefined);
    await cleanSink.close();
    await rejectSink.close();
    if (e instanceof DropRejectedError) throw new CliError(e.message);
    throw e;
  }
  await cleanSink.close();
  await rejectSink.close();
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  const reasons = REASON_CODES.filter((c) => manifest.reasons[c] > 0).map((c) => `${c} ${manifest.reasons[c]}`);
  process.stdout.write(
    `${data}: ${manifest.inputRows} rows -> ${manifest.cleanRows} clean, ${manifest.rejectedRows} rejected` +
      `${reasons.length ? ` (${reasons.join(', ')})` : ''}; ${manifest.groups.length} branch-period group(s); written to ${out}\n`,
  );
  return 0;
}
