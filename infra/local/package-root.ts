// The repository root (the folder with package.json) above a module, whether it runs from its TypeScript source
// (infra/local/x.ts) or from the flat compiled build (dist/x.js), where paths relative to the file differ.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
