// satmon ikm: the IKM of Permenpan RB 14/2017 of every branch and the network, per quarter and per year, from survey
// drops cleaned with an instrument that declares its unsur (`"ikm": {"unsur": [...]}`).
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { intFlag, parseFlags, required } from '../args';
import { CliError } from '../errors';
import { readJsonFile as readJson } from '../read-data';
import { formatTable } from '../format-table';
import { dropFiles } from '../../shared/layout/drop-files';
import { ikmUnits, NETWORK_UNIT, type IkmUnit } from '../../shared/assess/ikm-units';
import { createFormat } from '../../shared/i18n/format';
import { cliLocale } from '../i18n';
import { BAND_NAME_KEY } from '../../shared/i18n/messages/ikm';
import type { WeightRule } from '../../shared/stats/ikm';
import { cleanDrop, DropRejectedError, loadInstrument, parseBranchDirectory, type BranchInfo, type Instrument } from '../../shared/survey/index';

export const summary = 'the IKM of Permenpan RB 14/2017 per branch and network, quarter and year';

const HELP = `Usage: satmon ikm --data D --instrument I.json [--out R.json] [--branches B.json] [--weights exact|regulation]
                 [--bootstrap N] [--bootstrap-aggregate N] [--seed S] [--format json|table] [--lang id|en]

Cleans the drops in D (a file, or a folder's .csv, .txt, .xlsx and .sav files, recursively, as satmon clean reads them) with the
instrument, whose "ikm" section names its unsur (U1-U9), and prints or writes
  {"units": [{"branch", "period", "n", "ikm", "ikmLow", "ikmHigh", "band", "nrr": {"U1": ...}, ...}]}
for every branch x quarter and branch x year in the data, and the network ("branch": "network").
NRR = mean of an unsur's valid answers; IKM = sum of NRR x 1/9 x 25 (25-100); band on the IKM rounded to two
decimals: A >= 88.31, B >= 76.61, C >= 65.00, else D. CI: percentile bootstrap of the respondents (95%).

Options:
  --out FILE         write the JSON there instead of printing it
  --branches FILE    branch directory; with populations ("population": active participants) each unit also gets the
                     Krejcie-Morgan sample size and whether n reaches it
  --weights RULE     exact (1/9, default) or regulation (0.111 as the regulation's tables print it: 0.1% lower)
  --bootstrap N      resamples for a branch's CI (default 1000; 0 for none)
  --bootstrap-aggregate N
                     resamples for the network's CI (default 200, as the pipeline's SATMON_NBOOT_AGGREGATE: its n is
                     large and its SE small)
  --seed S           bootstrap seed (default 20240101)
  --format F         json (default) or table
  --lang L           language of the table (id or en; default SATMON_LOCALE, id)`;

/** The drops to read: the file given, or a folder's drop files as the pipeline uploads them. */
async function files(path: string): Promise<string[]> {
  let s;
  try { s = await stat(path); } catch { throw new CliError(`${path}: no such file or folder`); }
  return s.isDirectory() ? dropFiles(path) : [path];
}

/** Clean rows of every drop: branch, quarter and the unsur answers (a respondent met twice in a quarter counts once). */
async function unsurRows(paths: readonly string[], instrument: Instrument, unsur: readonly string[], directory?: Map<string, BranchInfo>) {
  const pos = unsur.map((u) => instrument.items.indexOf(u));
  const branches: string[] = [], periods: string[] = [];
  const cols: number[][] = unsur.map(() => []);
  const seen = new Set<string>();
  let rejected = 0, duplicates = 0;
  for (const path of paths) {
    try {
      await cleanDrop(createReadStream(path, { highWaterMark: 1 << 16 }), {
        instrument, source: path, ...(directory ? { knownBranches: directory } : {}), collectNewRespondents: false,
        onClean: (r) => {
          const key = `${r.branch}\u0000${r.period}\u0000${r.respondentId}`;
          if (seen.has(key)) { duplicates++; return; }
          seen.add(key);
          branches.push(r.branch); periods.push(r.period);
          pos.forEach((p, j) => cols[j]!.push(r.items[p]!));
        },
        onReject: () => { rejected++; },
      });
    } catch (e) {
      if (e instanceof DropRejectedError) throw new CliError(e.message.split('\n')[0]!);
      throw e;
    }
  }
  return { branches, periods, cols: cols.map((c) => Float64Array.from(c)), rejected, duplicates };
}

function toJson(u: IkmUnit) {
  const r = u.result;
  return {
    branch: u.branch, period: u.period, n: r.n, ikm: r.ikm, ikmLow: r.ciLow, ikmHigh: r.ciHigh, band: r.band,
    nrr: Object.fromEntries(r.unsur.map((x) => [x.unsur, x.nrr])),
    ikmRounded: r.ikmRounded, se: r.se, moe: r.moe,
    nrrWeighted: Object.fromEntries(r.unsur.map((x) => [x.unsur, x.weighted])),
    answered: Object.fromEntries(r.unsur.map((x) => [x.unsur, x.n])),
    priorities: r.priorities,
    ...(u.sample ? { sample: u.sample } : {}),
  };
}

/** JSON cannot hold NaN: a figure that does not exist is null. */
const finite = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv, {
    data: { type: 'string' }, instrument: { type: 'string' }, out: { type: 'string' }, branches: { type: 'string' },
    weights: { type: 'string' }, bootstrap: { type: 'string' }, 'bootstrap-aggregate': { type: 'string' }, seed: { type: 'string' }, format: { type: 'string' },
  }, HELP);
  if (!f) return 0;
  const instrumentPath = required(f.instrument as string | undefined, 'instrument');
  let instrument: Instrument;
  try { instrument = loadInstrument(await readJson(instrumentPath, 'instrument'), instrumentPath); } catch (e) { throw e instanceof CliError ? e : new CliError((e as Error).message); }
  const ikmSpec = instrument.spec.ikm;
  if (!ikmSpec) throw new CliError(`${instrumentPath}: the instrument has no "ikm" section naming its unsur (e.g. "ikm": {"unsur": ["U1", ..., "U9"]})`);
  const weights = (f.weights ?? ikmSpec.weights) as WeightRule;
  if (weights !== 'exact' && weights !== 'regulation') throw new CliError(`--weights must be exact or regulation, got '${f.weights}'`);
  const format = (f.format ?? 'json') as string;
  if (format !== 'json' && format !== 'table') throw new CliError(`--format must be json or table, got '${format}'`);
  const nboot = intFlag(f.bootstrap as string | undefined, 'bootstrap', 1000);
  if (nboot < 0) throw new CliError('--bootstrap must be 0 or more');
  const nbootAggregate = intFlag(f['bootstrap-aggregate'] as string | undefined, 'bootstrap-aggregate', Math.min(nboot, 200));
  if (nbootAggregate < 0) throw new CliError('--bootstrap-aggregate must be 0 or more');
  const seed = intFlag(f.seed as string | undefined, 'seed', 20240101);
  const directory = f.branches ? parseBranchDirectory(await readJson(f.branches as string, 'branch directory'), f.branches as string) : undefined;
  // the directory passed, else the instrument's (as the pipeline reads branches.json over the instrument's list)
  const branchDirectory = directory ?? instrument.branches ?? undefined;

  const dataPath = required(f.data as string | undefined, 'data');
  const rows = await unsurRows(await files(dataPath), instrument, ikmSpec.unsur, directory);
  if (rows.branches.length === 0) throw new CliError(`${dataPath}: no clean rows (${rows.rejected} rejected; see satmon clean --explain)`);
  const units = ikmUnits({ branches: rows.branches, periods: rows.periods, unsur: ikmSpec.unsur, cols: rows.cols }, { weights, nboot, nbootAggregate, seed }, branchDirectory);
  const doc = { weights, nboot, nbootAggregate, seed, rows: rows.branches.length, rejected: rows.rejected, duplicates: rows.duplicates, units: units.map(toJson) };

  if (format === 'table') {
    const fmt = createFormat(cliLocale());
    const t = fmt.t;
    const text = formatTable(
      [{ header: t('ikm.col.unit') }, { header: t('ikm.col.period') }, { header: 'n', align: 'right' }, { header: 'IKM', align: 'right' },
        { header: t('ikm.col.ci'), align: 'right' }, { header: t('ikm.col.band') }, ...ikmSpec.unsur.map((u) => ({ header: u, align: 'right' as const }))],
      units.map((u) => [
        u.branch === NETWORK_UNIT ? t('ikm.network') : u.branch, fmt.period(u.period), fmt.int(u.result.n), fmt.num(u.result.ikm, 2),
        fmt.ci(u.result.ciLow, u.result.ciHigh), u.result.band ? t(BAND_NAME_KEY[u.result.band]) : '–',
        ...u.result.unsur.map((x) => fmt.num(x.nrr, 2)),
      ]),
      { title: t('ikm.tableTitle'), footnotes: [t('ikm.tableNote')] },
    );
    process.stdout.write(text + '\n');
  }
  const json = JSON.stringify(doc, finite, 2) + '\n';
  if (f.out) await writeFile(f.out as string, json);
  else if (format === 'json') process.stdout.write(json);
  process.stderr.write(`${dataPath}: ${rows.branches.length} clean rows, ${rows.rejected} rejected, ${units.length} units\n`);
  return 0;
}
