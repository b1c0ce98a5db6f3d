// Pseudonyms of respondent ids: HMAC-SHA256 under the keyring's current key, recognisable under older keys.
import { describe, expect, it } from 'vitest';
import { isPseudonym, KeyringError, newKeyringText, parseKeyring, pseudonymsOf } from '../../../../shared/privacy/pseudonym';

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD';

describe('pseudonyms', () => {
  it('are the first 128 bits of HMAC-SHA256(key, id), prefixed with the key id', () => {
    // Confirmed with OpenSSL: printf '%s' 31500001234 | openssl dgst -sha256 -hmac abcdefghijklmnopqrstuvwxyz0123456789ABCD
    //   -> 5901d257a35e77ba4eb9b9c21cde52ee2959e3d9c552524a51d2232fd0e5a274
    const p = pseudonymsOf(parseKeyring(JSON.stringify({ current: 'k1', k1: SECRET }), 'ring'));
    expect(p.of('31500001234')).toBe('k1.5901d257a35e77ba4eb9b9c21cde52ee');
    expect(isPseudonym(p.of('31500001234'))).toBe(true);
    expect(p.of('31500001235')).not.toBe(p.of('31500001234'));
  });

  it('after a rotation: new rows get the new key, the old pseudonym is still among knownAs', () => {
    const before = pseudonymsOf(parseKeyring(JSON.stringify({ current: 'k1', k1: SECRET }), 'ring'));
    const after = pseudonymsOf(parseKeyring(JSON.stringify({ current: 'k2', k1: SECRET, k2: 'Z'.repeat(40) }), 'ring'));
    expect(after.of('31500001234')).toMatch(/^k2\./);
    expect(after.knownAs('31500001234')).toEqual([after.of('31500001234'), before.of('31500001234')]);
  });

  it('a new keyring has one random key, and two differ', () => {
    const a = parseKeyring(newKeyringText(), 'a');
    const b = parseKeyring(newKeyringText(), 'b');
    expect(a.current).toBe('k1');
    expect(pseudonymsOf(a).of('x')).not.toBe(pseudonymsOf(b).of('x'));
  });

  it.each([
    ['not json', 'not JSON'],
    ['[]', 'JSON object'],
    ['{"k1":"' + SECRET + '"}', '"current" must name a key id'],
    ['{"current":"k2","k1":"' + SECRET + '"}', 'does not hold'],
    ['{"current":"k1","k1":"short-secret"}', 'at least 32 characters'],
    ['{"current":"k1","k1":"' + SECRET + '","K 9":"' + SECRET + '"}', 'key id "K 9"'],
  ])('refuses a bad keyring (%s) without showing a secret', (text, message) => {
    try {
      parseKeyring(text, 'secret arn:x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KeyringError);
      expect((e as Error).message).toContain(message);
      expect((e as Error).message).toContain('secret arn:x');
      expect((e as Error).message).not.toContain(SECRET);
      expect((e as Error).message).not.toContain('short-secret');
    }
  });
});
