// The drops under a folder: every file the ingest route takes (EVENT_ROUTES' suffixes, any case), recursively, in
// path order. `npm start`, `satmon pipeline` and `satmon ikm` read a folder of drops through here.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_ROUTES } from './resources';

export const DROP_SUFFIXES: readonly string[] = EVENT_ROUTES.filter((r) => r.handler === 'ingest').flatMap((r) => r.suffixes);

export const isDropFile = (name: string): boolean => DROP_SUFFIXES.some((s) => name.toLowerCase().endsWith(s.toLowerCase()));

export async function dropFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && isDropFile(e.name)) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}
