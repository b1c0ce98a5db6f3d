// R's Mersenne-Twister, set.seed and sample.int(replace = TRUE, sample.kind "Rejection"), bit for bit.
import { describe, expect, it } from 'vitest';
import { RRandom, seminrResampleRows } from '../../../../../shared/stats/bootstrap/r-rng';
import { parseResampleIndicesCsv } from '../../../../../shared/stats/bootstrap/resample-source';
import { readResampleIndicesFile } from '../../../../../shared/stats/bootstrap/indices-file';
import { refPath } from './helpers';

describe('RRandom against R 4.2.2 (values from test/unit/shared/stats/bootstrap/reference.R)', () => {
  it('runif after set.seed(42)', () => {
    // set.seed(42); runif(5)
    const r = new RRandom(42);
    const want = [0.91480604349635541, 0.93707541329786181, 0.28613953478634357, 0.83044762606732547, 0.64174551889300346];
    for (const w of want) expect(r.unifRand()).toBe(w);
  });

  it.each([
    // [seed, n, size, R's sample.int(n, size, replace = TRUE)]
    [-7, 100000, [12885, 75529, 22569, 52507, 93169, 80621, 27534, 99396]], // 17 bits: two 16-bit chunks
    [2147483647, 2, [1, 2, 2, 1, 1, 2, 2, 1, 1, 1, 1, 1]],
    [5, 1, [1, 1, 1]],
    [0, 70000, [13218, 61911, 41230, 45025, 50453, 61257]],
  ] as const)('set.seed(%i); sample.int(%i, replace = TRUE)', (seed, n, want) => {
    expect([...new RRandom(seed).sampleIntReplace(n, want.length)]).toEqual(want);
  });

  it("is MT19937: from the reference seeding 5489, the 10,000th word is the C++ standard's 4123659995", () => {
    // [rand.predef]: std::mt19937 default-constructed, its 10000th invocation produces 4123659995. The words cross 16
    // blocks, so every position of the block is regenerated from old and new neighbours many times.
    const mt = new Uint32Array(624);
    mt[0] = 5489;
    for (let i = 1; i < 624; i++) mt[i] = (Math.imul(1812433253, mt[i - 1]! ^ (mt[i - 1]! >>> 30)) + i) >>> 0;
    const r = RRandom.fromState(mt);
    let w = 0;
    for (let i = 0; i < 10000; i++) w = Math.round(r.unifRand() * 2 ** 32);
    expect(w).toBe(4123659995);
  });

  it('rejects seeds R cannot take', () => {
    expect(() => new RRandom(1.5)).toThrow(/integer/);
    expect(() => new RRandom(2 ** 31)).toThrow(/integer/);
  });
});

describe("seminr's resample indices (seed 123, all 5000 resamples)", () => {
  it.each([
    ['boot_indices_n250_seed123.csv.gz', 250],
    ['boot_indices_n344_seed123.csv.gz', 344],
  ] as const)('%s', (file, n) => {
    const parsed = readResampleIndicesFile(refPath(`results/${file}`));
    expect(parsed.n).toBe(n);
    expect(parsed.resamples).toHaveLength(5000);
    const rows = new Int32Array(n);
    let mismatched = 0;
    parsed.resamples.forEach((want, i) => {
      seminrResampleRows(123, i + 1, n, rows);
      if (!rows.every((v, k) => v === want[k])) mismatched++;
    });
    expect(mismatched).toBe(0);
  });
});

describe('parseResampleIndicesCsv', () => {
  it('converts 1-based rows to 0-based', () => {
    const p = parseResampleIndicesCsv('resample,r1,r2,r3\n1,3,1,1\n2,2,2,3\n', 'x.csv');
    expect(p.n).toBe(3);
    expect(p.resamples.map((r) => [...r])).toEqual([[2, 0, 0], [1, 1, 2]]);
  });

  it('names file, line and column of a bad cell', () => {
    expect(() => parseResampleIndicesCsv('resample,r1,r2\n1,1,2\n2,2,x\n', 'idx.csv')).toThrow("idx.csv: line 3, column 'r2': 'x' is not a row number in 1..2");
    expect(() => parseResampleIndicesCsv('resample,r1,r2\n1,1,3\n', 'idx.csv')).toThrow("idx.csv: line 2, column 'r2'");
    expect(() => parseResampleIndicesCsv('resample,r1,r2\n2,1,1\n', 'idx.csv')).toThrow("idx.csv: line 2, column 'resample': expected 1");
    expect(() => parseResampleIndicesCsv('resample,r1,r2\n1,1\n', 'idx.csv')).toThrow('idx.csv: line 2: 2 columns, expected 3');
    expect(() => parseResampleIndicesCsv('boot,r1\n1,1\n', 'idx.csv')).toThrow("idx.csv: line 1, column 1: expected 'resample'");
  });
});
