// Fast non-cryptographic 64-bit hashing for respondent keys and answer fingerprints.
//
// Two 32-bit multiply-xorshift lanes cross-mixed at the end (the structure of bryc's public-domain cyrb53, kept
// at the full 64 bits). It is not for adversaries: it identifies duplicates among honest survey rows, where a
// collision (probability about n²/2⁶⁵ for n keys) would at worst call two different respondents duplicates.
// The input bytes of a drop are fingerprinted with sha256 instead (clean.ts).

export class Hash64 {
  private h1 = 0;
  private h2 = 0;

  constructor(private readonly seed = 0) {
    this.reset();
  }

  reset(): this {
    this.h1 = 0xdeadbeef ^ this.seed;
    this.h2 = 0x41c6ce57 ^ this.seed;
    return this;
  }

  /** Feeds one small integer (0..65535 keeps full entropy), e.g. an answer code or a char code. */
  int(v: number): this {
    this.h1 = Math.imul(this.h1 ^ v, 2654435761);
    this.h2 = Math.imul(this.h2 ^ v, 1597334677);
    return this;
  }

  /** Feeds a string's UTF-16 code units followed by a terminator, so ('ab','c') and ('a','bc') differ. */
  str(s: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = Math.imul(h1 ^ 0x1ffff, 2654435761);
    this.h2 = Math.imul(h2 ^ 0x1ffff, 1597334677);
    return this;
  }

  /** Final mix; writes the two 32-bit halves (unsigned) into out[0], out[1]. Does not reset. */
  digest(out: Uint32Array | number[]): void {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    out[0] = h1 >>> 0;
    out[1] = h2 >>> 0;
  }

  /** 16 lowercase hex digits of the digest. */
  hex(): string {
    const out = [0, 0];
    this.digest(out);
    return hex8(out[0]!) + hex8(out[1]!);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 8 lowercase hex digits of an unsigned 32-bit value (table-driven: this runs once per row). */
export function hex8(v: number): string {
  return HEX[(v >>> 24) & 255]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
}

/** 64-bit hash of a string as 16 hex digits. */
export function hashString(s: string, seed = 0): string {
  return new Hash64(seed).str(s).hex();
}
