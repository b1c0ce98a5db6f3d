// satmon clean: one drop in, clean.csv + rejects.csv + manifest.json out (layout in shared/survey/csv-out.ts).
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { constants, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parseFlags, required } from '../args';
import { CliError } from '../errors';
import { readJsonFile as readJson } from '../read-data';
import { loadGroups } from '../../shared/config';
import { cliFormat } from '../i18n';
import { parseLocalDateTime } from '../../shared/period';
import {
  BRANCH_ID_PATTERN, cleanDrop, DEFAULT_UPLOAD_TIME_ZONE, defaultInstrument, DropCsvWriter, DropRejectedError, loadInstrument, messageText,
  parseBranchDirectory, REASON_CODES, type Instrument,
} from '../../shared/survey/index';
import { FileSink } from '../../shared/survey/file-sink';
import { explainDrop, formatExplanation } from '../../shared/survey/explain';

export const summary = 'clean a survey drop into clean rows, rejects and a manifest';

const HELP = `Usage: satmon clean --data D.csv --out DIR [--branch BR07] [--received-at DATE] [--instrument I.json]
                   [--branches B.json] [--delimiter ';'] [--explain [N]]

Cleans one survey drop (one branch and period, or a head-office export of many) and writes
  DIR/clean.csv      the accepted rows (missing answers as empty cells)
  DIR/rejects.csv    line, respondent_id, reasons, the original fields, detail, raw_text
  DIR/manifest.json  counts per reason and per branch and period, sha256 of the input, instrument id/version
Every input row is in exactly one of the two files. Both are comma-separated UTF-8 with LF line ends; a text
cell starting with = + - @ TAB CR or ' gets a leading ' so that a spreadsheet shows it as text (remove one
leading ' from a text cell to get the original back).
Exit status 2, with one line on stderr, when the drop is refused as a whole (missing required columns, empty
file), cannot be read, or the options are wrong.

Options:
  --data FILE         the drop, recognised by content: CSV (; , tab or | delimited; UTF-8 with or without BOM,
                      UTF-16 with or without BOM, or Windows-1252; CRLF, LF or CR), Excel .xlsx (the instrument's
                      "sheet", else the first worksheet) or SPSS .sav. A row over SATMON_MAX_LINE_BYTES (1 MiB) or with a cell over
                      SATMON_MAX_FIELD_BYTES (64 KiB) is rejected as LINE_TOO_LONG; memory stays bounded
  --out DIR           output folder (created)
  --branch ID         treat the file as that branch's upload (as if put in its folder): rows for any other
                      well-formed branch id are rejected with WRONG_BRANCH (default: no check, a head-office file)
  --received-at DATE  when the drop was received, ISO: 2025-08-15, 2025-08-15T10:30 (both Asia/Jakarta time) or
                      2025-08-15T03:30:00Z (default: now). Rows whose period, or submission date's quarter, is
                      after the quarter following this date's quarter are rejected with FUTURE_PERIOD
  --instrument FILE   instrument JSON (default: shared/survey/instruments/default.json)
  --branches FILE     branch directory (the simulator's branches.json, or a JSON list of ids): other ids are rejected
  --delimiter C       force the delimiter (one ASCII character) instead of sniffing it from the header
  --explain [N]       also print, for the first N data rows (default 5), how each declared column's cell was read:
                      header -> column, cell -> value (label -> code, date -> quarter in its zone, branch answer
                      -> id) or why it was refused, and the row's verdict. Same rules as the cleaning; the files
                      are written as usual. A refused header is explained before the exit 2`;

/** A path or value in a one-line message: control characters escaped, at most 200 bytes. */
const show = (s: string) => messageText(s, 200);

function parseBranch(raw: string): string {
  const id = raw.trim().toUpperCase();
  if (!BRANCH_ID_PATTERN.test(id)) {
    throw new CliError(`--branch '${show(raw)}' is not a branch id (letters, digits, - _ . ; at most 32; no '..', no final '.')`);
  }
  return id;
}

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO date or date-time; without an offset it is read on the Jakarta calendar (the upload quarter's zone). */
function parseReceivedAt(raw: string): Date {
  const t = raw.trim();
  const bad = () => new CliError(`--received-at '${show(raw)}' is not an ISO date like 2025-08-15, 2025-08-15T10:30 or 2025-08-15T03:30:00Z`);
  if (WITH_OFFSET.test(t)) {
    const d = new Date(t);
    if (Number.isNaN(d.getTime())) throw bad();
    return d;
  }
  try {
    return parseLocalDateTime(t, DEFAULT_UPLOAD_TIME_ZONE);
  } catch {
    throw bad();
  }
}

/** An I/O error's code (ENOENT, EACCES, EISDIR, ...), or undefined for other errors. */
function ioCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** `--explain` takes an optional count: without one (last, or before another flag) it means 5. */
function explainDefault(argv: string[]): string[] {
  return argv.flatMap((a, i) => (a === '--explain' && (i + 1 === argv.length || argv[i + 1]!.startsWith('-')) ? ['--explain=5'] : [a]));
}

export async function run(argv: string[]): Promise<number> {
  argv = explainDefault(argv);
  const flags = parseFlags(argv, {
    data: { type: 'string' },
    out: { type: 'string' },
    instrument: { type: 'string' },
    branches: { type: 'string' },
    delimiter: { type: 'string' },
    branch: { type: 'string' },
    'received-at': { type: 'string' },
    explain: { type: 'string' },
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
  if (flags.delimiter !== undefined && !/^[\t\x20-\x7e]$/.test(flags.delimiter)) {
    throw new CliError(`--delimiter must be one ASCII character, got '${show(flags.delimiter)}'`);
  }
  let caps: { maxLineBytes: number; maxFieldBytes: number };
  try {
    caps = loadGroups(['survey']).survey;
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0]!);
  }
  const uploaderBranch = flags.branch === undefined ? undefined : parseBranch(flags.branch);
  const receivedAt = flags['received-at'] === undefined ? new Date() : parseReceivedAt(flags['received-at']);
  try {
    if (!(await stat(data)).isFile()) throw new CliError(`--data ${show(data)} is not a file`);
    await access(data, constants.R_OK);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read --data ${show(data)}: ${ioCode(e) ?? (e as Error).message}`);
  }
  try {
    await mkdir(out, { recursive: true });
    await access(out, constants.W_OK);
  } catch (e) {
    throw new CliError(`cannot write to --out ${show(out)}: ${ioCode(e) ?? (e as Error).message}`);
  }

  let explained = null;
  const verdicts = new Map<number, string>();
  if (flags.explain !== undefined) {
    const n = Number(flags.explain);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--explain must be a whole number of rows >= 1, got '${show(flags.explain)}'`);
    const reader = { maxLineBytes: caps.maxLineBytes, maxFieldBytes: caps.maxFieldBytes, ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) };
    explained = await explainDrop(createReadStream(data, { highWaterMark: 1 << 16 }), { instrument, source: data, rows: n, reader });
  }
  const explainedLines = new Set(explained?.rows.map((r) => r.line) ?? []);

  const cleanSink = new FileSink(join(out, 'clean.csv'));
  const rejectSink = new FileSink(join(out, 'rejects.csv'));
  const writer = new DropCsvWriter(instrument, cleanSink, rejectSink);
  let manifest;
  try {
    manifest = await cleanDrop(createReadStream(data, { highWaterMark: 1 << 16 }), {
      instrument,
      source: data,
      knownBranches,
      uploaderBranch,
      receivedAt,
      collectNewRespondents: false,
      // The same line and field caps as ingest (SATMON_MAX_LINE_BYTES, SATMON_MAX_FIELD_BYTES).
      reader: { maxLineBytes: caps.maxLineBytes, maxFieldBytes: caps.maxFieldBytes, ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) },
      onHeader: writer.onHeader,
      onClean: explained ? (r) => { if (explainedLines.has(r.line)) verdicts.set(r.line, 'clean'); return writer.onClean(r); } : writer.onClean,
      onReject: explained ? (r) => { if (explainedLines.has(r.line)) verdicts.set(r.line, `rejected: ${r.details.join('; ')}`); return writer.onReject(r); } : writer.onReject,
    });
    await writer.finish();
  } catch (e) {
    await writer.finish().catch(() => undefined);
    await cleanSink.close();
    await rejectSink.close();
    if (explained) process.stdout.write(formatExplanation(explained, verdicts));
    if (e instanceof DropRejectedError) throw new CliError(e.message); // names the file; escaped and capped
    const code = ioCode(e);
    if (code) throw new CliError(`cannot read --data ${show(data)}: ${code}`);
    throw e;
  }
  await cleanSink.close();
  await rejectSink.close();
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

  if (explained) process.stdout.write(formatExplanation(explained, verdicts) + '\n');
  const fmt = cliFormat();
  // Reason codes stay codes: they are the documented names in rejects.csv and the manifest.
  const reasons = REASON_CODES.filter((c) => manifest.reasons[c] > 0).map((c) => `${c} ${fmt.int(manifest.reasons[c])}`);
  process.stdout.write(fmt.t('cli.clean.summary', {
    file: data, rows: fmt.int(manifest.inputRows), clean: fmt.int(manifest.cleanRows), rejected: fmt.int(manifest.rejectedRows),
    reasons: reasons.length ? ` (${reasons.join(', ')})` : '', groups: fmt.int(manifest.groups.length), out,
  }) + '\n');
  return 0;
}
