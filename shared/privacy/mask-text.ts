// Masks personal details in participants' free-text answers (Indonesian, often informal) before they are shown or
// exported: e-mail addresses, URLs, NIK, phone numbers and other long identifying numbers (KPJ cards, accounts).
// Names, addresses and social-media handles are NOT recognised (no reliable pattern); see
// test/fixtures/privacy/README.md for what is masked and kept, and why.
//
// One scan with one regular expression: its alternatives are tried in priority order at each position (e-mail,
// URL, money, date, time, digit group), so an e-mail's digits never become a phone number and a date or an amount
// is consumed whole before the digit-group alternative could see it. A digit group is matched whole (with its
// separators) and then classified in code (NIK, phone, number, or kept), so a number is masked whole or not at all.
// Every run of characters that an alternative can scan is entered only at its start (look-behinds), and no
// quantified part can split the same text two ways, so the scan is linear in the text length.

/** The placeholder each kind of detail becomes. */
export const MASKS = { email: '[email]', url: '[tautan]', nik: '[NIK]', phone: '[telepon]', number: '[nomor]' } as const;
export type MaskKind = keyof typeof MASKS;

/** Both cases of every ASCII letter of `word`, as a regex source (the scan itself is case-sensitive). */
function ci(word: string): string {
  return word.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}
const anyOf = (words: readonly string[]) =>
  `(?:${[...words].sort((a, b) => b.length - a.length).map(ci).join('|')})`; // longest first: "com" before "co"

// Top-level domains accepted at the end of an e-mail address, a www. host or a bare domain with a path. A list
// (not any letters) so that "budi@gmail.com.makasih" (no space after the full stop) keeps "makasih".
const TLD = anyOf([
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'mobi', 'app', 'dev', 'io', 'ai',
  'me', 'co', 'id', 'my', 'sg', 'ly', 'gl', 'gle', 'ee', 'be', 'tv', 'cc', 'to', 'ws', 'xyz', 'online', 'site',
  'store', 'shop', 'tech', 'web', 'link', 'page', 'live', 'email', 'cloud', 'uk', 'us', 'au', 'jp', 'de', 'nl', 'in',
]);
// Mail providers: after a bare "at" ("budi at gmail dot com") and as a whole domain ("budi@gmail"); without them
// those forms are ordinary text.
const PROVIDER = anyOf(['gmail', 'googlemail', 'yahoo', 'ymail', 'rocketmail', 'hotmail', 'outlook', 'live', 'icloud', 'protonmail', 'proton', 'aol']);

const LABEL = '[A-Za-z0-9-]+';
const LOCAL_CH = 'A-Za-z0-9_.%+\\-';
// "." or an obfuscated dot: "(dot)", "[titik]", " dot ".
const DOTWORD = anyOf(['dot', 'titik']);
const DOT = `(?:\\.|[ ]{0,2}[\\[(][ ]?${DOTWORD}[ ]?[\\])][ ]{0,2}|[ ]{1,2}${DOTWORD}[ ]{1,2})`;
const DOMAIN = `${LABEL}(?:${DOT}${LABEL})*${DOT}${TLD}`;
// "@" (spaces after it allowed), "(at)", "[at]", "[et]": any domain follows.
const AT = `(?:@[ ]{0,2}|[ ]{0,2}[\\[(][ ]?${anyOf(['at', 'et'])}[ ]?[\\])][ ]{0,2})`;
// A space before "@", or a bare "at": only before a mail provider, since "dm ke @toko.id" is a mention.
const LOOSE_AT = `(?:[ ]{1,2}@[ ]{0,2}|[ ]{1,2}${anyOf(['at'])}[ ]{1,2})`;
const EMAIL =
  `(?<![${LOCAL_CH}])[${LOCAL_CH}]+` +
  `(?:${AT}${DOMAIN}|@${PROVIDER}(?![A-Za-z0-9])|${LOOSE_AT}(?=${PROVIDER})${DOMAIN})`;

const URL_CH = "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]";
const URL = [
  `${ci('http')}[sS]?:\\/\\/${URL_CH}+`,
  `(?<![A-Za-z0-9.\\-])${ci('www')}\\.(?:(?:${LABEL}\\.)*${TLD}(?:[/?#:]${URL_CH}*)?|${URL_CH}+)`,
  `(?<![A-Za-z0-9.\\-@/_])(?:${LABEL}\\.)+${TLD}\\/${URL_CH}*`, // bare domain, only with a path: bit.ly/x, wa.me/62…
].join('|');

// An amount after Rp/IDR, kept however long: "Rp 12.500.000", "Rp. 250.000,00", "Rp1,5".
const MONEY = `(?<![A-Za-z])(?:${ci('rp')}|${ci('idr')})\\.?[ \\u00A0]{0,2}[0-9]+(?:[.,][0-9]+)*`;
const DAY = '(?:0?[1-9]|[12][0-9]|3[01])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const YEAR = '(?:19|20)[0-9]{2}';
const NOT_MORE = '(?![.\\-/]?[0-9])';
// 12/03/2024, 12-03-24, 2024-03-12, 12.03.2024 (no back-reference: the same source is reused in GROUP below).
const DATE = `(?:${DAY}[./-]${MONTH}[./-](?:${YEAR}|[0-9]{2})|${YEAR}[./-]${MONTH}[./-]${DAY})${NOT_MORE}`;
const HHMM = '(?:[01]?[0-9]|2[0-3])[.:][0-5][0-9]';
const TIME = `(?<![0-9])${HHMM}(?:[ ]?-[ ]?${HHMM})?(?![.:\\-]?[0-9])`;
// A digit group: optional 1–2 capital letters glued on (KPJ "J19011234567"), "+", "(021) ", then digits joined by
// ".", "-" or a single space; a space joins only groups of 2+ digits that do not start a date ("sejak 2019 3 kali",
// "antrean 157 12-03-2024" stay apart).
const GROUP = `(?<pfx>(?<![A-Za-z0-9])[A-Z]{1,2}-?(?=[0-9]))?(?<![0-9])(?<body>(?:\\+[ ]?)?(?:\\([0-9]{2,5}\\)[ ]?)?[0-9]+(?:[.\\-][0-9]+|[ \\u00A0](?!${DATE})[0-9]{2,})*)`;

const SCAN = new RegExp(
  `(?<email>${EMAIL})|(?<url>${URL})|(?<keep>${MONEY}|(?<![0-9])${DATE}|${TIME})|${GROUP}`,
  'g',
);

const PHONE_WORD_BEFORE = /(?:^|[^a-z])(?:telp|tlp|telepon|telpon|hp|handphone|ponsel|wa|whatsapp|kontak|hubungi)\.?[ ]*(?:[:=]|ke|di)?[ ]*$/;
const MONEY_WORD_AFTER = /^[ ]?(?:rupiah|rp|ribu|rb|juta|jt|idr)(?![a-z])/;
const THOUSANDS = /^[1-9][0-9]{0,2}(?:\.[0-9]{3})+$/; // "25.000.000": an amount, not an identifier
const YEAR_RE = /^(?:19|20)[0-9]{2}$/;

/**
 * What a digit group is, or null to keep it. `before`/`after` are a few characters around it (lower-cased) for the
 * context words ("wa", "telp"; "rupiah", "juta").
 */
function classify(body: string, before: string, after: string): MaskKind | null {
  const digits = body.replace(/[^0-9]/g, '');
  const n = digits.length;
  if (n < 6) return null;
  const phoneWord = n <= 13 && PHONE_WORD_BEFORE.test(before);
  if (n < 8 && !phoneWord) return null;
  const groups = body.split(/[^0-9]+/).filter(Boolean);
  if (groups.length > 1 && groups.every((g) => YEAR_RE.test(g))) return null; // "2019-2020", "2019 2020"
  if (THOUSANDS.test(body) || MONEY_WORD_AFTER.test(after)) return null;
  const plus = body.startsWith('+');
  if (!plus && n === 16 && digits[0] !== '0') return 'nik'; // NIK starts with a province code 11–94
  if (plus && n >= 8 && n <= 15) return 'phone';
  if (digits.startsWith('628') && n >= 11 && n <= 14) return 'phone'; // 62 812-…, written without "+"
  if (digits[0] === '0' && n >= 9 && n <= 13) return 'phone'; // 08xx mobiles, (021) landlines
  if (phoneWord) return 'phone';
  return n >= 8 ? 'number' : null;
}

/** Where a URL's trailing punctuation starts (a loop, not a regex: `[.,]+$` is quadratic on a long run of dots). */
function endOfUrl(url: string): number {
  let end = url.length;
  while (end > 0 && ".,;:!?'\")]".includes(url[end - 1]!)) end--;
  // A closing bracket belongs to the URL when it closes one the URL opened ("…/Foo_(bar)."); otherwise it is prose.
  if (url[end] === ')') {
    let depth = 0;
    for (let i = 0; i < end; i++) depth += url[i] === '(' ? 1 : url[i] === ')' ? -1 : 0;
    if (depth > 0) end++;
  }
  return end;
}

/**
 * Full-width forms (U+FF01–FF5E: "０８１２", "＠", "．") as their ASCII twins, so they are recognised like ASCII.
 * One UTF-16 unit each way, so offsets in the result are offsets in the original text.
 */
function asciiForms(text: string): string {
  if (!/[\uFF01-\uFF5E]/.test(text)) return text;
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function mask(text: string, counts: Record<MaskKind, number> | undefined): string {
  const scan = asciiForms(text);
  const out: string[] = [];
  let last = 0;
  SCAN.lastIndex = 0; // shared: the loop below is synchronous, nothing can interleave
  for (let m = SCAN.exec(scan); m !== null; m = SCAN.exec(scan)) {
    const g = m.groups!;
    if (g.keep !== undefined) continue;
    let start = m.index, end = start + m[0].length;
    let kind: MaskKind | null;
    if (g.email !== undefined) {
      kind = 'email';
      while (/[._%+\-]/.test(scan[start]!)) start++; // "...budi@x.com": the dots are punctuation
    } else if (g.url !== undefined) {
      kind = 'url';
      end = start + endOfUrl(m[0]);
    } else {
      const bodyStart = end - g.body!.length;
      kind = classify(g.body!, scan.slice(Math.max(0, start - 24), start).toLowerCase(), scan.slice(end, end + 10).toLowerCase());
      if (kind === null) continue;
      if (kind !== 'number') start = bodyStart; // a letter prefix is part of a card number only
    }
    out.push(text.slice(last, start), MASKS[kind]);
    last = end;
    if (counts) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  if (last === 0) return text;
  out.push(text.slice(last));
  return out.join('');
}

/** The text with e-mail addresses, URLs, NIK (16 digits), phone numbers and other long identifying numbers (KPJ card numbers, account numbers: 8+ digits) replaced by MASKS; everything else unchanged. */
export function maskPersonalText(text: string): string {
  return mask(text, undefined);
}

/** Same, also counting what was masked (for manifests: how many of each kind). */
export function maskPersonalTextCounted(text: string, counts: Record<MaskKind, number>): string {
  return mask(text, counts);
}

/** maskPersonalText of every field. */
export function maskFields(fields: string[]): string[] {
  return fields.map(maskPersonalText);
}
