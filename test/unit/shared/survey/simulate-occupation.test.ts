// Occupation (pekerjaan) in the simulator: drawn given the segment from its own stream, so every other column of
// every row is what it was before it was added (pinned below for seeds 11 and 2025); its codes and spellings are
// the default instrument's; the cleaner reads it from the numeric CSV (plain and messy) and from every export.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  defaultInstrument, EXPORT_FORMATS, loadInstrument, OCCUPATIONS, SEGMENTS, simulateDrops, simulateExport, simulateRows,
  type SimRespondent,
} from '../../../../shared/survey/index';
import defaultJson from '../../../../shared/survey/instruments/default.json';
import { normalizeAnswer } from '../../../../shared/survey/instrument';
import { savHeader } from '../../../../shared/survey/sources/sav';
import { clean } from './helpers';

const OCC = defaultInstrument.categories.findIndex((c) => c.name === 'occupation');
const occupationVar = defaultInstrument.categories[OCC]!;
/** The default instrument's reading of an occupation answer. */
const readOccupation = (text: string) => occupationVar.lookup.get(normalizeAnswer(text));
const sha = (parts: Iterable<string>) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

// Hashes of the simulator's output before occupation was added (commit 9fc8595), computed with the same code as
// below on that commit's simulator: the respondents (every field, latent scores included), the messy drops' text
// and their truth file.
const BEFORE = {
  '11': {
    rows: '122376c7ad3d4b82fb5fb5a3a6f6981a6ff5de6ba9c9d62d4196f4421a967334',
    drops: 'a0f3586580f6b81a5196c2ff95da04d85863000f3ad1daa8b7415677750f790b',
    truth: 'b4233b3690e33543ca267b2d48e2261e399fb66949d0c1bb392329d8db71a4d4',
  },
  '2025': {
    rows: 'bbcf6435a7ce96c6fbb754ec0c372d95286c3e55c2f4a5334a7af28aa6d23e03',
    drops: 'c67df1cd6485245cd39f4c6947af3d11bd43d95e1fccf3b1bc074cd219687519',
    truth: '40d5026b426f34443d76b5a28a04da42c4282d0a58238e4b9a0d8ca58ad5e9bb',
  },
} as const;

/** A respondent as text without its occupation. */
function withoutOccupation(r: SimRespondent): string {
  const { occupation: _, ...rest } = r;
  return JSON.stringify({ ...rest, items: Array.from(r.items), latent: Array.from(r.latent) }) + '\n';
}

describe('occupation leaves every other answer as it was', () => {
  for (const seed of ['11', '2025'] as const) {
    it(`seed ${seed}: respondents, messy drops and truth file equal the pre-occupation ones once the column is removed`, () => {
      const rows = [...simulateRows({ seed, branches: 6, periods: '2024-Q1..2025-Q4', n: 200 })];
      expect(rows).toHaveLength(9600);
      expect(sha(rows.map(withoutOccupation))).toBe(BEFORE[seed].rows);

      const sim = simulateDrops({ seed, branches: 3, periods: '2025-Q1..2025-Q2', n: 150, messy: 0.15 });
      const drops = [...sim.drops].sort((a, b) => a.file.localeCompare(b.file));
      // The occupation column is the 10th (after education): drop it from every line, the header included. A
      // `field_count` row lacks its last field and a `broken_quote` row's quote never closes: split naively.
      const strip = (text: string) => text.split('\r\n').map((l) => {
        const f = l.split(';');
        if (f.length > 9) f.splice(9, 1);
        return f.join(';');
      }).join('\r\n');
      expect(drops[0]!.text.split('\r\n')[0]!.split(';')[9]).toMatch(/^occupation$/i);
      expect(sha(drops.map((d) => strip(d.text)))).toBe(BEFORE[seed].drops);
      expect(sha([JSON.stringify(sim.truth, null, 1)])).toBe(BEFORE[seed].truth);
    });
  }
});

describe('occupation given the segment', () => {
  const rows = [...simulateRows({ seed: 'occupation', branches: 4, periods: '2025-Q1..2025-Q4', n: 2000 })];

  it('every code is one of the default instrument\'s, in the same order', () => {
    expect(occupationVar.codes).toEqual(OCCUPATIONS.PU.map((o) => o.code));
    expect(OCCUPATIONS.BPU.map((o) => o.code)).toEqual(occupationVar.codes);
    for (const seg of SEGMENTS) expect(OCCUPATIONS[seg.code].reduce((a, o) => a + o.share, 0)).toBeCloseTo(1, 12);
    expect(new Set(rows.map((r) => r.occupation))).toEqual(new Set(occupationVar.codes));
  });

  it('shares within each segment match the stated ones (n = 32,000; within 3 binomial SE)', () => {
    for (const seg of SEGMENTS) {
      const inSeg = rows.filter((r) => r.segment === seg.code);
      for (const o of OCCUPATIONS[seg.code]) {
        const share = inSeg.filter((r) => r.occupation === o.code).length / inSeg.length;
        const se = Math.sqrt((o.share * (1 - o.share)) / inSeg.length);
        expect(Math.abs(share - o.share), `${seg.code} ${o.code}: ${share}`).toBeLessThan(3 * se + 1e-9);
      }
    }
    // Wage earners are mostly employees, non-wage participants mostly not.
    const employee = (r: SimRespondent) => ['SWASTA', 'BUMN', 'PNS'].includes(r.occupation);
    const pu = rows.filter((r) => r.segment === 'PU'), bpu = rows.filter((r) => r.segment === 'BPU');
    expect(pu.filter(employee).length / pu.length).toBeGreaterThan(0.85);
    expect(bpu.filter(employee).length / bpu.length).toBeLessThan(0.1);
  });

  it('the same respondent gets the same occupation whichever other drops are generated', () => {
    const small = [...simulateRows({ seed: 'occupation', branches: 1, periods: '2025-Q3', n: 2000 })];
    expect(small.map((r) => r.occupation)).toEqual(rows.filter((r) => r.branch === 'BR01' && r.period === '2025-Q3').map((r) => r.occupation));
  });
});

describe('the cleaner reads it', () => {
  it('from the numeric CSV: the column is `occupation`, each clean row has the respondent\'s code', async () => {
    const o = { seed: 'occ-clean', branches: 2, periods: '2025-Q1', n: 60, headOffice: true, format: 'plain' as const };
    const r = await clean(simulateDrops(o).drops[0]!.text);
    expect(r.rejects).toEqual([]);
    expect(r.manifest.header.matched.occupation).toBe('occupation');
    const truth = new Map([...simulateRows(o)].map((x) => [x.respondentId, x.occupation]));
    expect(r.clean.map((c) => c.categories[OCC])).toEqual(r.clean.map((c) => truth.get(c.respondentId)));
  });

  it('from padded messy rows, where it is an Indonesian spelling with a leading space', async () => {
    const o = { seed: 'occ-padded', branches: 1, periods: '2025-Q2', n: 300, messy: 0.3, messKinds: ['padded' as const] };
    const sim = simulateDrops(o);
    const lines = sim.drops[0]!.text.split('\r\n');
    const padded = sim.truth.files[0]!.messy.map((e) => lines[e.line - 1]!.split(';')[9]!);
    expect(padded.length).toBeGreaterThan(50);
    expect(padded.every((v) => v.startsWith(' ') && !occupationVar.codes.includes(v.trim()))).toBe(true);
    const r = await clean(sim.drops[0]!.text);
    expect(r.rejects).toEqual([]);
    const truth = new Map([...simulateRows(o)].map((x) => [x.respondentId, x.occupation]));
    expect(r.clean.map((c) => c.categories[OCC])).toEqual(r.clean.map((c) => truth.get(c.respondentId)));
  });

  it('every export carries it (Indonesian choice labels, Kobo choice names, .sav codes 1-7 with value labels) and cleans to the codes', async () => {
    const o = { seed: 'occ-exports', branches: 3, periods: '2025-Q1', n: 40, headOffice: true };
    const truth = new Map([...simulateRows(o)].map((x) => [x.respondentId, x.occupation]));
    for (const format of EXPORT_FORMATS) {
      const ex = await simulateExport(o, format);
      const inst = loadInstrument(ex.instrument, `${format}.json`);
      const k = inst.categories.findIndex((c) => c.name === 'occupation');
      expect(k, format).toBeGreaterThanOrEqual(0);
      const r = await clean(ex.files[0]!.bytes, { instrument: inst, source: ex.files[0]!.file });
      expect(r.rejects, format).toEqual([]);
      expect(r.clean.map((c) => c.categories[k]), format).toEqual(r.clean.map((c) => truth.get(c.respondentId)));
      const header = r.manifest.header.matched.occupation;
      expect(header, format).toBe({
        'google-forms': 'Pekerjaan utama', kobo: 'grp_profil/pekerjaan', 'kobo-xlsx': 'grp_profil/pekerjaan', qualtrics: 'occupation', 'windows-1252': 'occupation', sav: 'occupation',
      }[format]);
    }
    // Google Forms writes the choice labels, each an alias of its code.
    const gf = (await simulateExport(o, 'google-forms')).files[0]!.bytes.toString('utf8');
    expect(gf).toContain(',Pengemudi/Ojek/Sopir,');
    expect(readOccupation('Pengemudi/Ojek/Sopir')).toBe('PENGEMUDI');
    // The .sav stores a number with the same labels.
    const sav = (await simulateExport(o, 'sav')).files[0]!.bytes;
    const h = await savHeader(sav);
    expect(h.valueLabels.occupation).toEqual({
      1: 'PNS/ASN/TNI/POLRI', 2: 'Pegawai Swasta', 3: 'Pegawai BUMN/BUMD', 4: 'Wiraswasta', 5: 'Petani/Nelayan/Peternak', 6: 'Pengemudi/Ojek/Sopir', 7: 'Lainnya',
    });
    for (const [code, label] of Object.entries(h.valueLabels.occupation!)) expect(readOccupation(label)).toBe(occupationVar.codes[Number(code) - 1]);
    expect(h.labels[h.names.indexOf('occupation')]).toBe('Pekerjaan utama');
  });
});

describe('the default instrument\'s occupation', () => {
  it('column `occupation` (aliases pekerjaan, pekerjaan utama), seven codes, common Indonesian spellings', () => {
    expect(occupationVar).toMatchObject({ role: 'demographic', column: 'occupation' });
    expect(defaultInstrument.spec.columnAliases.occupation).toEqual(['pekerjaan', 'pekerjaan utama', 'occupation']);
    expect(occupationVar.codes).toEqual(['PNS', 'SWASTA', 'BUMN', 'WIRAUSAHA', 'PETANI', 'PENGEMUDI', 'LAINNYA']);
    const spelled: [string, string][] = [
      ['ASN', 'PNS'], ['TNI/POLRI', 'PNS'], ['Honorer', 'PNS'], ['Karyawan Swasta', 'SWASTA'], ['pegawai  swasta', 'SWASTA'], ['Pegawai BUMD', 'BUMN'],
      ['Wiraswasta', 'WIRAUSAHA'], ['Pedagang', 'WIRAUSAHA'], ['usaha sendiri', 'WIRAUSAHA'], ['Nelayan', 'PETANI'], ['peternak', 'PETANI'],
      ['Ojek Online', 'PENGEMUDI'], ['Sopir', 'PENGEMUDI'], ['Supir', 'PENGEMUDI'], ['Lain-lain', 'LAINNYA'], ['lainnya', 'LAINNYA'],
    ];
    for (const [text, code] of spelled) expect(readOccupation(text), text).toBe(code);
    expect(defaultJson.notes.some((n) => /occupation/i.test(n) && /SKM form/.test(n) && /assumption/i.test(n))).toBe(true);
  });
});
