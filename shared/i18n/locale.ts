// The product's languages. Indonesian is the default of this administrator's deployment (SATMON_LOCALE); every
// reader can switch, and the choice travels in the dashboard's URL (`lang=`) like the filters.
export const LOCALES = ['id', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'id';

/** `id`, `en`, or a BCP 47 tag starting with one of them (`id-ID`, `en-GB`); anything else is undefined. */
export function parseLocale(text: string | null | undefined): Locale | undefined {
  const base = (text ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(base ?? '') ? (base as Locale) : undefined;
}

/** The BCP 47 tag handed to Intl: Indonesian as written in Indonesia, English with a '.' decimal point. */
export const INTL_TAG: Record<Locale, string> = { id: 'id-ID', en: 'en-GB' };
