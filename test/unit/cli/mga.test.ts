// `satmon mga` end to end (a real child process) on mobi split by CUEX1 < 8 (test/fixtures/mga/mobi-segments.csv,
// column segment = low / high, written by test/fixtures/mga/mga.R): the group estimates, Henseler's p and the
// permutation p against seminr / R (mga.json), the table output, and one-line errors naming file, column and group.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');
const satmon = (args: string[]) => run(process.execPath, [path.join(root, 'bin/satmon.mjs'), ...args], { cwd: root, maxBuffer: 32 << 20 });
const fixtures = path.join(root, 'test/fixtures/mga');
const model = path.join(fixtures, 'mobi-ecsi.model.json');
const data = path.join(fixtures, 'mobi-segments.csv');
const ref = JSON.parse(readFileSync(path.join(fixtures, 'mga.json'), 'utf8')).mobi_ecsi;

const fail = async (args: string[]): Promise<string> => {
  try {
    await satmon(args);
  } catch (e) {
    const err = e as { code: number; stderr: string };
    expect(err.code).toBe(2);
    return err.stderr.trim();
  }
  throw new Error('satmon mga should have failed');
};

describe('satmon mga', () => {
  it('reproduces seminr estimate_pls_mga (nboot 200, seed 123) and the R permutation test (40 permutations)', async () => {
    const { stdout } = await satmon(['mga', '--model', model, '--data', data, '--group', 'segment', '--groups', 'low,high',
      '--bootstrap', '200', '--permutations', '40', '--seed', '123', '--workers', '2']);
    const out = JSON.parse(stdout);
    expect(out.settings).toEqual({ group: 'segment', groups: ['low', 'high'], bootstrap: 200, permutations: 40, seed: 123, alpha: 0.05, missing: 'mean' });
    expect(out.groups).toEqual([{ label: 'low', n: 108 }, { label: 'high', n: 142 }]);
    expect(out.rowsLeftOut).toBe(0);
    expect(out.plsMga).toEqual({ nboot: 200, successfulA: 200, successfulB: 200, used: 200 });
    out.paths.forEach((p: Record<string, number>, k: number) => {
      const s = ref.pls_mga[k];
      expect(Math.abs(p.pooled! - s.estimate)).toBeLessThan(1e-9);
      expect(Math.abs(p.a! - s.group1_beta)).toBeLessThan(1e-9);
      expect(Math.abs(p.b! - s.group2_beta)).toBeLessThan(1e-9);
      expect(Math.abs(p.diff! - s.diff)).toBeLessThan(1e-9);
      expect(Math.abs(p.bootMeanA! - s.group1_beta_mean)).toBeLessThan(1e-9);
      expect(Math.abs(p.pMga! - s.pls_mga_p)).toBeLessThan(1e-12);
      expect(Math.round(p.pPermutation! * 41)).toBe(Math.round(ref.permutation.p[k] * 41));
    });
    for (const c of out.micom.compositional) expect(Math.abs(c.c - ref.micom.c[c.construct])).toBeLessThan(1e-9);
  }, 120_000);

  it('prints readable tables; without --groups a two-valued column is taken in natural order', async () => {
    const { stdout } = await satmon(['mga', '--model', model, '--data', data, '--group', 'segment', '--bootstrap', '0', '--permutations', '19', '--format', 'table']);
    expect(stdout).toContain("Groups by 'segment': A = 'high' (n = 142), B = 'low' (n = 108)");
    expect(stdout).toContain('MICOM step 2: compositional invariance');
    expect(stdout).toMatch(/Image {2}-> {2}Loyalty +0[.,]196 +0[.,]071 +0[.,]394/);
    expect(stdout).not.toContain('PLS-MGA:');
  }, 60_000);

  it('leaves out rows of other groups; a column with more than two values needs --groups; errors name file, column, group', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'satmon-mga-'));
    const lines = readFileSync(data, 'utf8').trim().split('\n');
    const regions = ['north', 'south', 'east'];
    const three = path.join(dir, 'three.csv');
    writeFileSync(three, [lines[0] + ',region', ...lines.slice(1).map((l, r) => `${l},${r < 2 ? 'tiny' : regions[r % 3]}`)].join('\n') + '\n');

    expect(await fail(['mga', '--model', model, '--data', three, '--group', 'region'])).toBe(
      `satmon: ${three}: column 'region' has 4 values ('east', 'north', 'south', 'tiny'); choose two with --groups A,B`);
    expect(await fail(['mga', '--model', model, '--data', three, '--group', 'region', '--groups', 'north,west'])).toContain(
      `--groups: no row of ${three} has 'west' in column 'region'`);
    expect(await fail(['mga', '--model', model, '--data', three, '--group', 'region', '--groups', 'tiny,north', '--bootstrap', '0'])).toBe(
      `satmon: ${three}: group 'tiny' (column 'region', 2 rows): cannot estimate the model (data: only 2 usable rows (need at least 3))`);
    expect(await fail(['mga', '--model', model, '--data', three, '--group', 'nope'])).toBe(`satmon: ${three}: --group column 'nope' not found in the header`);
    expect(await fail(['mga', '--model', model, '--data', three, '--group', 'CUEX1'])).toContain("--group: column 'CUEX1' is an item of the model");
    expect(await fail(['mga', '--model', model, '--data', three])).toContain('missing required option --group');

    const { stdout } = await satmon(['mga', '--model', model, '--data', three, '--group', 'region', '--groups', 'north,south', '--bootstrap', '0', '--permutations', '9']);
    const out = JSON.parse(stdout);
    expect(out.groups).toEqual([{ label: 'north', n: 83 }, { label: 'south', n: 82 }]);
    expect(out.rowsLeftOut).toBe(85);
    expect(out.paths[0].pMga).toBeUndefined();
    expect(out.permutation).toEqual({ permutations: 9, failed: 0 });

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, [lines[0], lines[1], lines[2]!.replace(/^\d+/, 'x'), ...lines.slice(3)].join('\n') + '\n');
    expect(await fail(['mga', '--model', model, '--data', bad, '--group', 'segment'])).toBe(`satmon: ${bad}: line 3, column 'CUEX1': 'x' is not a number`);
  }, 120_000);
});
