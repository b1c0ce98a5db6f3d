// satmon simulate: realistic survey drops from the seed-000/seed-003 population model, plus truth.json and
// branches.json. Streams each file to disk, so large drops are fine.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { intFlag, parseFlags } from '../args';
import { CliError } from '../errors';
import {
  EXPORT_FORMATS, headOfficeFileName, headOfficeTruthFile, MESS_KINDS, simulateExport, type ExportFormat, parseDrift, parseSimulateOptions, simulateCsv, simulateDropFiles,
  simulationTruth, type MessKind, type SimTruthFile, type SimulateOptions, type TruthEntry,
} from '../../shared/survey/index';
import { FileSink } from '../../shared/survey/file-sink';

export const summary = 'generate realistic survey drops from the population model of Suryani et al. (2024) and Rufani et al. (2023)';

const HELP = `Usage: satmon simulate --out DIR [--branches 12] [--periods 2024-Q1..2025-Q4] [--n 400] [--seed S]
                      [--drift BR07:TRUST:-0.4:2025-Q3 ...] [--messy 0.02] [--head-office]
                      [--format excel-id|plain|google-forms|kobo|kobo-xlsx|qualtrics|windows-1252|sav]

Writes one CSV per (branch, period) drop (drop_BR07_2025-Q3.csv), or with --head-office one file with every
branch and period, plus truth.json (options, latent shifts, each branch's SKM unsur level, and every messy row
with the outcome the cleaner must reach) and branches.json (the branch directory: id, name, region, population:
the active participants it serves). Every respondent answers the default instrument's items, the nine SKM unsur
U1-U9 (1-4) included.

Options:
  --out DIR          output folder (created)
  --branches N       number of branches, BR01..BRnn in three regions (default 12)
  --periods P        range 2024-Q1..2025-Q4 or list 2025-Q1,2025-Q2 (default 2024-Q1..2025-Q4)
  --n N              respondents per branch and period (default 400)
  --seed S           seed (default 1); the same seed gives the same files
  --drift D          BRANCH:CONSTRUCT:DELTA:FROM, shift in latent SD units from a period on (repeatable;
                     BRANCH may be *; constructs CRM SQ TRUST GOV SAT TAN REL RES ASR EMP LOY)
  --offset-sd X      SD of the random per-branch offsets (default 0.15)
  --messy R          share of rows made messy, 0-0.5 (default 0)
  --mess-kinds K,K   only these kinds (${MESS_KINDS.join(', ')})
  --head-office      one head-office file instead of one file per drop
  --format F         excel-id (BOM, ';', CRLF, DD/MM/YYYY; default) or plain (',', LF, ISO dates); or the same
                     respondents as a real tool's export, with instrument.json to clean it (no --messy):
                     google-forms (question-text headers, answer labels, Timestamp in WIB, office names),
                     kobo (';', group paths grp_crm/CRM1, _id/_uuid/_submission_time in UTC, _index),
                     kobo-xlsx (the same as Kobo's .xlsx download), qualtrics (three header rows),
                     windows-1252 (a name column with é/è, cp1252 bytes), sav (an SPSS file: value labels on
                     the items, question texts as variable labels, an SPSS date).
                     Export files are built in memory: keep them to a few hundred thousand rows.`;

function numberFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`--${flag} must be a number, got '${value}'`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, {
    out: { type: 'string' },
    branches: { type: 'string' },
    periods: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    drift: { type: 'string', multiple: true },
    'offset-sd': { type: 'string' },
    messy: { type: 'string' },
    'mess-kinds': { type: 'string' },
    'head-office': { type: 'boolean' },
    format: { type: 'string' },
  }, HELP);
  if (!flags) return 0;
  if (!flags.out) throw new CliError('missing required option --out');
  const out = flags.out;
  let o: SimulateOptions;
  const format = flags.format ?? 'excel-id';
  const exportFormat = (EXPORT_FORMATS as readonly string[]).includes(format) ? (format as ExportFormat) : null;
  if (!exportFormat && format !== 'excel-id' && format !== 'plain') {
    throw new CliError(`--format: unknown format '${format}' (excel-id, plain, ${EXPORT_FORMATS.join(', ')})`);
  }
  if (exportFormat && flags.messy !== undefined && Number(flags.messy) !== 0) {
    throw new CliError(`--messy applies to the excel-id and plain formats, not to ${exportFormat}`);
  }
  try {
    const kinds = flags['mess-kinds']?.split(',').map((k) => k.trim());
    for (const k of kinds ?? []) {
      if (!(MESS_KINDS as readonly string[]).includes(k)) throw new CliError(`--mess-kinds: unknown kind '${k}' (kinds: ${MESS_KINDS.join(', ')})`);
    }
    o = parseSimulateOptions({
      seed: flags.seed ?? '1',
      branches: intFlag(flags.branches, 'branches', 12),
      periods: flags.periods ?? '2024-Q1..2025-Q4',
      n: intFlag(flags.n, 'n', 400),
      offsetSd: numberFlag(flags['offset-sd'], 'offset-sd', 0.15),
      drifts: (flags.drift ?? []).map(parseDrift),
      messy: numberFlag(flags.messy, 'messy', 0),
      messKinds: kinds as MessKind[] | undefined,
      format: exportFormat ? 'plain' : (format as 'excel-id' | 'plain'),
      headOffice: flags['head-office'] ?? false,
    });
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }

  await mkdir(out, { recursive: true });
  const files: SimTruthFile[] = [];
  if (exportFormat) {
    const ex = await simulateExport(o, exportFormat);
    for (const f of ex.files) {
      await writeFile(join(out, f.file), f.bytes);
      files.push({ file: f.file, branch: f.branch, period: f.period, rows: f.rows, headerStyle: 'exact', messy: [] });
    }
    await writeFile(join(out, 'instrument.json'), JSON.stringify(ex.instrument, null, 2) + '\n');
  } else if (o.headOffice) {
    const sink = new FileSink(join(out, headOfficeFileName(o)));
    const messy: TruthEntry[] = [];
    let rows = 0;
    for (const chunk of simulateCsv(o, (t) => messy.push(t), (n) => (rows = n))) await sink.write(chunk);
    await sink.close();
    files.push(headOfficeTruthFile(o, rows, messy));
  } else {
    for (const d of simulateDropFiles(o)) {
      const sink = new FileSink(join(out, d.file));
      for (const chunk of d.chunks) await sink.write(chunk);
      await sink.close();
      files.push(d.truth());
    }
  }
  const truth = simulationTruth(o, files);
  await writeFile(join(out, 'truth.json'), JSON.stringify(truth, null, 1) + '\n');
  await writeFile(join(out, 'branches.json'), JSON.stringify(o.branches, null, 2) + '\n');
  process.stdout.write(
    `${files.length} file(s), ${truth.summary.rows} rows (${truth.summary.expectReject} to be rejected) for ` +
      `${o.branches.length} branches x ${o.periods.length} periods, seed ${o.seed}; written to ${out}\n`,
  );
  return 0;
}

