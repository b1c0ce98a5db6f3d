// The local runs' pseudonym keyring (lambdas/aws/pseudonym-key.ts reads it): a file created with one random key at
// first start, readable by its owner only. npm start and `satmon pipeline --data-dir` share the persistent one under
// .satmon/ (outside the data folder, so `npm start -- --fresh` keeps pseudonyms stable); a stack in a temporary
// folder gets a throwaway key there.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGroup } from '../../shared/config';
import { newKeyringText } from '../../shared/privacy/pseudonym';
import { packageRoot } from './package-root';

/** SATMON_PSEUDONYM_KEY_FILE (relative to the package root), else .satmon/pseudonym-key.json there. */
export function defaultKeyFile(): string {
  const root = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
  return path.resolve(root, loadGroup('privacy').keyFile ?? '.satmon/pseudonym-key.json');
}

/** Creates the keyring at `file` unless it exists (never overwrites: that would orphan every stored pseudonym). */
export function ensureKeyFile(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, newKeyringText(), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return file;
}
