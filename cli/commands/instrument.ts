// satmon instrument draft: a draft instrument from an export as it is (logic in shared/survey/draft.ts).
import { createReadStream } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { intFlag, parseFlags, required } from '../args';
import { CliError } from '../errors';
import { cliFormat } from '../i18n';
import { DEFAULT_SAMPLE_ROWS, draftInstrument, draftSummary, modelConstructs, readExportSample } from '../../shared/survey/draft';
import { messageText } from '../../shared/survey/fields';
import { DropRejectedError } from '../../shared/survey/clean';

export const summary = 'draft an instrument from a survey export (Google Forms, Kobo, Qualtrics, CSV)';

const DEFAULT_MODEL = join(import.meta.dirname, '../../shared/models/satisfaction.json');

const HELP = `Usage: satmon instrument draft --data EXPORT.(csv|xlsx) --out I.json [--model M.json] [--sample N] [--sheet NAME]
                                [--delimiter ';']

Reads the header and the answers of an export (the first N data rows) and writes a draft instrument:
  - idColumn, branchColumn, dateColumn / periodColumn guessed from header words (Nomor Kartu Peserta, KPJ,
    ID Responden, Kantor Cabang, Cabang, Timestamp, _submission_time, Tanggal, Triwulan, ...) and from the
    answers (unique per row, few distinct offices, dates, quarters); each guess with its reason in draft.columns
  - every answer-label set found (Indonesian and English agreement, satisfaction, frequency and quality scales,
    the SKM's 4-point sets, labels carrying their code like "5 - Sangat Setuju") with counts and the proposed
    codes, in scale.labels (or itemScales for items on another scale)
  - question columns in order, assigned to the model's items where the header names one (CRM1, grp_crm/CRM1,
    "CRM1. question text", "Question [CRM1]"); the others as draft.columnAliasCandidates
  - free-text columns as textColumns; survey-tool metadata (_id, _uuid, start, ...) left out
  - draft.undecided: what it could not decide, in plain words. Undecided required fields are left "" so that
    the draft does not load until they are filled.
A summary is printed on stderr. Edit the draft, then check it with satmon clean --explain.
Exit status 2 when the export cannot be read or the options are wrong.

Options:
  --data FILE       the export, recognised by its content as the cleaner does: CSV (, ; tab or | delimited;
                    UTF-8, UTF-16 or Windows-1252) or an Excel .xlsx workbook. SPSS .sav is refused for now
                    (the drop reader does not read it yet): export it as CSV or .xlsx
  --sheet NAME      the worksheet of an .xlsx export (default: the first)
  --out FILE        where to write the draft (JSON)
  --model FILE      the model whose items to look for (default shared/models/satisfaction.json; a regression
                    model or an instrument file works too)
  --sample N        data rows to read (default ${DEFAULT_SAMPLE_ROWS.toLocaleString('en')}; the first N rows)
  --delimiter C     force the delimiter instead of sniffing it from the header`;

const show = (s: string) => messageText(s, 200);

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(HELP + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'draft') throw new CliError(`unknown subcommand 'instrument ${show(sub)}' (try satmon instrument --help)`);
  const flags = parseFlags(rest, {
    data: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' }, sample: { type: 'string' }, delimiter: { type: 'string' },
    sheet: { type: 'string' },
  }, HELP);
  if (!flags) return 0;
  const data = required(flags.data, 'data');
  const out = required(flags.out, 'out');
  const sample = intFlag(flags.sample, 'sample', DEFAULT_SAMPLE_ROWS);
  if (sample < 1) throw new CliError(`--sample must be at least 1, got ${sample}`);
  if (flags.delimiter !== undefined && !/^[\t\x20-\x7e]$/.test(flags.delimiter)) {
    throw new CliError(`--delimiter must be one ASCII character, got '${show(flags.delimiter)}'`);
  }
  const modelPath = flags.model ?? DEFAULT_MODEL;
  let constructs: Record<string, string[]>;
  try {
    constructs = modelConstructs(JSON.parse(await readFile(modelPath, 'utf8')), modelPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(code ? `cannot read --model ${show(modelPath)}: ${code}` : (e as Error).message.split('\n')[0]!);
  }
  try {
    if (!(await stat(data)).isFile()) throw new CliError(`--data ${show(data)} is not a file`);
    await access(data, constants.R_OK);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read --data ${show(data)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let draft;
  try {
    const s = await readExportSample(createReadStream(data, { highWaterMark: 1 << 16 }), {
      sample, source: data, reader: flags.delimiter ? { delimiter: flags.delimiter } : {}, ...(flags.sheet ? { sheet: flags.sheet } : {}),
    });
    draft = draftInstrument(s, { source: data, constructs });
  } catch (e) {
    if (e instanceof DropRejectedError) throw new CliError(e.message); // names the file
    throw new CliError(`${show(data)}: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    await writeFile(out, JSON.stringify(draft, null, 2) + '\n');
  } catch (e) {
    throw new CliError(`cannot write --out ${show(out)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  process.stderr.write(`${draftSummary(draft)}\n${cliFormat().t('cli.writtenTo', { file: out })}\n`);
  return 0;
}
