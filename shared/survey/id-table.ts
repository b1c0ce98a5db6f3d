// Respondent ids accepted so far in one (branch, period) of a drop, in 16 bytes a slot so a multi-million-row
// drop dedupes in flat, predictable memory (a Map of strings costs about 100 bytes an entry; measured 850 MB
// for 8 M ids). A key is the 64-bit hash of the id (hash.ts); the slot keeps 32 bits of the answer hash (to
// tell exact copies from conflicting ones) and the line of the first copy (for the reject detail).

const EMPTY = 0; // line numbers start at 1, so line 0 marks a free slot

export interface SeenEntry { answer32: number; line: number }

export class IdTable {
  private mask: number;
  private keyA: Uint32Array;
  private keyB: Uint32Array;
  private answer: Uint32Array;
  private lines: Uint32Array;
  private count = 0;

  constructor(initialCapacity = 256) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.mask = cap - 1;
    this.keyA = new Uint32Array(cap);
    this.keyB = new Uint32Array(cap);
    this.answer = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the slot arrays. */
  get bytes(): number {
    return this.keyA.byteLength * 4;
  }

  /** The entry for key (a, b), or null. */
  get(a: number, b: number): SeenEntry | null {
    const { mask, keyA, keyB, lines } = this;
    let i = a & mask;
    for (;;) {
      const ln = lines[i]!;
      if (ln === EMPTY) return null;
      if (keyA[i] === a && keyB[i] === b) return { answer32: this.answer[i]!, line: ln };
      i = (i + 1) & mask;
    }
  }

  /** Adds key (a, b) unless present; returns false when it was already there. */
  add(a: number, b: number, answer32: number, line: number): boolean {
    if (line <= 0) throw new Error('IdTable: line numbers start at 1');
    if ((this.count + 1) * 10 > (this.mask + 1) * 7) this.grow();
    const { mask, keyA, keyB, lines } = this;
    let i = a & mask;
    for (;;) {
      const ln = lines[i]!;
      if (ln === EMPTY) break;
      if (keyA[i] === a && keyB[i] === b) return false;
      i = (i + 1) & mask;
    }
    keyA[i] = a;
    keyB[i] = b;
    this.answer[i] = answer32;
    lines[i] = line;
    this.count++;
    return true;
  }

  private grow(): void {
    const { keyA, keyB, answer, lines } = this;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.keyA = new Uint32Array(cap);
    this.keyB = new Uint32Array(cap);
    this.answer = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
    this.count = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== EMPTY) this.add(keyA[i]!, keyB[i]!, answer[i]!, lines[i]!);
    }
  }
}
