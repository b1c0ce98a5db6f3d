// Pseudonymous respondent ids (UU 27/2022: pseudonymise where the purpose allows). A satisfaction index needs no
// identity and duplicate detection only needs to recognise the same person again, so ingest replaces the id (typically
// the participant's KPJ number) by a keyed hash before anything leaves the raw bucket:
//
//   pseudonym = <key id> "." first 128 bits of HMAC-SHA256(key, id) in hex      e.g. k1.3f9a0c...(32 hex digits)
//
// The key is secret (Secrets Manager on AWS, a key file locally): without it nobody can test a guessed KPJ number
// against the stored pseudonyms, which a plain hash of an 11-digit number would allow in minutes.
// Rotation: a keyring holds every key still in use and names the current one. New rows get the current key's
// pseudonym; duplicate detection and erasure look a person up under every key (knownAs), so pseudonyms made before a
// rotation stay comparable through their key id. Retire a key once the data pseudonymised with it has expired.
import { createHmac, randomBytes } from 'node:crypto';

/** Keyring JSON: `{"current": "k1", "k1": "<secret>", "k0": "<older secret>"}`. */
export interface Keyring {
  current: string;
  /** Key id -> secret (UTF-8 bytes of the text). */
  keys: ReadonlyMap<string, Buffer>;
}

/** Key ids: short, lower case, safe in a pseudonym and a file. */
export const KEY_ID = /^[a-z][a-z0-9]{0,7}$/;
/** Shortest secret accepted, in characters (a generated one has 43: 32 random bytes in base64url). */
export const MIN_SECRET_CHARS = 32;

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/** Reads and checks a keyring; `source` names it in errors (never the secret). */
export function parseKeyring(text: string, source: string): Keyring {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new KeyringError(`${source}: the pseudonym keyring is not JSON (${(e as Error).message})`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new KeyringError(`${source}: the pseudonym keyring must be a JSON object like {"current":"k1","k1":"<secret>"}`);
  const rec = o as Record<string, unknown>;
  const current = rec.current;
  if (typeof current !== 'string' || !KEY_ID.test(current)) throw new KeyringError(`${source}: "current" must name a key id (a lower-case letter, then up to 7 letters or digits)`);
  const keys = new Map<string, Buffer>();
  for (const [kid, v] of Object.entries(rec)) {
    if (kid === 'current') continue;
    if (!KEY_ID.test(kid)) throw new KeyringError(`${source}: key id "${kid.slice(0, 20)}" is not a lower-case letter followed by up to 7 letters or digits`);
    if (typeof v !== 'string' || v.length < MIN_SECRET_CHARS) throw new KeyringError(`${source}: key "${kid}" must be a text of at least ${MIN_SECRET_CHARS} characters`);
    keys.set(kid, Buffer.from(v, 'utf8'));
  }
  if (!keys.has(current)) throw new KeyringError(`${source}: "current" names key "${current}", which the keyring does not hold`);
  return { current, keys };
}

/** A new keyring with one random key (key id k1), as JSON text. */
export function newKeyringText(): string {
  return JSON.stringify({ current: 'k1', k1: randomBytes(32).toString('base64url') }, null, 2) + '\n';
}

/** What is stored instead of a respondent id. */
export interface Pseudonyms {
  /** The pseudonym under the current key. */
  of(id: string): string;
  /** The pseudonyms under every key of the ring, the current key's first (to recognise a person stored before a rotation). */
  knownAs(id: string): string[];
  /** The pseudonyms under the ring's other (earlier) keys only. */
  earlier(id: string): string[];
  /** The ring's key ids, the current one first. */
  keyIds: string[];
}

export function pseudonymsOf(ring: Keyring): Pseudonyms {
  const hash = (kid: string, key: Buffer, id: string) => `${kid}.${createHmac('sha256', key).update(id, 'utf8').digest('hex').slice(0, 32)}`;
  const current = ring.keys.get(ring.current)!;
  const others = [...ring.keys].filter(([kid]) => kid !== ring.current);
  return {
    of: (id) => hash(ring.current, current, id),
    knownAs: (id) => [hash(ring.current, current, id), ...others.map(([kid, key]) => hash(kid, key, id))],
    earlier: (id) => others.map(([kid, key]) => hash(kid, key, id)),
    keyIds: [ring.current, ...others.map(([kid]) => kid)],
  };
}

/** Whether a stored id is a pseudonym (a key id, a dot, 32 hex digits). */
export const isPseudonym = (s: string): boolean => /^[a-z][a-z0-9]{0,7}\.[0-9a-f]{32}$/.test(s);
