// Small pieces the pages share.
import { apiErrorText, withheldText } from '../../shared/api/reasons';
import type { ApiError, Change, Estimate, WatchMarker, WeightingView } from '../../shared/api/types';
import { isWeighted, weightingText } from '../../shared/api/weighting-words';
import { h } from './dom';
import { fmtCi, fmtCoef, fmtIndex, fmtInt, fmtPIs, fmtPct, fmtPeriod, fmtSigned, stars } from './format';
import { metricName, t } from './i18n';
import { href } from './state';

export const label = metricName;

/** A difference with its significance: "+1,2 (p = 0,030)" / "−3,4*". */
export function changeCell(c: Change | null | undefined, withP = false): HTMLElement {
  if (!c) return h('span', { class: 'muted' }, '–');
  const sig = c.p < 0.05;
  const cls = sig ? (c.diff < 0 ? 'down sig' : 'up sig') : 'flat';
  const text = `${fmtSigned(c.diff)}${sig ? stars(c.p) : ''}`;
  return h('span', { class: cls, title: t('dash.change.title', { diff: fmtSigned(c.diff, 2), p: fmtPIs(c.p) }) }, text, withP ? h('span', { class: 'p' }, ` (${fmtPIs(c.p)})`) : null);
}

export function metricCard(m: string, e: Estimate | null | undefined, extra: (Node | null)[] = [], size: 'big' | 'small' = 'big'): HTMLElement {
  return h('div', { class: `metric-card ${size}`, 'data-metric': m },
    h('div', { class: 'metric-name' }, label(m)),
    h('div', { class: 'metric-value', 'data-value': e?.value ?? '' }, fmtIndex(e?.value)),
    h('div', { class: 'metric-ci' }, t('dash.card.ci', { ci: fmtCi(e?.ciLow, e?.ciHigh) })),
    h('div', { class: 'metric-n' }, nText(e), e?.method === 'simple' ? h('span', { class: 'badge', title: t('dash.card.simpleTitle') }, ` ${t('dash.card.simple')}`) : null),
    ...extra);
}

export function branchLink(id: string, name: string, params: Record<string, string | undefined> = {}): HTMLElement {
  return h('a', { href: href('branch', id, params) }, id, ' ', h('span', { class: 'branch-name' }, name));
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, t('dash.loading'));
}

/** An error in the reader's words: the API's code (shared/api/reasons.ts), else its message. */
export function errorText(e: unknown): string {
  const body = (e as { body?: Partial<ApiError> }).body ?? {};
  return apiErrorText(t, body, (e as Error).message ?? String(e));
}

export function errorBox(e: unknown): HTMLElement {
  const status = (e as { status?: number }).status;
  const msg = errorText(e);
  // A refusal's message says it all ("You have no access to branch BR03.").
  const text = status === 403 ? msg : status === 404 ? t('dash.error.notFound', { message: msg }) : t('dash.error.load', { message: msg });
  return h('div', { class: 'error', role: 'alert', 'data-status': status ?? '' }, text);
}

// Figures the disclosure rule withholds from branch managers (shared/api/disclosure.ts) arrive as null with a
// reason code ('branches'); the page says so in words, so it reads the same in print and to a screen reader,
// never only as a dash or a colour.

/** A withheld reason in words ("fewer than 3 branches"). */
export const reasonText = (why: string): string => withheldText(t, why);

/**
 * "Withheld for branch managers: <what> (<reason>); …." as a note, one part per reason; `key` names the withheld
 * field (data-withheld).
 */
export function withheldNote(key: string, parts: readonly (readonly [what: string, why: string])[], cls = 'note withheld'): HTMLElement {
  const text = parts.map(([what, why]) => t('dash.withheld.part', { what, why: reasonText(why) })).join('; ');
  return h('p', { class: cls, 'data-withheld': key, title: t('dash.withheld.rule') }, t('dash.withheld.note', { parts: text }));
}

/** A table cell or card line whose figure is withheld: the word, with the reason as its tooltip. */
export function withheldMark(why: string, text = t('dash.withheld.mark')): HTMLElement {
  return h('span', { class: 'withheld', title: t('dash.withheld.note', { parts: reasonText(why) }) }, text);
}

// ------------------------------------------------------------------------------------------- weighting

/** "n = 1.240", and where the figure is weighted "n = 1.240 (n efektif 1.105)". */
export function nText(e: Pick<Estimate, 'n' | 'weighting' | 'nEffective'> | null | undefined): string {
  if (e && isWeighted(e.weighting) && e.nEffective !== null && e.nEffective !== undefined) return t('dash.weighting.nEff', { n: fmtInt(e.n), nEff: fmtInt(Math.round(e.nEffective)) });
  return `n = ${fmtInt(e?.n)}`;
}

/** An effective n for a table cell: the figure where weighted, else a dash (it is n). */
export const nEffCell = (e: Estimate | null | undefined): string =>
  e && isWeighted(e.weighting) && e.nEffective !== null && e.nEffective !== undefined ? fmtInt(Math.round(e.nEffective)) : '–';

/** A figure's weighting in words, with the unit's population year and margins. */
export const weightingWords = (method: string, info?: WeightingView | null): string => weightingText(t, method, info);

/**
 * "Weighting: Weighted by each branch's active participants (2024)." — which weighting the figures use, one part
 * per method when they differ ("Satisfaction, Trust: …; IKM: …"). `data-weighting` lists the methods.
 */
export function weightingLine(figures: readonly (readonly [metric: string, e: Estimate | null | undefined])[], info: WeightingView | null | undefined, id?: string): HTMLElement | null {
  const byMethod = new Map<string, string[]>();
  for (const [m, e] of figures) if (e && e.value !== null && e.weighting) byMethod.set(e.weighting, [...(byMethod.get(e.weighting) ?? []), m]);
  if (byMethod.size === 0 && info) byMethod.set(info.method, []);
  if (byMethod.size === 0) return null;
  const parts = [...byMethod].map(([method, ms]) => (byMethod.size === 1
    ? weightingWords(method, info)
    : t('dash.weighting.linePart', { metrics: ms.map(metricName).join(', '), text: weightingWords(method, info) })));
  return h('p', { class: 'note small weighting', ...(id ? { id } : {}), 'data-weighting': [...byMethod.keys()].join(' ') }, t('dash.weighting.line', { text: parts.join('; ') }));
}

/**
 * The members of a population-weighted aggregate: head office gets every branch with its population, share and
 * respondents; a branch manager only their own branch's share (the API sends no other member).
 */
export function weightingMembers(info: WeightingView | null | undefined, ownBranch: string | undefined): HTMLElement | null {
  if (!info?.members || !info.memberCount) return null;
  if (ownBranch) {
    const own = info.members.find((m) => m.branch === ownBranch);
    return own ? h('p', { class: 'note small', 'data-weighting-own': own.branch }, t('dash.weighting.ownShare', { share: fmtPct(own.share), count: fmtInt(info.memberCount) })) : null;
  }
  return h('details', { class: 'data weighting-members' },
    h('summary', {}, t('dash.weighting.members', { count: fmtInt(info.memberCount) })),
    h('ul', { class: 'members' }, info.members.map((m) => h('li', { 'data-member': m.branch },
      `${m.branch}: ${t('dash.weighting.col.share')} ${fmtPct(m.share)} · ${t('dash.weighting.col.population')} ${fmtInt(m.population)} · n = ${fmtInt(m.n)}`))));
}

// ------------------------------------------------------------------------------------------- watches

/** "Trust since 2025 Q3, down 3.1 points" for each open watch. */
export const watchItems = (ws: readonly WatchMarker[]): string =>
  ws.map((w) => t('dash.watch.item', { metric: metricName(w.metric), period: fmtPeriod(w.since), decline: fmtIndex(w.decline) })).join('; ');

/** The watch tier's badge: its own look and word, never an alert's. */
export function watchBadge(ws: readonly WatchMarker[]): HTMLElement {
  return h('span', { class: 'badge watch', 'data-watch': ws.map((w) => w.metric).join(' '), title: watchItems(ws) }, t('dash.watch.label'));
}

/** What a watch is, in one line (p threshold and minimum decline as the rule has them). */
export const watchExplain = (): string => t('dash.watch.explain', { p: fmtCoef(0.05, 2), points: fmtInt(2) });
