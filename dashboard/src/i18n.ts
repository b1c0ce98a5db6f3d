// The dashboard's language: the reader's choice (`lang=` in the URL hash, kept like the filters), else the
// deployment's (SATMON_LOCALE, sent as /api/me's defaultLocale), else Indonesian. Every word goes through the
// message catalogue (shared/i18n) and every figure through its Intl formats; <html lang> follows.
import { type MessageKey, type Params } from '../../shared/i18n/catalogue';
import { createFormat, type Format } from '../../shared/i18n/format';
import { DEFAULT_LOCALE, type Locale } from '../../shared/i18n/locale';
import { METRIC_NAME_KEY } from '../../shared/i18n/messages/common';

let current: Format = createFormat(DEFAULT_LOCALE);

export const locale = (): Locale => current.locale;
/** The current language's formats (numbers, periods, dates). */
export const fmt = (): Format => current;
export const t = (key: MessageKey, params?: Params): string => current.t(key, params);

export function setLocale(l: Locale): void {
  if (l !== current.locale) current = createFormat(l);
  document.documentElement.lang = l;
}

/** A construct's or index's name ("Kepuasan" / "Satisfaction"); an id the catalogue does not know, as is. */
export const metricName = (m: string): string => (m in METRIC_NAME_KEY ? t(METRIC_NAME_KEY[m as keyof typeof METRIC_NAME_KEY]) : m);

/** The languages on offer, each named in itself. */
export const LANGUAGE_NAME_KEY = { id: 'dash.lang.id', en: 'dash.lang.en' } as const satisfies Record<Locale, MessageKey>;
