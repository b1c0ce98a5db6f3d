// The cleaner's personal-data handling (shared/survey/clean.ts RowPrivacy) from a pseudonym keyring: pseudonyms for
// ids, the free-text masker for answers and kept fields.
import type { RowPrivacy } from '../survey';
import { maskPersonalText } from './mask-text';
import { pseudonymsOf, type Keyring } from './pseudonym';

export function rowPrivacyOf(ring: Keyring): RowPrivacy {
  const p = pseudonymsOf(ring);
  return { pseudonym: p.of, earlier: p.earlier, keyIds: p.keyIds, maskText: maskPersonalText };
}
