// Masks personal details in participants' free-text answers (Indonesian, often informal) before they are shown or
// exported: e-mail addresses, URLs, NIK, phone numbers and other long identifying numbers (KPJ cards, accounts).
// Names, addresses and social-media handles are NOT recognised (no reliable pattern); see
// test/fixtures/privacy/README.md for what is masked and kept, and why.
//
// One scan with one regular expression: its alternatives are tried in priority order at each position (e-mail,
// URL, money, date, time, digit group), so an e-mail's digits never become a phone number and a date or an amount
// is consumed whole before the digit-group alternative could see it. Pseudonyms (key id "." 32 hex digits, see
// pseudonym.ts) are blanked out of the scanned copy first, so no match can reach into one. A digit group is
// matched whole (with its separators) and then classified in code (NIK, phone, number, or kept), so a number is
// masked whole or not at all; a group joined by a loose separator ("/", " - ") is masked whole only as a phone or
// NIK, otherwise part by part. Every run of characters that an alternative can scan is entered only at its start
// (look-behinds), and no quantified part can split the same text two ways, so the scan is linear in the text
// length; the one extra attempt after a match (GLUED_EMAIL) is made at most once per run.

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
// Mail providers: as a whole domain ("budi@gmail") and after a space before "@" ("joko @gmail.com"); without them
// those forms are ordinary text (or a mention).
const PROVIDER = anyOf(['gmail', 'googlemail', 'yahoo', 'ymail', 'rocketmail', 'hotmail', 'outlook', 'live', 'icloud', 'protonmail', 'proton', 'aol']);

const LABEL = '[A-Za-z0-9-]+';
const LOCAL_CH = 'A-Za-z0-9_.%+\\-';
// "." or an obfuscated dot: "(dot)", "[titik]", " dot ".
const DOTWORD = anyOf(['dot', 'titik']);
const WORD_DOT = `(?:[ ]{0,2}[\\[(][ ]?${DOTWORD}[ ]?[\\])][ ]{0,2}|[ ]{1,2}${DOTWORD}[ ]{1,2})`;
const DOT = `(?:\\.|${WORD_DOT})`;
const DOMAIN = `${LABEL}(?:${DOT}${LABEL})*${DOT}${TLD}`;
const END = '(?![A-Za-z0-9])'; // a whole word: "at 8 dot company" has no top-level domain
// A domain with at least one spelled-out dot ("perusahaan dot co dot id"). Plain "." labels come first, so the
// first spelled dot has one place only and a failing match backtracks over each label once.
const SPELLED_DOMAIN = `(?:${LABEL}\\.)*${LABEL}${WORD_DOT}(?:${LABEL}${DOT})*${TLD}${END}`;
// "@" (spaces after it allowed), "(at)", "[at]", "[et]": any domain follows.
const AT = `(?:@[ ]{0,2}|[ ]{0,2}[\\[(][ ]?${anyOf(['at', 'et'])}[ ]?[\\])][ ]{0,2})`;
// A space before "@": a mail provider, or a domain with a spelled-out dot ("dm ke @toko.id" is a mention). A bare
// word "at": any domain ending in a listed top-level domain as a whole word ("budi at perusahaan dot co dot id",
// "budi at kantor.co.id"); "datang at 8 dot" has no domain and stays.
const SPACE_AT = `[ ]{1,2}@[ ]{0,2}`;
const WORD_AT = `[ ]{1,2}${anyOf(['at'])}[ ]{1,2}`;
const EMAIL_REST =
  `[${LOCAL_CH}]+(?:${AT}${DOMAIN}|@${PROVIDER}(?![A-Za-z0-9])|${SPACE_AT}(?:(?=${PROVIDER})${DOMAIN}|${SPELLED_DOMAIN})` +
  `|${WORD_AT}(?:(?=${PROVIDER})${DOMAIN}|${DOMAIN}${END}))`;
const EMAIL = `(?<![${LOCAL_CH}])${EMAIL_REST}`;
// An address glued by a local-part character to the match before it ("budi@gmail.com.sari@yahoo.com",
// "0812-3456-7890.budi@gmail.com"), where EMAIL's look-behind cannot start: tried where that match ends. Whether it
// matches depends only on what follows the run of local-part characters (the local part always runs to its end),
// so a run is tried at most once (LOCAL_RUN finds its end).
const GLUED_EMAIL = new RegExp(`(?=[._%+\\-])${EMAIL_REST}`, 'y');
const LOCAL_RUN = new RegExp(`[${LOCAL_CH}]*`, 'y');

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
// ".", "-", "_" or a single space; a space joins only groups of 2+ digits that do not start a date ("sejak 2019 3
// kali", "antrean 157 12-03-2024" stay apart). A loose separator ("/", " - ", "- ", " / ", en or em dash; LOOSE
// below) joins only two runs of 3+ digits ("0812/3456/7890", "0812 - 3456 - 7890"; not "03/2024 - 05/2024").
// Each repetition starts with a different character (digit-separator, space-digit, space-"/", space-"-", "-"-space),
// so a group is split into its parts one way only.
const LOOSE_SRC = '(?:[ ]{0,2}[/\\u2013\\u2014][ ]{0,2}|[ ]{1,2}-[ ]{0,2}|-[ ]{1,2})';
const GROUP = `(?<pfx>(?<![A-Za-z0-9])[A-Z]{1,2}-?(?=[0-9]))?(?<![0-9])(?<body>(?:\\+[ ]?)?(?:\\([0-9]{2,5}\\)[ ]?)?[0-9]+` +
  `(?:[.\\-_][0-9]+|[ \\u00A0](?!${DATE})[0-9]{2,}|(?<=[0-9]{3})${LOOSE_SRC}(?!${DATE})(?=[0-9]{3})[0-9]+)*)`;
const LOOSE = new RegExp(`(?<=[0-9])${LOOSE_SRC}(?=[0-9])`, 'g'); // only through matchAll (which copies it)
const HAS_LOOSE = new RegExp(LOOSE.source);

const SCAN = new RegExp(
  `(?<email>${EMAIL})|(?<url>${URL})|(?<keep>${MONEY}|(?<![0-9])${DATE}|${TIME})|${GROUP}`,
  'g',
);

const PHONE_WORD_BEFORE = /(?:^|[^a-z])(?:telp|tlp|telepon|telpon|hp|handphone|ponsel|wa|whatsapp|kontak|hubungi)\.?[ ]*(?:[:=]|ke|di)?[ ]*$/;
const MONEY_WORD_AFTER = /^[ ]?(?:rupiah|rp|ribu|rb|juta|jt|idr)(?![a-z])/;
const THOUSANDS = /^[1-9][0-9]{0,2}(?:\.[0-9]{3})+$/; // "25.000.000": an amount, not an identifier
const YEAR_RE = /^(?:19|20)[0-9]{2}$/;
// Words after which a plain number of at most 10 digits (under Rp 10 billion; so never an 11-digit KPJ, a phone or
// a NIK) is an amount: "sebesar" ("in the amount of") and its kin never precede an identifier; the others ("cek
// saldo 1901123456") may, so only before a round amount. "dana" is left out: DANA is also an e-wallet whose account
// is a phone number.
const AMOUNT_WORD_BEFORE = /(?:^|[^a-z])(?:sebesar|senilai|seharga|sejumlah|nominal(?:nya)?)[ ]*[:=]?[ ]*$/;
const ROUND_AMOUNT_WORD_BEFORE =
  /(?:^|[^a-z])(?:saldo|gaji|upah|iuran|biaya|harga|tagihan|total|bayar|dibayar|cair|dicairkan|pencairan)(?:nya)?[ ]*[:=]?[ ]*$/;

/** "20240312": a calendar date (yyyymmdd) in 1990–2100. */
function isCompactDate(digits: string): boolean {
  const y = Number(digits.slice(0, 4)), m = Number(digits.slice(4, 6)), d = Number(digits.slice(6, 8));
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

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
  const plain = /^[1-9][0-9]*$/.test(body);
  if (plain && n <= 10 && AMOUNT_WORD_BEFORE.test(before)) return null; // "klaim sebesar 25000000"
  if (plain && n <= 10 && digits.endsWith('000') && ROUND_AMOUNT_WORD_BEFORE.test(before)) return null; // "gaji 15000000"
  if (plain && n === 8 && !phoneWord && isCompactDate(digits)) return null; // "klaim 20240312"
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

// A pseudonym as pseudonym.ts writes it (key id, ".", 32 lower-case hex digits) standing as a word.
const PSEUDONYM = /(?<![A-Za-z0-9])[a-z][a-z0-9]{0,7}\.[0-9a-f]{32}(?![A-Za-z0-9])/g;
const HEX_AFTER_DOT = /\.[0-9a-f]{32}/; // a quick test first: most texts have no pseudonym

/**
 * Pseudonyms replaced by as many NUL characters, which no alternative of SCAN accepts: a pseudonym is never masked
 * nor cut (its hex digits would otherwise read as phone numbers), and no e-mail, URL or number match runs through it.
 */
function blankPseudonyms(text: string): string {
  return HEX_AFTER_DOT.test(text) ? text.replace(PSEUDONYM, (p) => '\0'.repeat(p.length)) : text;
}

/** Whether every loosely joined part has at most 6 digits, as in a NIK's groupings (4-4-4-4, 6-6-4). */
const nikGroups = (body: string) => body.split(LOOSE).every((part) => part.replace(/[^0-9]/g, '').length <= 6);

/** One text being masked: the output so far and where it stopped. Methods, not closures, so a call allocates little. */
class Masking {
  private readonly out: string[] = [];
  private last = 0;
  private triedUpTo = 0; // GLUED_EMAIL failed on the local-part run ending here

  constructor(private readonly text: string, private readonly scan: string, private readonly counts: Record<MaskKind, number> | undefined) {}

  run(): string {
    const scan = this.scan;
    SCAN.lastIndex = 0; // shared: the loop below is synchronous, nothing can interleave
    for (let m = SCAN.exec(scan); m !== null; this.gluedEmails(), m = SCAN.exec(scan)) {
      const g = m.groups!;
      if (g.keep !== undefined) continue;
      const start = m.index, end = start + m[0].length;
      if (g.email !== undefined) this.putEmail(start, end);
      else if (g.url !== undefined) this.put(start, start + endOfUrl(m[0]), 'url');
      else this.putGroup(start, end - g.body!.length, end);
    }
    if (this.last === 0) return this.text;
    this.out.push(this.text.slice(this.last));
    return this.out.join('');
  }

  private put(start: number, end: number, kind: MaskKind): void {
    this.out.push(this.text.slice(this.last, start), MASKS[kind]);
    this.last = end;
    if (this.counts) this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  private putEmail(start: number, end: number): void {
    while (/[._%+\-]/.test(this.scan[start]!)) start++; // "...budi@x.com": the dots are punctuation
    this.put(start, end, 'email');
  }

  /** An address glued to the match that ended at SCAN.lastIndex (see GLUED_EMAIL), and any glued to that one. */
  private gluedEmails(): void {
    const scan = this.scan;
    for (let at = SCAN.lastIndex; at >= this.triedUpTo && /[._%+\-]/.test(scan[at] ?? ''); ) {
      GLUED_EMAIL.lastIndex = at;
      const next = GLUED_EMAIL.exec(scan);
      if (next === null) {
        LOCAL_RUN.lastIndex = at;
        LOCAL_RUN.exec(scan);
        this.triedUpTo = LOCAL_RUN.lastIndex;
        return;
      }
      this.putEmail(at, at + next[0].length);
      at = SCAN.lastIndex = at + next[0].length;
    }
  }

  /** A digit group: from `start` (its letter prefix, if any), digits from `bodyStart` to `end`. */
  private putGroup(start: number, bodyStart: number, end: number): void {
    const body = this.scan.slice(bodyStart, end);
    const whole = this.classifyAt(body, start, end);
    if (whole === 'phone' || (whole === 'nik' && nikGroups(body)) || !HAS_LOOSE.test(body)) {
      this.putNumber(start, bodyStart, end, whole);
      return;
    }
    // Loosely joined and not one phone or NIK: each part as if the loose separators were prose ("2010 - 2023",
    // "150.000 - 200.000", "12345678/2024" -> "[nomor]/2024").
    let from = bodyStart, partStart = start;
    for (const sep of body.matchAll(LOOSE)) {
      const to = bodyStart + sep.index;
      this.putNumber(partStart, from, to, this.classifyAt(this.scan.slice(from, to), partStart, to));
      partStart = from = to + sep[0].length;
    }
    this.putNumber(from, from, end, this.classifyAt(this.scan.slice(from, end), from, end));
  }

  /** classify with the context words' window: a few characters before `start` and after `end`, lower-cased. */
  private classifyAt(body: string, start: number, end: number): MaskKind | null {
    const scan = this.scan;
    return classify(body, scan.slice(Math.max(0, start - 24), start).toLowerCase(), scan.slice(end, end + 10).toLowerCase());
  }

  private putNumber(start: number, bodyStart: number, end: number, kind: MaskKind | null): void {
    if (kind !== null) this.put(kind === 'number' ? start : bodyStart, end, kind); // a letter prefix is part of a card number only
  }
}

function mask(text: string, counts: Record<MaskKind, number> | undefined): string {
  return new Masking(text, blankPseudonyms(asciiForms(text)), counts).run();
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
