// The test suite's pseudonym keyring (vitest.config.ts sets SATMON_PSEUDONYM_KEY_FILE to it, so every local stack of
// every test file stores the same pseudonyms, and tests can name the pseudonym of an id they wrote).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseKeyring, pseudonymsOf } from '../../shared/privacy/pseudonym';

export const TEST_KEYRING = path.resolve(import.meta.dirname, '../fixtures/privacy/test-keyring.json');

export const testKeyring = parseKeyring(readFileSync(TEST_KEYRING, 'utf8'), TEST_KEYRING);

export const testPseudonyms = pseudonymsOf(testKeyring);
