// The message catalogue: every word the product shows a person, in Indonesian and English. Sections live in
// ./messages/<area>.ts, written with section() (./section.ts), whose type makes a key missing in either language a compile error;
// test/unit/shared/i18n/catalogue.test.ts checks the placeholders agree and that every key is used somewhere as a
// literal (so a family of keys is reached through a literal map, never a template string).
//
// Placeholders are `{name}`; values are strings the caller formatted (./format.ts), or numbers written as is.
import type { Locale } from './locale';
import { alerts } from './messages/alerts';
import { api } from './messages/api';
import { cli } from './messages/cli';
import { common } from './messages/common';
import { dash } from './messages/dashboard';
import { exportsSection } from './messages/exports';
import { ikm } from './messages/ikm';
import { skm } from './messages/skm';
import type { Section } from './section';

type Keys<S> = S extends Section<infer N, infer E> ? `${N}.${keyof E & string}` : never;
const SECTIONS = [common, dash, api, alerts, exportsSection, cli, ikm, skm] as const;
export type MessageKey = Keys<(typeof SECTIONS)[number]>;
export type Params = Record<string, string | number>;

function flatten(locale: Locale): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of SECTIONS) {
    for (const [k, v] of Object.entries(s[locale] as Record<string, string>)) {
      const key = `${s.name}.${k}`;
      if (out.has(key)) throw new Error(`message catalogue: duplicate key ${key}`);
      out.set(key, v);
    }
  }
  return out;
}

const TABLES: Record<Locale, Map<string, string>> = { id: flatten('id'), en: flatten('en') };

/** Every key with its text in both languages (for the catalogue's own test). */
export function catalogueEntries(): { key: string; id: string; en: string }[] {
  return [...TABLES.en.keys()].map((key) => ({ key, en: TABLES.en.get(key)!, id: TABLES.id.get(key) ?? '' }));
}

export type Translate = (key: MessageKey, params?: Params) => string;

/** The translator of one language. A placeholder without a value is left as written (a visible bug, not a crash). */
export function translator(locale: Locale): Translate {
  const table = TABLES[locale];
  return (key, params) => {
    const text = table.get(key);
    if (text === undefined) throw new Error(`message catalogue: no key ${key}`);
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}
