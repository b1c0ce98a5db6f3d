// Messiness the simulator injects into drops, each kind with what the cleaner must make of it (the truth file).
// Expectations assume the default instrument (missing codes "", 9, 99, -99; >20% of a construct missing rejects)
// and, for `unknown_branch` only, that the cleaner is given the simulator's branch directory.
import type { ReasonCode } from '../reasons';
import type { Rng } from './prng';

export const MESS_KINDS = [
  'out_of_range', // an item coded 0, 6, 7 or 66
  'missing_code', // one GOV or SQ item coded 9 / 99 / -99 / blank: stays clean, the answer becomes missing
  'too_many_missing', // two of the four TRUST items blank or 99
  'straight_lining', // every item the same answer (1-4)
  'duplicate_exact', // a later exact copy of a clean row
  'duplicate_conflict', // a later row with the same respondent id and different answers
  'missing_branch',
  'unknown_branch', // a well-formed id outside the directory (needs knownBranches)
  'bad_period', // e.g. 2025-Q5
  'bad_date', // period left blank and an impossible date (31 February)
  'missing_id',
  'field_count', // the last field dropped
  'broken_quote', // an opening quote that never closes
  'padded', // spaces around values, lower-case and Indonesian spellings of codes (gender, occupation): stays clean
  'derived_period', // period left blank, valid date: stays clean, period derived from the date
] as const;
export type MessKind = (typeof MESS_KINDS)[number];

export interface TruthEntry {
  /** Line in the written file (header = 1). */
  line: number;
  respondentId: string;
  kind: MessKind;
  expect: 'clean' | 'reject';
  /** Expected reason codes when rejected. */
  reasons: ReasonCode[];
  /** For duplicates: the line of the first copy. */
  duplicateOf?: number;
  /** Set when the expectation holds only with the branch directory passed to the cleaner. */
  requires?: 'knownBranches';
}

export const EXPECTED: Record<MessKind, { expect: 'clean' | 'reject'; reasons: ReasonCode[] }> = {
  out_of_range: { expect: 'reject', reasons: ['OUT_OF_RANGE'] },
  missing_code: { expect: 'clean', reasons: [] },
  too_many_missing: { expect: 'reject', reasons: ['TOO_MANY_MISSING'] },
  straight_lining: { expect: 'reject', reasons: ['STRAIGHT_LINING'] },
  duplicate_exact: { expect: 'reject', reasons: ['DUPLICATE_EXACT'] },
  duplicate_conflict: { expect: 'reject', reasons: ['DUPLICATE_CONFLICT'] },
  missing_branch: { expect: 'reject', reasons: ['MISSING_BRANCH'] },
  unknown_branch: { expect: 'reject', reasons: ['UNKNOWN_BRANCH'] },
  bad_period: { expect: 'reject', reasons: ['BAD_PERIOD'] },
  bad_date: { expect: 'reject', reasons: ['BAD_DATE'] },
  missing_id: { expect: 'reject', reasons: ['MISSING_ID'] },
  field_count: { expect: 'reject', reasons: ['BAD_FIELD_COUNT'] },
  broken_quote: { expect: 'reject', reasons: ['BAD_QUOTING'] },
  padded: { expect: 'clean', reasons: [] },
  derived_period: { expect: 'clean', reasons: [] },
};

/** Column positions the mutations need (the simulated drop's column order). */
export interface Layout {
  id: number;
  branch: number;
  period: number;
  date: number;
  programme: number;
  gender: number;
  occupation: number;
  /** First item column; items follow in SIM_ITEMS order. */
  firstItem: number;
  itemNames: readonly string[];
  format: 'excel-id' | 'plain';
}

const PADDED_GENDER: Record<string, string> = { M: 'Laki-laki', F: 'Perempuan' };
/** Everyday Indonesian spellings of the occupation codes (aliases of the default instrument). */
const PADDED_OCCUPATION: Record<string, string> = {
  PNS: 'ASN', SWASTA: 'Karyawan Swasta', BUMN: 'Pegawai BUMN', WIRAUSAHA: 'Wiraswasta', PETANI: 'Nelayan', PENGEMUDI: 'Ojek Online', LAINNYA: 'Lain-lain',
};

function itemCols(layout: Layout, prefix: string): number[] {
  const out: number[] = [];
  layout.itemNames.forEach((n, i) => {
    if (n.startsWith(prefix) && /\d$/.test(n)) out.push(layout.firstItem + i);
  });
  return out;
}

/**
 * Applies an in-place mutation to a row's fields (not the duplicate kinds, which the drop writer handles).
 * Returns the fields (field_count returns a shorter array).
 */
export function mutate(kind: MessKind, fields: string[], layout: Layout, rng: Rng, year: number): string[] {
  const items = layout.itemNames.map((_, i) => layout.firstItem + i);
  switch (kind) {
    case 'out_of_range':
      fields[items[rng.int(items.length)]!] = ['0', '6', '7', '66'][rng.int(4)]!;
      return fields;
    case 'missing_code': {
      const pool = [...itemCols(layout, 'GOV'), ...itemCols(layout, 'SQ')];
      fields[pool[rng.int(pool.length)]!] = ['9', '99', '-99', ''][rng.int(4)]!;
      return fields;
    }
    case 'too_many_missing': {
      const trust = itemCols(layout, 'TRUST');
      const a = rng.int(trust.length);
      const b = (a + 1 + rng.int(trust.length - 1)) % trust.length;
      fields[trust[a]!] = '';
      fields[trust[b]!] = rng.bernoulli(0.5) ? '' : '99';
      return fields;
    }
    case 'straight_lining': {
      // 1-4: a code on every item's scale (the SKM unsur are 1-4), so the line is the same answer everywhere.
      const v = String(1 + rng.int(4));
      for (const j of items) fields[j] = v;
      return fields;
    }
    case 'missing_branch':
      fields[layout.branch] = '';
      return fields;
    case 'unknown_branch':
      fields[layout.branch] = 'ZZ99';
      return fields;
    case 'bad_period':
      fields[layout.period] = `${year}-Q${5 + rng.int(4)}`;
      return fields;
    case 'bad_date':
      fields[layout.period] = '';
      fields[layout.date] = layout.format === 'excel-id' ? `31/02/${year}` : `${year}-02-31`;
      return fields;
    case 'missing_id':
      fields[layout.id] = '';
      return fields;
    case 'field_count':
      return fields.slice(0, fields.length - 1);
    case 'broken_quote':
      fields[layout.programme] = `"${fields[layout.programme]}`;
      return fields;
    case 'padded':
      fields[layout.id] = ` ${fields[layout.id]} `;
      fields[layout.branch] = ` ${fields[layout.branch]!.toLowerCase()}`;
      fields[layout.programme] = ` ${fields[layout.programme]!.toLowerCase()} `;
      fields[layout.gender] = PADDED_GENDER[fields[layout.gender]!] ?? fields[layout.gender]!;
      fields[layout.occupation] = ` ${PADDED_OCCUPATION[fields[layout.occupation]!] ?? fields[layout.occupation]!}`;
      for (let k = 0; k < 3; k++) {
        const j = items[rng.int(items.length)]!;
        fields[j] = ` ${fields[j]} `;
      }
      return fields;
    case 'derived_period':
      fields[layout.period] = '';
      return fields;
    case 'duplicate_exact':
    case 'duplicate_conflict':
      throw new Error(`mutate: ${kind} is applied by the drop writer`);
  }
}
