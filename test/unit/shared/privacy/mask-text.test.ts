// shared/privacy/mask-text.ts on the hand-written corpus test/fixtures/privacy/comments-id.json (synthetic
// Indonesian survey answers, see its README), plus counts, whole-number and linear-time checks.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MASKS, maskFields, maskPersonalText, maskPersonalTextCounted, type MaskKind } from '../../../../shared/privacy/mask-text';

interface Entry { text: string; masked: string }
const CORPUS = JSON.parse(readFileSync(new URL('../../../fixtures/privacy/comments-id.json', import.meta.url), 'utf8')) as Entry[];
const zero = (): Record<MaskKind, number> => ({ email: 0, url: 0, nik: 0, phone: 0, number: 0 });
const entry = (prefix: string) => {
  const e = CORPUS.find((c) => c.text.startsWith(prefix));
  if (!e) throw new Error(`comments-id.json: no entry starting with ${JSON.stringify(prefix)}`);
  return e;
};

describe('the corpus', () => {
  it('has 60+ entries, a good half with something to mask, and every kind of mask', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    const masking = CORPUS.filter((c) => c.masked !== c.text);
    expect(masking.length).toBeGreaterThanOrEqual(CORPUS.length / 2);
    expect(CORPUS.length - masking.length).toBeGreaterThanOrEqual(30);
    for (const m of Object.values(MASKS)) expect(masking.filter((c) => c.masked.includes(m)).length, m).toBeGreaterThanOrEqual(5);
  });

  it.each(CORPUS.map((c, i) => [i, c.text, c.masked] as const))('#%i %s', (_i, text, masked) => {
    expect(maskPersonalText(text)).toBe(masked);
  });

  it('masking is idempotent (the placeholders themselves are never masked)', () => {
    for (const c of CORPUS) expect(maskPersonalText(c.masked)).toBe(c.masked);
  });
});

describe('maskPersonalTextCounted', () => {
  it('counts each kind masked', () => {
    const cases: [string, Partial<Record<MaskKind, number>>][] = [
      ['saya peserta sejak 2015, NIK', { nik: 1, number: 1, phone: 1 }],
      ['Tolong hubungi suami saya', { phone: 2 }],
      ['Pengaduan sudah via email', { email: 1, phone: 1, number: 1 }],
      ['no hp lama', { phone: 2 }],
      ['Nomor kartu 1901-1234-567', { number: 1, nik: 1 }],
      ['ada yg kirim wa.me', { url: 1 }], // the phone inside the link is part of the one URL
      ['Pencairan JHT Rp 12.500.000', {}],
    ];
    for (const [prefix, want] of cases) {
      const e = entry(prefix);
      const counts = zero();
      expect(maskPersonalTextCounted(e.text, counts)).toBe(e.masked);
      expect(counts, prefix).toEqual({ ...zero(), ...want });
    }
  });

  it('adds to the counts it is given (one manifest over many answers)', () => {
    const counts = zero();
    for (const c of CORPUS) maskPersonalTextCounted(c.text, counts);
    const inMasked = (m: string) => CORPUS.reduce((n, c) => n + c.masked.split(m).length - 1, 0);
    for (const k of Object.keys(MASKS) as MaskKind[]) expect(counts[k], k).toBe(inMasked(MASKS[k]));
  });
});

describe('maskFields', () => {
  it('masks every field, in order', () => {
    expect(maskFields(['wa 0812-3456-7890', 'antre 2 jam', ''])).toEqual(['wa [telepon]', 'antre 2 jam', '']);
  });
});

describe('numbers are masked whole or kept whole', () => {
  const words = fc.constantFrom('saya', 'nomor', 'kartu', 'tolong', 'cek', 'ya', 'kak', 'mohon', 'dibantu', 'petugas');
  const sep = fc.constantFrom(' ', '.', '-', '');

  it('a grouped identifier (NIK, KPJ, account, phone) leaves no digit behind', () => {
    // Groups of four digits after a first group starting with 3: never a date, time, year list or amount.
    const id = fc.tuple(fc.stringMatching(/^3[0-9]{3}$/), fc.array(fc.tuple(sep, fc.stringMatching(/^[0-9]{4}$/)), { minLength: 1, maxLength: 3 }))
      .map(([first, rest]) => first + rest.map(([s, g]) => s + g).join(''));
    const phone = fc.tuple(fc.constantFrom('08', '+62 8', '628'), fc.stringMatching(/^[1-9][0-9]{2}$/), sep, fc.stringMatching(/^[0-9]{4}$/), sep, fc.stringMatching(/^[0-9]{3,4}$/))
      .map((parts) => parts.join(''));
    fc.assert(fc.property(words, fc.oneof(id, phone), words, (a, x, b) => {
      const out = maskPersonalText(`${a} ${x} ${b}`);
      expect(out).not.toMatch(/[0-9]/);
      expect(out.split('[').length - 1).toBe(1);
    }), { seed: 20240312, numRuns: 500 });
  });

  it('short numbers between words are kept', () => {
    const short = fc.stringMatching(/^[1-9][0-9]{0,4}$/);
    fc.assert(fc.property(fc.array(fc.tuple(words, short), { minLength: 1, maxLength: 8 }), (pairs) => {
      const text = pairs.map(([w, n]) => `${w} ${n}`).join(' ');
      expect(maskPersonalText(text)).toBe(text);
    }), { seed: 7, numRuns: 300 });
  });

  it('a long number is never cut: trailing groups, letters and punctuation around it', () => {
    expect(maskPersonalText('3201 0123 4567 0001 55')).toBe('[nomor]'); // 18 digits: not a NIK, still one number
    expect(maskPersonalText('3201 0123 4567 0001 5 kali')).toBe('[NIK] 5 kali'); // a space joins groups of 2+ digits only
    expect(maskPersonalText('0812 3456 78 90')).toBe('[telepon]');
    expect(maskPersonalText('KPJ-19011234567.')).toBe('KPJ-[nomor].');
    expect(maskPersonalText('(19011234567)')).toBe('([nomor])');
    expect(maskPersonalText('nik3201012345670001nya')).toBe('nik[NIK]nya');
  });
});

describe('URL edges', () => {
  it('trailing punctuation is prose unless a bracket closes one the URL opened', () => {
    expect(maskPersonalText('(lihat https://x.com/a_(b)).')).toBe('(lihat [tautan]).');
    expect(maskPersonalText('(lihat https://x.com/abc)')).toBe('(lihat [tautan])');
    expect(maskPersonalText('buka www.contoh.co.id/form?id=7!!')).toBe('buka [tautan]!!');
    expect(maskPersonalText('www.x.y')).toBe('[tautan]'); // any www. host, listed top-level domain or not
  });
});

describe('Unicode', () => {
  it('full-width digits and signs count as their ASCII twins; emoji and other text are untouched', () => {
    expect(maskPersonalText('wa ０８１２－３４５６－７８９０ 🙏')).toBe('wa [telepon] 🙏');
    expect(maskPersonalText('ｂｕｄｉ＠ｇｍａｉｌ．ｃｏｍ ok')).toBe('[email] ok');
    expect(maskPersonalText('loket ４ 😊👍🏽 ñ é')).toBe('loket ４ 😊👍🏽 ñ é');
    expect(maskPersonalText('')).toBe('');
  });
});

describe('linear time on pathological input', () => {
  // Not timed: each would take minutes if some alternative rescanned the runs it starts in.
  const N = 200_000;
  const rep = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
  let seed = 42;
  const mix = (chars: string) => Array.from({ length: N }, () => chars[(seed = (seed * 1103515245 + 12345) >>> 0) % chars.length]).join('');
  const inputs: Record<string, string> = {
    digits: rep('1'), dotted: rep('1.'), spaced: rep('12 '), dashed: rep('1-'), at: rep('1@'), letterAt: rep('a@'),
    labels: rep('a.'), labelsSlash: `${rep('a.')}/`, longDomain: `x@${rep('a.')}1`, plus: rep('+1'), parens: rep('(12)'),
    prefixed: rep('A1'), atWord: rep('a (at) '), dotWord: `a@${rep('b (dot) ')}`, www: rep('www.'), scheme: rep('http://'),
    rp: rep('Rp1.'), schemeDots: `http://${rep('.')}a`, localRun: `${rep('a.')}@`, dates: rep('12-03-'), times: rep('08.30-'), mixDigits: mix('0123456789.@ -'), mixAll: mix('a1.@ -/:()[]+'),
  };
  it.each(Object.keys(inputs))('%s (200 KB)', (name) => {
    const out = maskPersonalText(inputs[name]!);
    expect(typeof out).toBe('string');
    if (name === 'digits' || name === 'dotted') expect(out.startsWith('[nomor]')).toBe(true);
  });
});
