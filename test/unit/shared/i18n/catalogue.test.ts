// The message catalogue is complete in both languages, consistent, and has no dead keys.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueEntries, translator } from '../../../../shared/i18n/catalogue';

const root = path.resolve(__dirname, '../../../..');
const entries = catalogueEntries();

/** Every .ts source a user-facing text can come from (the catalogue's own sections excluded). */
function sources(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const full = path.join(dir, f);
      if (statSync(full).isDirectory()) { if (f !== 'node_modules' && f !== 'dist' && f !== 'messages') walk(full); }
      else if (/\.(ts|mts|mjs)$/.test(f) && !f.endsWith('.d.ts')) out.push(readFileSync(full, 'utf8'));
    }
  };
  for (const d of ['shared', 'dashboard/src', 'cli', 'lambdas', 'infra', 'scripts']) walk(path.join(root, d));
  // Maps from ids to keys (METRIC_NAME_KEY, ...) sit beside their sections and count as uses.
  for (const f of readdirSync(path.join(root, 'shared/i18n/messages'))) {
    const text = readFileSync(path.join(root, 'shared/i18n/messages', f), 'utf8');
    const maps = text.split(/\nexport const \w+_KEY\b/).slice(1).join('\n');
    out.push(maps);
  }
  return out.join('\n');
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogue', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.en.trim(), e.key).not.toBe('');
      expect(e.id.trim(), e.key).not.toBe('');
      expect(placeholders(e.id), `placeholders of ${e.key}`).toEqual(placeholders(e.en));
    }
  });

  it('names no internal source id ("seed-…")', () => {
    for (const e of entries) expect(`${e.en} ${e.id}`, e.key).not.toMatch(/seed-\d/);
  });

  it('uses every key somewhere as a literal', () => {
    const text = sources();
    const unused = entries.map((e) => e.key).filter((k) => !text.includes(`'${k}'`) && !text.includes(`"${k}"`) && !text.includes(`\`${k}\``));
    expect(unused).toEqual([]);
  });

  it('fills placeholders and leaves an unknown one visible', () => {
    expect(translator('id')('common.range', { low: '1', high: '2' })).toBe('1 s.d. 2');
    expect(translator('en')('common.range', { low: '1' })).toBe('1 to {high}');
  });
});
