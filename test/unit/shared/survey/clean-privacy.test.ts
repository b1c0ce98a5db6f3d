// The cleaner under RowPrivacy (what ingest always uses): no participant number, name or phone from the drop reaches
// a clean row, a rejected row, a detail or the manifest, while the answers, lines and hashes are those of a plain
// clean, and an erased participant delivered again is rejected with nothing kept.
import { describe, expect, it } from 'vitest';
import { rowPrivacyOf } from '../../../../shared/privacy/row-privacy';
import { parseKeyring, pseudonymsOf } from '../../../../shared/privacy/pseudonym';
import { HIDDEN_FIELD, loadInstrument } from '../../../../shared/survey/index';
import { clean } from './helpers';

const ring = parseKeyring(JSON.stringify({ current: 'k2', k1: 'a'.repeat(40), k2: 'b'.repeat(40) }), 'test ring');
const privacy = rowPrivacyOf(ring);
const p = pseudonymsOf(ring);
const oldKey = pseudonymsOf(parseKeyring(JSON.stringify({ current: 'k1', k1: 'a'.repeat(40) }), 'old ring'));

const instrument = loadInstrument({
  id: 'privacy', idColumn: 'kpj', branchColumn: 'branch_id', periodColumn: 'period', scale: { min: 1, max: 5 }, missingCodes: [''],
  constructs: { CRM: ['CRM1', 'CRM2', 'CRM3'] }, textColumns: ['saran'], rules: { straightLining: false },
}, 'privacy.json');

const HEADER = 'kpj,nama,no_hp,branch_id,period,CRM1,CRM2,CRM3,saran';
const ROWS = [
  '31500000001,Budi Santoso,081234567890,BR01,2025-Q1,4,4,5,Pelayanan cepat. Hubungi saya di 0812-3456-7890 atau budi@mail.co.id',
  '31500000002,Siti Aminah,085712345678,BR01,2025-Q1,9,4,5,nilai di luar skala', // OUT_OF_RANGE
  '31500000003,Agus,087800001111,BR01,2025-Q1,3,3', // BAD_FIELD_COUNT
  '31500000001,Budi Santoso,081234567890,BR01,2025-Q1,1,1,2,duplikat dengan jawaban lain', // DUPLICATE_CONFLICT
  ',Tanpa Nomor,081299990000,BR01,2025-Q1,3,3,3,', // MISSING_ID
  '31500000004,Rina,081311112222,BR01,2025-Q1,5,4,4,NIK saya 3201012345670001',
  '31500000005,Dewi,081322223333,BR01,2025-Q1,2,3,3,sudah dikirim sebelumnya', // erased earlier (old key)
  '31500000005,Dewi,081322223333,BR01,2025-Q2,3,3,4,jawaban baru setelah penghapusan', // answered after the erasure
  '31500000005,Dewi,BR01,2025-Q1', // erased, and not even aligned with the header
];
const DROP = [HEADER, ...ROWS].join('\n') + '\n';
const IDENTITIES = ['31500000001', '31500000002', '31500000003', '31500000004', '31500000005', 'Budi', 'Siti', 'Agus', 'Rina', 'Dewi', 'Tanpa Nomor',
  '081234567890', '0812-3456-7890', 'budi@mail.co.id', '3201012345670001', '087800001111'];

describe('cleaning with RowPrivacy', () => {
  // Dewi was erased in 2025-Q1, under the key before the rotation.
  const erased = new Map([[oldKey.of('31500000005'), '2025-Q1']]);
  const seen = () => new Map<string, string>();

  it('keeps no identity anywhere it emits', async () => {
    const r = await clean(DROP, { instrument, privacy, seen, erased });
    const emitted = JSON.stringify([r.clean, r.rejects, r.manifest]);
    for (const s of IDENTITIES) expect(emitted, s).not.toContain(s);
  });

  it('stores pseudonyms and masked texts; answers, lines and hashes as without it', async () => {
    const plain = await clean(DROP, { instrument });
    const priv = await clean(DROP, { instrument, privacy, seen, erased });
    expect(priv.clean.map((c) => c.respondentId)).toEqual([p.of('31500000001'), p.of('31500000004'), p.of('31500000005')]);
    expect(priv.clean.map((c) => c.texts![0])).toEqual([
      'Pelayanan cepat. Hubungi saya di [telepon] atau [email]',
      'NIK saya [NIK]',
      'jawaban baru setelah penghapusan',
    ]);
    const strip = (c: { respondentId: string; texts?: string[] }) => ({ ...c, respondentId: '', texts: [] });
    expect(priv.clean.map(strip)).toEqual(plain.clean.filter((c) => !(c.respondentId === '31500000005' && c.period === '2025-Q1')).map(strip));
  });

  it('a rejected row keeps the pseudonym, the declared fields (masked) and hides the others; no original text', async () => {
    const r = await clean(DROP, { instrument, privacy, seen, erased });
    const oor = r.byLine.get(3)!.reject!;
    expect(oor.reasons).toEqual(['OUT_OF_RANGE']);
    expect(oor.respondentId).toBe(p.of('31500000002'));
    expect(oor.fields).toEqual([p.of('31500000002'), HIDDEN_FIELD, HIDDEN_FIELD, 'BR01', '2025-Q1', '9', '4', '5', 'nilai di luar skala']);
    expect(oor.text).toBe('');
    const short = r.byLine.get(4)!.reject!;
    expect(short.reasons).toEqual(['BAD_FIELD_COUNT']);
    expect(short.respondentId).toBe(p.of('31500000003'));
    expect(short.fields).toEqual([]); // not aligned with the header: nothing kept
    const dup = r.byLine.get(5)!.reject!;
    expect(dup.reasons).toEqual(['DUPLICATE_CONFLICT']);
    expect(dup.respondentId).toBe(p.of('31500000001'));
    expect(r.byLine.get(6)!.reject!.reasons).toEqual(['MISSING_ID']);
  });

  it('an erased participant (listed under an earlier key) is rejected as ERASED with nothing kept, up to the erasure', async () => {
    const r = await clean(DROP, { instrument, privacy, seen, erased });
    for (const line of [8, 10]) {
      expect(r.byLine.get(line)!.reject).toMatchObject({ reasons: ['ERASED'], respondentId: '', fields: [], text: '' });
      expect(JSON.stringify(r.byLine.get(line)!.reject)).not.toContain(oldKey.of('31500000005'));
    }
    expect(r.byLine.get(9)!.clean).toBeDefined(); // 2025-Q2: answered after the erasure
    expect(r.manifest.reasons.ERASED).toBe(2);
  });

  it('a prior duplicate says so without naming the pseudonym in its detail', async () => {
    const r = await clean(DROP, { instrument, privacy, seen: () => new Map([[p.of('31500000004'), 'ffffffffffffffff']]) });
    const dup = r.byLine.get(7)!.reject!;
    expect(dup.reasons).toEqual(['DUPLICATE_PRIOR_CONFLICT']);
    expect(dup.respondentId).toBe(p.of('31500000004'));
    expect(dup.details.join(' ')).not.toContain('k2.');
  });

  it('a refused drop names no header cell (a file without its header row shows a participant)', async () => {
    const headerless = ROWS.slice(0, 3).join('\n') + '\n';
    await expect(clean(headerless, { instrument, privacy })).rejects.toThrow(/9 columns, not shown here/);
    await expect(clean(headerless, { instrument, privacy })).rejects.not.toThrow(/Budi|31500000001/);
    await expect(clean(headerless, { instrument })).rejects.toThrow(/Budi Santoso/); // the CLI on a user's own file shows them
  });

  it('recognises a participant stored before a key rotation as a prior duplicate', async () => {
    const r = await clean(DROP, { instrument, privacy, seen: () => new Map([[oldKey.of('31500000004'), 'ffffffffffffffff']]) });
    expect(r.byLine.get(7)!.reject!.reasons).toEqual(['DUPLICATE_PRIOR_CONFLICT']);
  });
});
