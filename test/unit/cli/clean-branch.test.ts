// `satmon clean --branch / --received-at`, formula-protected output, and every refusal of the input as exit 2 with
// one line on stderr. In-process for the files; as a child process (tsx on the sources, no dist build) for the
// exit status and stderr.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as clean } from '../../../cli/commands/clean';
import { CliError } from '../../../cli/errors';
import { unprotectCell, type DropManifest } from '../../../shared/survey/index';
import { FIXTURES, MIN_HEADER, minimalCsv } from '../shared/survey/helpers';

const ROOT = join(import.meta.dirname, '../../..');
const INSTRUMENT = join(FIXTURES, 'minimal-instrument.json');
const ok = (id: string, branch = 'BR07', period = '2025-Q1') => `${id},${branch},${period},4,4,5,4,3,4,4,5`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'satmon-clean-branch-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const readCsv = async (p: string) => parse(await readFile(p, 'utf8')) as string[][];
const manifestOf = async (out: string) => JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as DropManifest;

async function drop(name: string, rows: string[]): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, minimalCsv(rows));
  return p;
}

describe('satmon clean --branch', () => {
  it("treats the file as that branch's upload: other branches' rows are WRONG_BRANCH", async () => {
    const data = await drop('br07.csv', [ok('a'), ok('b', 'BR01'), ok('c', 'br07')]);
    const out = join(dir, 'out-br07');
    expect(await clean(['--data', data, '--out', out, '--instrument', INSTRUMENT, '--branch', 'br07', '--received-at', '2025-02-01'])).toBe(0);
    const rejects = await readCsv(join(out, 'rejects.csv'));
    expect(rejects.slice(1).map((r) => [r[1], r[2]])).toEqual([['b', 'WRONG_BRANCH']]);
    expect(rejects[1]!.at(-2)).toBe('WRONG_BRANCH branch_id="BR01": the row is for BR01, the file was uploaded to the folder of BR07');
    expect((await readCsv(join(out, 'clean.csv'))).slice(1).map((r) => r[0])).toEqual(['a', 'c']);
    expect((await manifestOf(out)).reasons.WRONG_BRANCH).toBe(1);
  });
  it('without --branch nothing changes (a head-office file)', async () => {
    const data = await drop('office.csv', [ok('a'), ok('b', 'BR01')]);
    const out = join(dir, 'out-office');
    await clean(['--data', data, '--out', out, '--instrument', INSTRUMENT, '--received-at', '2025-02-01']);
    expect((await manifestOf(out)).cleanRows).toBe(2);
  });
  it('refuses a malformed branch id with a one-line CliError', async () => {
    const data = await drop('any.csv', [ok('a')]);
    for (const bad of ['BR07..', 'BR 07', '', 'BR07.', '-BR07']) {
      const err = await clean(['--data', data, '--out', join(dir, 'x'), `--branch=${bad}`]).catch((e) => e);
      expect(err, bad).toBeInstanceOf(CliError);
      expect(err.message).toMatch(/^--branch '.*' is not a branch id/);
    }
  });
});

describe('satmon clean --received-at', () => {
  const rows = [ok('a', 'BR07', '2025-Q3'), ok('b', 'BR07', '2025-Q4'), ok('c', 'BR07', '2026-Q1'), ok('d', 'BR07', '2099-Q1')];
  it('rejects periods after the quarter following the upload quarter (Jakarta calendar without an offset)', async () => {
    const data = await drop('future.csv', rows);
    const reasons = async (at: string) => {
      const out = join(dir, `out-${at.replace(/[^0-9A-Za-z]/g, '')}`);
      await clean(['--data', data, '--out', out, '--instrument', INSTRUMENT, '--received-at', at]);
      return (await readCsv(join(out, 'rejects.csv'))).slice(1).map((r) => `${r[1]} ${r[2]}`);
    };
    expect(await reasons('2025-08-15')).toEqual(['c FUTURE_PERIOD', 'd FUTURE_PERIOD']);
    expect(await reasons('2025-09-30T23:59')).toEqual(['c FUTURE_PERIOD', 'd FUTURE_PERIOD']);
    expect(await reasons('2025-10-01')).toEqual(['d FUTURE_PERIOD']);
    expect(await reasons('2025-09-30T17:00:00Z')).toEqual(['d FUTURE_PERIOD']); // = 2025-10-01 00:00 in Jakarta
  });
  it('defaults to now: 2099-Q1 is always in the future', async () => {
    const data = await drop('now.csv', [ok('a', 'BR07', '2025-Q1'), ok('d', 'BR07', '2099-Q1')]);
    const out = join(dir, 'out-now');
    await clean(['--data', data, '--out', out, '--instrument', INSTRUMENT]);
    expect((await manifestOf(out)).reasons.FUTURE_PERIOD).toBe(1);
  });
  it('refuses a value that is not an ISO date', async () => {
    const data = await drop('any2.csv', [ok('a')]);
    for (const bad of ['yesterday', '15/08/2025', '2025-02-30', '2025-08-15T25:00']) {
      await expect(clean(['--data', data, '--out', join(dir, 'x'), '--received-at', bad]), bad).rejects.toThrow(/^--received-at '.*' is not an ISO date/);
    }
  });
});

describe('formula injection in the files satmon clean writes', () => {
  it('ids, branch cells and raw_text that a spreadsheet would run are written as text, and read back exactly', async () => {
    const ids = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1)', "'quoted"];
    const data = join(dir, 'formula.csv');
    const lines = [MIN_HEADER, ...ids.map((id) => `"${id.replace(/"/g, '""')}",BR07,2025-Q1,4,4,5,4,3,4,4,5`), '=1+1,=2+2,2025-Q1,4,4,5,4,3,4,4,5'];
    await writeFile(data, lines.join('\n') + '\n');
    const out = join(dir, 'out-formula');
    await clean(['--data', data, '--out', out, '--instrument', INSTRUMENT, '--received-at', '2025-02-01']);
    const cleanCsv = await readCsv(join(out, 'clean.csv'));
    expect(cleanCsv.slice(1).map((r) => r[0])).toEqual(ids.map((id) => `'${id}`));
    expect(cleanCsv.slice(1).map((r) => unprotectCell(r[0]!))).toEqual(ids);
    const rejects = await readCsv(join(out, 'rejects.csv'));
    const r = rejects[1]!;
    expect(r.slice(1, 3)).toEqual(["'=1+1", 'BAD_BRANCH']);
    expect(r.slice(3, 5)).toEqual(["'=1+1", "'=2+2"]); // the row's own id and branch cells
    expect(r.at(-1)).toBe("'" + lines.at(-1)); // raw_text
    expect(unprotectCell(r.at(-1)!)).toBe(lines.at(-1));
    for (const cell of [...cleanCsv.flat(), ...rejects.flat()]) expect(/^[=+\-@\t\r]/.test(cell), cell).toBe(false);
  });
});

describe('exit status 2 and one line on stderr for every refusal of the input', () => {
  const satmon = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'cli/satmon.ts', 'clean', ...args], { cwd: ROOT, env: { ...process.env, SATMON_DEBUG: '' } }, (err, _stdout, stderr) => {
        resolve({ code: err ? Number(err.code) : 0, stderr });
      });
    });
  const oneLine = (r: { code: number; stderr: string }, pattern: RegExp) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  };

  it('missing file, a folder, a drop refused as a whole (a 600 KB header), bad flags', async () => {
    const big = join(dir, 'big-header.csv');
    await writeFile(big, `${'x'.repeat(600_000)}\n1\n`);
    const data = await drop('fine.csv', [ok('a')]);
    const out = join(dir, 'exit-out');
    const [missing, folder, refused, badBranch, badDate, unknown] = await Promise.all([
      satmon(['--data', join(dir, 'nope.csv'), '--out', out]),
      satmon(['--data', dir, '--out', out]),
      satmon(['--data', big, '--out', out, '--instrument', INSTRUMENT]),
      satmon(['--data', data, '--out', out, '--branch', 'BR01..']),
      satmon(['--data', data, '--out', out, '--received-at', 'soon']),
      satmon(['--data', data, '--out', out, '--bogus']),
    ]);
    oneLine(missing, /^satmon: cannot read --data .*nope\.csv: ENOENT$/m);
    oneLine(folder, /^satmon: --data .* is not a file$/m);
    oneLine(refused, /^satmon: .*big-header\.csv: line 1: /m); // refused by the reader's limits or as MISSING_COLUMNS
    expect(Buffer.byteLength(refused.stderr)).toBeLessThan(1100);
    oneLine(badBranch, /^satmon: --branch 'BR01\.\.' is not a branch id/m);
    oneLine(badDate, /^satmon: --received-at 'soon' is not an ISO date/m);
    oneLine(unknown, /^satmon: Unknown option '--bogus'/m);
  }, 60_000);
});
