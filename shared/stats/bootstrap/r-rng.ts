// R's default random number generator, bit for bit: Mersenne-Twister seeded by set.seed(), unif_rand(), and
// sample.int(n, replace = TRUE) with sample.kind = "Rejection" (R >= 3.6). With it, a seeded bootstrap draws the
// same resamples as seminr's bootstrap_model(seed = s): resample i uses set.seed(s + i); sample.int(n, replace = TRUE).
// Follows R's src/main/RNG.c as described in test/fixtures/reference/SEMINR-CONVENTIONS.md.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
/** 2^-32, R's scaling of a 32-bit word to [0, 1). */
const TWO_M32 = 2.3283064365386963e-10;
/** 1 / (2^32 - 1), R's i2_32m1, used by fixup() to keep unif_rand() inside (0, 1). */
const I2_32M1 = 2.328306437080797e-10;
/** Largest n for which the double arithmetic below is exact (R's sample.int also switches paths above INT_MAX). */
const MAX_N = 2147483647;

const lcg = (s: number): number => (Math.imul(69069, s) + 1) >>> 0;

export class RRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N;

  constructor(seed: number) {
    this.setSeed(seed);
  }

  /**
   * A generator at a given Mersenne-Twister state at the start of a block: R's .Random.seed[3:626] as unsigned words
   * when .Random.seed[2] (mti) is 624, or any MT19937 state just seeded (the next draw regenerates the block).
   */
  static fromState(mt: ArrayLike<number>): RRandom {
    if (mt.length !== N) throw new RangeError(`a Mersenne-Twister state is ${N} words, got ${mt.length}`);
    const r = new RRandom(0);
    for (let j = 0; j < N; j++) r.mt[j] = mt[j]! >>> 0;
    r.mti = N;
    return r;
  }

  /** set.seed(seed) for kind "Mersenne-Twister". */
  setSeed(seed: number): void {
    if (!Number.isInteger(seed) || seed < -MAX_N || seed > MAX_N) {
      throw new RangeError(`seed must be an integer in [-${MAX_N}, ${MAX_N}], got ${seed}`);
    }
    // RNG_Init: 50 scrambling steps, then one word per seed slot. Slot 0 holds mti and is reset to 624 by FixupSeeds.
    let s = seed >>> 0;
    for (let j = 0; j < 50; j++) s = lcg(s);
    s = lcg(s);
    for (let j = 0; j < N; j++) {
      s = lcg(s);
      this.mt[j] = s;
    }
    this.mti = N;
  }

  /**
   * The next tempered 32-bit word of MT_genrand (unsigned). MT19937 regenerates its 624 words a block at a time
   * (R's MT_genrand when mti reaches N); here each word is regenerated when it is used, which gives the same words:
   * word k of a block reads word k (old), word k + 1 (old; for k = 623 word 0, already new) and word k + 397 mod 624
   * (old for k < 227, already new from k = 227), exactly what regenerating the block in order reads. A resample of
   * n rows uses about n words of its fresh state, so the rest of the block is never computed.
   */
  private word(): number {
    const mt = this.mt;
    if (this.mti >= N) this.mti = 0;
    const kk = this.mti++;
    const y0 = (mt[kk]! & UPPER_MASK) | (mt[kk + 1 < N ? kk + 1 : 0]! & LOWER_MASK);
    let y = mt[kk + M < N ? kk + M : kk + M - N]! ^ (y0 >>> 1) ^ (y0 & 1 ? MATRIX_A : 0);
    mt[kk] = y;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** The top 16 bits of the next word: floor(unif_rand() * 65536), R's rbits chunk. */
  private chunk(): number {
    return this.word() >>> 16;
  }

  /** MT_genrand: a 32-bit word scaled to [0, 1). */
  private genrand(): number {
    return this.word() * TWO_M32;
  }

  /** unif_rand(): uniform on the open interval (0, 1). */
  unifRand(): number {
    const v = this.genrand();
    if (v <= 0) return 0.5 * I2_32M1;
    if (1 - v <= 0) return 1 - 0.5 * I2_32M1;
    return v;
  }

  /** R_unif_index(n) with sample.kind "Rejection": a uniform integer in [0, n). */
  unifIndex(n: number): number {
    if (n <= 0) return 0;
    const bits = Math.ceil(Math.log2(n));
    return this.rejectionDraw(n, bits, 2 ** bits);
  }

  /**
   * rbits(bits) until below n: 16-bit chunks (as many as R takes, one per 16 bits counting 0..bits), low bits kept.
   * A chunk is floor(unif_rand() * 65536), which is the word's top 16 bits (unif_rand is word * 2^-32, and its fixup
   * of a zero word still gives chunk 0); the modulus is a power of two below 2^32, so `% modulus` keeps the low bits.
   * Integer-only, bit for bit R's draws (test/unit/shared/stats/bootstrap r-rng tests).
   */
  private rejectionDraw(n: number, bits: number, modulus: number): number {
    const mask = modulus - 1;
    let v: number;
    if (bits < 16) {
      do v = this.chunk() & mask;
      while (v >= n);
      return v;
    }
    if (bits < 32) {
      do v = (this.chunk() * 65536 + this.chunk()) & mask;
      while (v >= n);
      return v;
    }
    do {
      v = 0;
      for (let k = 0; k <= bits; k += 16) v = 65536 * v + Math.floor(this.unifRand() * 65536);
      v %= modulus;
    } while (v >= n);
    return v;
  }

  /** `size` draws of R_unif_index(n), 0-based, into out. */
  fillIndices(n: number, out: Int32Array): Int32Array {
    checkN(n);
    const bits = Math.ceil(Math.log2(n));
    const modulus = 2 ** bits;
    for (let i = 0; i < out.length; i++) out[i] = this.rejectionDraw(n, bits, modulus);
    return out;
  }

  /** sample.int(n, size, replace = TRUE), 1-based like R. */
  sampleIntReplace(n: number, size = n): Int32Array {
    const out = this.fillIndices(n, new Int32Array(size));
    for (let i = 0; i < size; i++) out[i]! += 1;
    return out;
  }
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_N) throw new RangeError(`n must be an integer in [1, ${MAX_N}], got ${n}`);
}

/** One generator for seminrResampleRows: set.seed resets every word of its state, so reusing it changes nothing. */
const resampleRng = new RRandom(0);

/**
 * seminr's resample i (1-based): set.seed(seed + i); sample.int(n, replace = TRUE), returned as 0-based row indices
 * (written into `out` when given). Each resample starts from its own seed, independent of every other.
 */
export function seminrResampleRows(seed: number, i: number, n: number, out: Int32Array = new Int32Array(n)): Int32Array {
  if (out.length !== n) throw new RangeError(`output buffer has length ${out.length}, expected ${n}`);
  resampleRng.setSeed(seed + i);
  return resampleRng.fillIndices(n, out);
}
