// s3rver 3.7 encrypts ListObjectsV2 continuation tokens with single DES ('des'), which OpenSSL 3 only offers in
// its legacy provider; `--openssl-legacy-provider` cannot be enabled once Node is running. Triple DES with the
// same 8-byte key three times (K1 = K2 = K3) is mathematically single DES (EDE collapses to E), and 3DES is in
// OpenSSL 3's default provider, so mapping 'des' to 'des-ede3-cbc' gives byte-identical tokens.
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

// The CommonJS view of 'crypto' is the object s3rver calls through (`crypto.createCipheriv(...)` at call time).
const crypto = createRequire(import.meta.url)('node:crypto') as typeof Crypto & { __satmonDesShim?: true };

function isSingleDes(algorithm: string): boolean {
  const a = algorithm.toLowerCase();
  return a === 'des' || a === 'des-cbc';
}

function tripled(key: Crypto.CipherKey): Crypto.CipherKey {
  const k = Buffer.isBuffer(key) ? key : typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return Buffer.isBuffer(k) && k.length === 8 ? Buffer.concat([k, k, k]) : key;
}

function desUnavailable(): boolean {
  try {
    crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return false;
  } catch {
    return true;
  }
}

/** Install once per process; a no-op where single DES still works (OpenSSL 1.1, or the legacy provider loaded). */
export function installDesShim(): void {
  if (crypto.__satmonDesShim || !desUnavailable()) return;
  const createCipheriv = crypto.createCipheriv;
  const createDecipheriv = crypto.createDecipheriv;
  crypto.createCipheriv = ((alg: string, key: Crypto.CipherKey, iv: Crypto.BinaryLike | null, opts?: unknown) =>
    isSingleDes(alg)
      ? createCipheriv('des-ede3-cbc', tripled(key), iv, opts as never)
      : createCipheriv(alg, key, iv, opts as never)) as typeof crypto.createCipheriv;
  crypto.createDecipheriv = ((alg: string, key: Crypto.CipherKey, iv: Crypto.BinaryLike | null, opts?: unknown) =>
    isSingleDes(alg)
      ? createDecipheriv('des-ede3-cbc', tripled(key), iv, opts as never)
      : createDecipheriv(alg, key, iv, opts as never)) as typeof crypto.createDecipheriv;
  crypto.__satmonDesShim = true;
}
