// Writes SPSS system files (.sav) for the simulator and the tests: what a head-office analyst's SPSS export holds
// (numeric codes with value labels, variable labels, strings, dates, user-missing codes). Follows the PSPP manual's
// "System File Format", the same description sources/sav.ts reads by; R haven reads these files back (checked by
// hand while writing this module: haven::read_sav on a file of every option).
//
//   writeSav(columns, rows, { compression: 'none' | 'bytecode' | 'zlib', byteOrder: 'little' | 'big' }) -> Buffer
//
// Cells: a number (or null/undefined/'' = system-missing) for numeric columns; for 'date' columns 'YYYY-MM-DD',
// for 'datetime' columns 'YYYY-MM-DDTHH:MM:SS' (wall-clock, no offset); text for string columns (null = blanks).
// Names longer than 8 bytes get short names V1, V2, ... and a long-name record; strings over 255 bytes are
// written as very long strings (segments of 255 bytes). The whole file is built in memory: simulated drops are
// small, and a test needs the bytes anyway.
import { deflateSync } from 'node:zlib';
import { CP1252_HIGH } from '../sources/sav';

export interface SavColumn {
  name: string;
  type: 'number' | 'string' | 'date' | 'datetime';
  /** String width in bytes (1..32767). Default: the longest value's bytes (at least 1). */
  width?: number;
  /** Variable label. */
  label?: string;
  /** Code (number, or a string of at most 8 bytes) -> label. */
  valueLabels?: [number | string, string][];
  /** Up to three discrete user-missing values (strings of at most 8 bytes). */
  missing?: (number | string)[];
  /** Print decimals of a number column (default 0 when every value is an integer, else 2). */
  decimals?: number;
}

export type SavCell = number | string | null | undefined;

export interface SavWriteOptions {
  compression?: 'none' | 'bytecode' | 'zlib';
  byteOrder?: 'little' | 'big';
  /** 'utf-8' (default) or 'windows-1252' (characters outside it throw). */
  encoding?: 'utf-8' | 'windows-1252';
  fileLabel?: string;
  /** Write -1 as the case count (some writers do not know it up front). */
  unknownCaseCount?: boolean;
  /** ZSAV uncompressed block size (default 0x3FF000, as SPSS). Small values exercise multi-block files. */
  zlibBlockSize?: number;
  /** Documents (type 6 record), one string a line. */
  documents?: string[];
}

const SPSS_EPOCH_SECONDS = 12219379200;
const BIAS = 100;
const SYSMIS = -Number.MAX_VALUE;

export function writeSav(columns: SavColumn[], rows: SavCell[][], opts: SavWriteOptions = {}): Buffer {
  const le = (opts.byteOrder ?? 'little') === 'little';
  const enc = opts.encoding ?? 'utf-8';
  const encode = (s: string): Buffer => (enc === 'utf-8' ? Buffer.from(s, 'utf8') : encode1252(s));
  const out = new Out(le);
  const compression = opts.compression ?? 'none';

  // Layout: each column is one or more variable records (segments), each of ceil(width/8) slots.
  interface Seg { short: string; width: number; used: number; slot: number }
  let slot = 0;
  let shortN = 0;
  const used = new Set<string>();
  const shortName = (name: string): string => {
    let s = /^[A-Za-z@][A-Za-z0-9_.@#$]{0,7}$/.test(name) && !name.endsWith('.') ? name.toUpperCase() : `V${++shortN}`;
    while (used.has(s)) s = `V${++shortN}`;
    used.add(s);
    return s;
  };
  const layout = columns.map((c, j) => {
    if (c.type !== 'string') {
      const seg = { short: shortName(c.name), width: 0, used: 0, slot: slot++ };
      return { c, segs: [seg] as Seg[], width: 0 };
    }
    const longest = rows.reduce((m, r) => Math.max(m, typeof r[j] === 'string' ? encode(r[j] as string).length : 0), 0);
    const width = c.width ?? Math.max(1, longest);
    if (width < 1 || width > 32767) throw new Error(`column ${c.name}: string width ${width} outside 1..32767`);
    if (longest > width) throw new Error(`column ${c.name}: a value of ${longest} bytes is over the width ${width}`);
    const nSeg = width > 255 ? Math.ceil(width / 252) : 1;
    const segs: Seg[] = [];
    for (let s = 0; s < nSeg; s++) {
      const w = nSeg === 1 ? width : s < nSeg - 1 ? 255 : width - s * 252;
      const used = nSeg === 1 ? width : Math.max(0, Math.min(width - 255 * s, 255)); // see sources/sav.ts
      segs.push({ short: s === 0 ? shortName(c.name) : shortName(`S${s}`), width: w, used, slot });
      slot += Math.ceil(w / 8);
    }
    return { c, segs, width };
  });
  const slots = slot;

  // File header.
  out.str(compression === 'zlib' ? '$FL3' : '$FL2', 4);
  out.str('@(#) SPSS DATA FILE satisfaction-monitor simulator', 60);
  out.i32(2);
  out.i32(slots);
  out.i32(compression === 'none' ? 0 : compression === 'bytecode' ? 1 : 2);
  out.i32(0);
  out.i32(opts.unknownCaseCount ? -1 : rows.length);
  out.f64(BIAS);
  out.str('03 Dec 24', 9);
  out.str('12:00:00', 8);
  out.bytes(pad(encode(opts.fileLabel ?? ''), 64));
  out.bytes(Buffer.alloc(3));

  // Variable records.
  for (const [j, { c, segs }] of layout.entries()) {
    for (let s = 0; s < segs.length; s++) {
      const g = segs[s]!;
      const fmt = c.type === 'string' ? (1 << 16) | (g.width << 8) : c.type === 'date' ? (20 << 16) | (11 << 8) : c.type === 'datetime' ? (22 << 16) | (20 << 8) : (5 << 16) | (8 << 8) | decimalsOf(c, j, rows);
      const label = s === 0 && c.label ? encode(c.label) : null;
      const miss = s === 0 && c.missing ? c.missing : [];
      if (miss.length > 3) throw new Error(`column ${c.name}: at most 3 missing values`);
      out.i32(2);
      out.i32(g.width);
      out.i32(label ? 1 : 0);
      out.i32(miss.length);
      out.i32(fmt);
      out.i32(fmt);
      out.str(g.short, 8);
      if (label) {
        out.i32(label.length);
        out.bytes(pad(label, (label.length + 3) & ~3, 0));
      }
      for (const m of miss) value8(out, c, m, encode);
      for (let k = 1; k < Math.ceil(g.width / 8); k++) {
        out.i32(2);
        out.i32(-1);
        out.i32(0);
        out.i32(0);
        out.i32(0x011d01); // what SPSS writes in continuation records
        out.i32(0x011d01);
        out.str('', 8);
      }
    }
  }

  // Value labels (types 3 and 4).
  for (const { c, segs } of layout) {
    if (!c.valueLabels?.length) continue;
    out.i32(3);
    out.i32(c.valueLabels.length);
    for (const [v, l] of c.valueLabels) {
      value8(out, c, v, encode);
      const lb = encode(l).subarray(0, 255);
      out.bytes(Buffer.from([lb.length]));
      out.bytes(pad(lb, ((lb.length + 8) & ~7) - 1));
    }
    out.i32(4);
    out.i32(1);
    out.i32(segs[0]!.slot + 1);
  }

  if (opts.documents?.length) {
    out.i32(6);
    out.i32(opts.documents.length);
    for (const d of opts.documents) out.bytes(pad(encode(d), 80));
  }

  // Extensions: integer info (3), float info (4), long names (13), very long strings (14), encoding (20).
  const ext = (sub: number, size: number, data: Buffer): void => {
    out.i32(7);
    out.i32(sub);
    out.i32(size);
    out.i32(data.length / size);
    out.bytes(data);
  };
  const ints = new Out(le);
  for (const x of [1, 0, 0, -1, 1, 1, le ? 2 : 1, enc === 'utf-8' ? 65001 : 1252]) ints.i32(x);
  ext(3, 4, ints.done());
  const flts = new Out(le);
  for (const x of [SYSMIS, Number.MAX_VALUE, -1.7976931348623155e308]) flts.f64(x);
  ext(4, 8, flts.done());
  ext(13, 1, encode(layout.map(({ c, segs }) => `${segs[0]!.short}=${c.name}`).join('\t')));
  const vls = layout.filter((l) => l.segs.length > 1);
  if (vls.length) ext(14, 1, encode(vls.map((l) => `${l.segs[0]!.short}=${String(l.width).padStart(5, '0')}\0`).join('\t')));
  ext(20, 1, Buffer.from(enc === 'utf-8' ? 'UTF-8' : 'windows-1252', 'latin1'));
  out.i32(999);
  out.i32(0);

  // Data: each case as slots in the uncompressed layout.
  const caseBuf = Buffer.alloc(slots * 8);
  const cases: Buffer[] = [];
  for (const r of rows) {
    caseBuf.fill(0x20);
    layout.forEach(({ c, segs }, j) => {
      const v = r[j];
      if (c.type !== 'string') {
        const x = toNumber(c, v);
        if (le) caseBuf.writeDoubleLE(x, segs[0]!.slot * 8);
        else caseBuf.writeDoubleBE(x, segs[0]!.slot * 8);
        return;
      }
      const b = typeof v === 'string' ? encode(v) : Buffer.alloc(0);
      let at = 0;
      for (const g of segs) {
        if (at < b.length) b.copy(caseBuf, g.slot * 8, at, Math.min(b.length, at + g.used));
        at += g.used;
      }
    });
    cases.push(Buffer.from(caseBuf));
  }
  if (compression === 'none') {
    for (const k of cases) out.bytes(k);
    return out.done();
  }
  const numericSlot = new Uint8Array(slots);
  for (const { c, segs } of layout) if (c.type !== 'string') numericSlot[segs[0]!.slot] = 1;
  const data = bytecode(cases, numericSlot, le);
  if (compression === 'bytecode') {
    out.bytes(data);
    return out.done();
  }
  // ZSAV: zheader, zlib blocks of the bytecode stream, ztrailer.
  const blockSize = opts.zlibBlockSize ?? 0x3ff000;
  const blocks: Buffer[] = [];
  for (let o = 0; o < data.length; o += blockSize) blocks.push(deflateSync(data.subarray(o, o + blockSize)));
  const zheaderOfs = out.length;
  const firstBlock = zheaderOfs + 24;
  const ztrailerOfs = firstBlock + blocks.reduce((s, b) => s + b.length, 0);
  out.i64(zheaderOfs);
  out.i64(ztrailerOfs);
  out.i64(24 + 24 * blocks.length);
  for (const b of blocks) out.bytes(b);
  out.i64(-BIAS);
  out.i64(0);
  out.i32(blockSize);
  out.i32(blocks.length);
  let uo = zheaderOfs;
  let co = firstBlock;
  blocks.forEach((b, k) => {
    const usize = Math.min(blockSize, data.length - k * blockSize);
    out.i64(uo);
    out.i64(co);
    out.i32(usize);
    out.i32(b.length);
    uo += usize;
    co += b.length;
  });
  return out.done();
}

/** Bytecode compression (compression 1, bias 100): command blocks of 8 codes, each followed by its raw values. */
function bytecode(cases: Buffer[], numericSlot: Uint8Array, le: boolean): Buffer {
  const parts: Buffer[] = [];
  let cmd = Buffer.alloc(8);
  let raw: Buffer[] = [];
  let i = 0;
  const flush = (): void => {
    parts.push(cmd, ...raw);
    cmd = Buffer.alloc(8);
    raw = [];
    i = 0;
  };
  for (const k of cases) {
    for (let s = 0; s < numericSlot.length; s++) {
      const v = k.subarray(s * 8, s * 8 + 8);
      let code = 253;
      if (numericSlot[s]) {
        const x = le ? v.readDoubleLE(0) : v.readDoubleBE(0);
        if (x === SYSMIS) code = 255;
        else if (Number.isInteger(x) && x >= 1 - BIAS && x <= 251 - BIAS && !Object.is(x, -0)) code = x + BIAS;
      } else if (v.every((b) => b === 0x20)) code = 254;
      cmd[i++] = code;
      if (code === 253) raw.push(Buffer.from(v));
      if (i === 8) flush();
    }
  }
  if (i > 0) flush(); // the rest of the last block stays 0 (padding)
  return Buffer.concat(parts);
}

function decimalsOf(c: SavColumn, j: number, rows: SavCell[][]): number {
  if (c.decimals !== undefined) return c.decimals;
  return rows.every((r) => typeof r[j] !== 'number' || Number.isInteger(r[j])) ? 0 : 2;
}

function toNumber(c: SavColumn, v: SavCell): number {
  if (v === null || v === undefined || v === '') return SYSMIS;
  if (c.type === 'number') {
    if (typeof v !== 'number') throw new Error(`column ${c.name}: ${JSON.stringify(v)} is not a number`);
    return v;
  }
  const t = Date.parse(`${v}${String(v).length === 10 ? 'T00:00:00' : ''}Z`);
  if (Number.isNaN(t)) throw new Error(`column ${c.name}: ${JSON.stringify(v)} is not a date`);
  return t / 1000 + SPSS_EPOCH_SECONDS;
}

function value8(out: Out, c: SavColumn, v: number | string, encode: (s: string) => Buffer): void {
  if (c.type === 'string') {
    const b = encode(String(v));
    if (b.length > 8) throw new Error(`column ${c.name}: a labelled or missing string value is at most 8 bytes, got ${JSON.stringify(v)}`);
    out.bytes(pad(b, 8));
  } else out.f64(toNumber(c, v));
}

function pad(b: Buffer, n: number, fill = 0x20): Buffer {
  const o = Buffer.alloc(n, fill);
  b.copy(o, 0, 0, Math.min(b.length, n));
  return o;
}

let cp1252: Map<number, number> | null = null;
function encode1252(s: string): Buffer {
  if (!cp1252) {
    cp1252 = new Map();
    for (let b = 0x80; b < 0xa0; b++) cp1252.set(CP1252_HIGH.charCodeAt(b - 0x80), b);
  }
  const out: number[] = [];
  for (const ch of s) {
    const u = ch.codePointAt(0)!;
    const b = u < 0x80 || (u >= 0xa0 && u <= 0xff) ? u : cp1252.get(u);
    if (b === undefined) throw new Error(`${JSON.stringify(ch)} cannot be written in windows-1252`);
    out.push(b);
  }
  return Buffer.from(out);
}

/** A growing buffer with the file's byte order. */
class Out {
  private parts: Buffer[] = [];
  length = 0;
  constructor(private readonly le: boolean) {}
  bytes(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  str(s: string, n: number): void {
    this.bytes(pad(Buffer.from(s, 'latin1'), n));
  }
  i32(x: number): void {
    const b = Buffer.alloc(4);
    if (this.le) b.writeInt32LE(x);
    else b.writeInt32BE(x);
    this.bytes(b);
  }
  i64(x: number): void {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigInt64LE(BigInt(x));
    else b.writeBigInt64BE(BigInt(x));
    this.bytes(b);
  }
  f64(x: number): void {
    const b = Buffer.alloc(8);
    if (this.le) b.writeDoubleLE(x);
    else b.writeDoubleBE(x);
    this.bytes(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}
