// The cross-drop respondent index: one item per drop and (branch, quarter), split under DynamoDB's item limit,
// read back as id -> answer hash without the drop's own earlier attempt.
import { describe, expect, it } from 'vitest';
import { respondentItems, RESPONDENT_CHUNK_BYTES, seenFromItems, type CleanPartition } from '../../../../shared/pipeline/drops';

const part = (branch: string, period: string, ids: string[]): CleanPartition => ({
  branch, period, rows: ids.length, chunks: 1, newRespondents: ids.map((id, i) => ({ id, answerHash: i.toString(16).padStart(16, '0') })),
});

describe('respondent index items', () => {
  it('writes one item per (branch, quarter) of a drop and reads every id back', () => {
    const ids = Array.from({ length: 250 }, (_, i) => `KPJ-${i}`);
    const items = respondentItems('abc', [part('BR01', '2025-Q1', ids), part('BR02', '2025-Q1', ['x'])]);
    expect(items.map((i) => [i.pk, i.sk])).toEqual([['RESP#BR01#2025-Q1', 'DROP#abc#0000'], ['RESP#BR02#2025-Q1', 'DROP#abc#0000']]);
    const seen = seenFromItems(items.filter((i) => i.pk.startsWith('RESP#BR01#')), 'another');
    expect([...seen.keys()]).toEqual(ids);
    expect(seen.get('KPJ-17')).toBe((17).toString(16).padStart(16, '0'));
  });

  it('splits a large partition into chunks that each stay under the byte bound, ids with multi-byte characters included', () => {
    const ids = Array.from({ length: 9000 }, (_, i) => `Peserta-ÉÑ-ŧ-${'€'.repeat(10)}-${i}`);
    const items = respondentItems('abc', [part('BR01', '2025-Q1', ids)]);
    expect(items.length).toBeGreaterThan(1);
    for (const it of items) expect(Buffer.byteLength(it.respondents)).toBeLessThanOrEqual(RESPONDENT_CHUNK_BYTES);
    expect(items.map((i) => i.sk)).toEqual(items.map((_, k) => `DROP#abc#${String(k).padStart(4, '0')}`));
    expect(seenFromItems(items, 'another').size).toBe(9000);
  });

  it('is deterministic, and a drop does not see the ids its own interrupted attempt stored', () => {
    const p = [part('BR01', '2025-Q1', ['a', 'b'])];
    expect(respondentItems('h1', p)).toEqual(respondentItems('h1', p));
    const stored = [...respondentItems('h1', p), ...respondentItems('h2', [part('BR01', '2025-Q1', ['c'])])];
    expect([...seenFromItems(stored, 'h1').keys()]).toEqual(['c']);
    expect([...seenFromItems(stored, 'h3').keys()].sort()).toEqual(['a', 'b', 'c']);
  });

  it('writes nothing for a partition without new respondents', () => {
    expect(respondentItems('h', [part('BR01', '2025-Q1', [])])).toEqual([]);
  });
});
