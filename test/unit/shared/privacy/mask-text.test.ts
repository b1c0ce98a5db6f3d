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
  it('has 130+ entries, a good half with something to mask, and every kind of mask', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(130);
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

describe('loose separators between phone groups', () => {
  it('"/", "_", " - ", "- ", en dash join runs of 3+ digits into one phone or NIK', () => {
    for (const t of ['0812/3456/7890', '0812 / 3456 / 7890', '0812 - 3456 - 7890', '0812 -3456- 7890', '0812_3456_7890', '0812 – 3456 — 7890', '(0812) 3456 7890', '+62 812/3456/7890']) {
      expect(maskPersonalText(`wa ${t} ya`), t).toBe('wa [telepon] ya');
    }
    expect(maskPersonalText('nik 3201/0123/4567/0001')).toBe('nik [NIK]');
    expect(maskPersonalText('320101 - 900101 - 0001')).toBe('[NIK]');
    expect(maskPersonalText('tgl 20240312 - 20240315')).toBe('tgl 20240312 - 20240315'); // two dates, not one NIK
  });

  it('otherwise each part is judged alone, as if the separator were prose', () => {
    expect(maskPersonalText('periode 03/2024 - 05/2024')).toBe('periode 03/2024 - 05/2024'); // 2-digit runs never join loosely
    expect(maskPersonalText('150.000 - 200.000 sebulan')).toBe('150.000 - 200.000 sebulan');
    expect(maskPersonalText('150000 - 200000 rupiah')).toBe('150000 - 200000 rupiah');
    expect(maskPersonalText('2019/2020')).toBe('2019/2020');
    expect(maskPersonalText('0812345678 - 0812345679')).toBe('[telepon] - [telepon]');
    expect(maskPersonalText('J12345678/2024')).toBe('[nomor]/2024'); // the card prefix stays with the first part
    expect(maskPersonalText('157 - 12-03-2024')).toBe('157 - 12-03-2024'); // a date never joins
  });
});

describe('spelled-out e-mail addresses', () => {
  it('"at" before a domain, with spelled or plain dots, ending in a listed top-level domain', () => {
    for (const t of ['budi at perusahaan dot co dot id', 'budi AT perusahaan DOT co DOT id', 'budi at perusahaan titik co titik id',
      'budi at perusahaan.co.id', 'budi @ perusahaan dot co dot id', 'budi at mail.perusahaan dot com', 'budi (at) perusahaan (dot) co (dot) id']) {
      expect(maskPersonalText(`email ${t}, makasih`), t).toBe('email [email], makasih');
    }
  });

  it('ordinary "at" and "dot"/"titik" in sentences are kept', () => {
    for (const t of ['datang at 8 dot', 'datang at 8 dot 30', 'ketemu at mall dot company', 'saya at kantor titik.', 'ketemu at lobby jam 8',
      'jam 8 at kantor, titik kumpul di lobby', 'dm ke @toko.id', 'saya at home dot']) {
      expect(maskPersonalText(t), t).toBe(t);
    }
  });
});

describe('amounts and compact dates', () => {
  it('a plain number after "sebesar", "senilai", "nominal"… is an amount (up to 10 digits, no leading 0)', () => {
    expect(maskPersonalText('klaim sebesar 25000000')).toBe('klaim sebesar 25000000');
    expect(maskPersonalText('senilai: 1250000000')).toBe('senilai: 1250000000');
    expect(maskPersonalText('sebesar 19011234567')).toBe('sebesar [nomor]'); // 11 digits: a KPJ, not an amount
    expect(maskPersonalText('sebesar 3201012345670001')).toBe('sebesar [NIK]');
    expect(maskPersonalText('sebesar 081234567890')).toBe('sebesar [telepon]');
  });

  it('after "saldo", "gaji", "iuran"… only a round amount (ends in 000) of at most 10 digits', () => {
    expect(maskPersonalText('gaji 15000000')).toBe('gaji 15000000');
    expect(maskPersonalText('saldonya 1250000000')).toBe('saldonya 1250000000');
    expect(maskPersonalText('saldo 12345678')).toBe('saldo [nomor]');
    expect(maskPersonalText('cek saldo 19011234000')).toBe('cek saldo [nomor]'); // 11 digits: a KPJ
    expect(maskPersonalText('dana 12500000 cair')).toBe('dana [nomor] cair'); // DANA is also an e-wallet
  });

  it('eight digits forming a calendar date yyyymmdd in 1990–2100 are kept', () => {
    for (const d of ['19900101', '20240229', '20240312', '21001231']) expect(maskPersonalText(`klaim ${d}`), d).toBe(`klaim ${d}`);
    for (const d of ['19891231', '20230229', '20241301', '20240431', '21010101', '12032024']) expect(maskPersonalText(`klaim ${d}`), d).toBe('klaim [nomor]');
    expect(maskPersonalText('wa 20240312')).toBe('wa [telepon]'); // a phone word wins
    expect(maskPersonalText('ID 2024031200')).toBe('ID [nomor]');
  });
});

describe('glued addresses', () => {
  it('an address glued to an address, phone or amount by a local-part character is masked', () => {
    expect(maskPersonalText('budi@gmail.com.sari@yahoo.com')).toBe('[email].[email]');
    expect(maskPersonalText('a@contoh.id-b@contoh.id+c@contoh.id ok')).toBe('[email]-[email]+[email] ok');
    expect(maskPersonalText('budi.s@gmail.com.Terima kasih')).toBe('[email].Terima kasih');
    expect(maskPersonalText('+62 812 3456 7890.budi@gmail.com')).toBe('[telepon].[email]'); // after any match, not only an address
    expect(maskPersonalText('Rp 12.500-budi@gmail.com')).toBe('Rp 12.500-[email]');
  });
});

describe('pseudonyms are never altered', () => {
  const pseudonym = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), fc.stringMatching(/^[0-9a-f]{32}$/)).map(([k, h]) => `${k}.${h}`);
  // Identifiers the masker must still mask next to a pseudonym, and plain words.
  const other = fc.constantFrom('0812-3456-7890', '081234567890', '+62 812 3456 7890', '3201012345670001', 'KPJ 19011234567', 'budi@gmail.com',
    'budi at perusahaan dot co dot id', 'https://contoh.id/a?b=1 ', 'saya', 'wa', 'nik', 'mohon', 'dihapus', 'k1', '');
  const sep = fc.constantFrom(' ', ', ', ': ', '; ', ' (', ') ', '\n', '/', '=', '.', '-', '_', '"', '\t', ' - ', ' @ ');

  it('with random key ids and hex digits, among identifiers, words and punctuation', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.oneof(pseudonym, other), sep), { minLength: 1, maxLength: 10 }), (parts) => {
      const text = parts.map(([t, s]) => t + s).join('');
      const out = maskPersonalText(text);
      const ps = parts.map(([t]) => t).filter((t) => /^[a-z][a-z0-9]{0,7}\.[0-9a-f]{32}$/.test(t));
      let rest = out;
      for (const p of ps) {
        expect(rest).toContain(p);
        rest = rest.replace(p, ' ');
      }
      // Everything around them is still masked: no digit of a phone, NIK or KPJ, no address is left.
      expect(rest.replace(/(?<![a-z0-9])k1(?![a-z0-9])/g, ' ')).not.toMatch(/[0-9]|@gmail|perusahaan|https/);
    }), { seed: 20240313, numRuns: 1000 });
  });

  it('alone, in a list or in JSON, verbatim', () => {
    const p = 'k1.3f9a081234567890abcdef0123456789';
    for (const t of [p, `${p},k2.00000000000000000000000000000000`, `{"id":"${p}"}`, `(${p})`, `${p}.`, `id=${p}&x=1`]) expect(maskPersonalText(t)).toBe(t);
    // Only a pseudonym standing as a word: glued to more letters or digits it is ordinary text.
    expect(maskPersonalText('k1.3f9a081234567890abcdef01234567890')).not.toContain('0812');
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
    slashed: rep('111/'), spacedDash: rep('111 - '), underscored: rep('1_'), slashDates: rep('12/03/'), twoDigitSlash: rep('12/'),
    atDot: rep('a at b dot '), atLongDomain: `x at ${rep('a dot ')}`, spaceAtPlain: `x @ ${rep('a.')}`, atTitik: rep('a at b titik c.'),
    wordAt: rep('a at '), amounts: rep('sebesar 1'), pseudonyms: rep('k1.0123456789abcdef0123456789abcdef '), nearPseudonym: rep('k1.0123456789abcdef'),
    mixLoose: mix('01 -/_at'), mixWords: mix('ado tic.@ ()0'), gluedEmails: rep('a@b.com.'), afterEmail: `a@b.com.${rep('a.')}`,
    gluedAt: rep('a@b.com.a at '), gluedDots: rep('a@b.com.c dot '), numberRuns: rep('12345678-a-'), digitRuns: rep('1-a'), numberAt: rep('12345678.x at a dot '),
  };
  it.each(Object.keys(inputs))('%s (200 KB)', (name) => {
    const out = maskPersonalText(inputs[name]!);
    expect(typeof out).toBe('string');
    if (name === 'digits' || name === 'dotted') expect(out.startsWith('[nomor]')).toBe(true);
  });
});
