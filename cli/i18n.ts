// The language of what satmon prints for a person: --lang id|en (a global option, anywhere on the command line)
// else SATMON_LOCALE (default id). JSON output is language-neutral and does not depend on it.
import { CliError } from './errors';
import { loadGroup } from '../shared/config';
import { createFormat, type Format } from '../shared/i18n/format';
import { LOCALES, parseLocale, type Locale } from '../shared/i18n/locale';

/**
 * Takes `--lang X` / `--lang=X` out of the arguments (before a `--`). The chosen language becomes SATMON_LOCALE
 * of this process, so what the commands run in-process (the assess handler's alert texts, worker threads) speaks
 * it too.
 */
export function takeLangFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  let lang: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { out.push(...argv.slice(i)); break; }
    if (a === '--lang') {
      lang = argv[++i];
      if (lang === undefined) throw new CliError(`--lang needs a value: ${LOCALES.join(' or ')}`);
    } else if (a.startsWith('--lang=')) lang = a.slice('--lang='.length);
    else out.push(a);
  }
  if (lang !== undefined) {
    const locale = parseLocale(lang);
    if (!locale) throw new CliError(`--lang must be ${LOCALES.join(' or ')}, got '${lang}'`);
    process.env.SATMON_LOCALE = locale;
  }
  return out;
}

export function cliLocale(): Locale {
  try {
    return loadGroup('language').locale;
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0]!);
  }
}

let cached: Format | undefined;

/** Numbers, periods and texts in the CLI's language (one Format per process). */
export function cliFormat(): Format {
  const locale = cliLocale();
  if (cached?.locale !== locale) cached = createFormat(locale);
  return cached;
}
