// How an alert reads in a notification (SNS e-mail subject and body, the webhook's text, a console line), in one
// language: the deployment's (SATMON_LOCALE) for notifications, the reader's for the CLI. Numbers, periods and
// construct names through shared/i18n, so the e-mail says "4,2 poin pada Triwulan III 2025" in Indonesian. Pure.
// A watch (a branch's own test significant, not surviving BH) has texts of its own that say it is not a network
// alert; an annual alert names the year and the year it is compared with.
import { IKM_BAND_METRIC, type Alert, type Watch } from './assessment';
import type { Format } from '../i18n/format';
import type { Locale } from '../i18n/locale';
import { ALERT_TEST_KEY } from '../i18n/messages/alerts';
import { METRIC_NAME_KEY } from '../i18n/messages/common';
import { BAND_NAME_KEY, UNSUR_NAME_KEY } from '../i18n/messages/ikm';

/**
 * SNS: a subject "must be UTF-8 text with no line breaks or control characters, and less than 100 characters long"
 * (Publish API reference), and some receivers still refuse non-ASCII subjects, so it is folded to ASCII.
 */
export const SUBJECT_MAX = 99;

/**
 * A metric's or driver's name in the format's language: a construct (TRUST), an unsur's NRR (NRR_U3, the drivers of
 * a band alert), the band alert's metric; an id the catalogue does not know stays as is.
 */
export function constructName(id: string, fmt: Format): string {
  if (id === IKM_BAND_METRIC) return fmt.t('alerts.band.metric');
  const key = keyOf(METRIC_NAME_KEY, id) ?? keyOf(UNSUR_NAME_KEY, /^NRR_(U\d)$/.exec(id)?.[1]);
  return key ? fmt.t(key) : id;
}

/** A literal id -> key map's entry, own properties only (a metric called 'constructor' is not Object's). */
function keyOf<M extends Record<string, string>>(map: M, id: string | undefined): M[keyof M] | undefined {
  return id !== undefined && Object.hasOwn(map, id) ? map[id as keyof M] : undefined;
}

/** A driver's change: an index moves in points (one decimal), an unsur's NRR on its 1-4 scale (two). */
const change = (d: Alert['drivers'][number], fmt: Format) => fmt.signed(d.change, d.construct.startsWith('NRR_') ? 2 : 1);

/** Benjamini-Hochberg thresholds are small (0.05 k/m): four decimals show them where p's three would round them away. */
const threshold = (x: number, fmt: Format) => fmt.num(x, 4);

/** The typographic characters the formats use (− × – …), as ASCII. */
function asciiFold(s: string): string {
  return s.replace(/[\u2212\u2013\u2014]/g, '-').replace(/\u00d7/g, 'x').replace(/\u2026/g, '...')
    .normalize('NFKD').replace(/[^\x20-\x7e]/g, '');
}

/** The year an annual alert is compared with ('2024' for '2025'). */
const previousYear = (year: string) => String(Number(year) - 1);

const subjectLine = (s: string) => {
  const folded = asciiFold(s);
  return folded.length <= SUBJECT_MAX ? folded : `${folded.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
};

export function alertSubject(a: Alert, fmt: Format): string {
  const common = { branch: a.branch, period: fmt.period(a.period) };
  const decline = { metric: constructName(a.metric, fmt), decline: fmt.num(a.decline, 1) };
  return subjectLine(a.bands
    ? fmt.t('alerts.band.subject', { ...common, from: a.bands.from, to: a.bands.to })
    : a.test === 'annual'
      ? fmt.t('alerts.annual.subject', { ...common, ...decline, previous: previousYear(a.period) })
      : fmt.t('alerts.subject', { ...common, ...decline }));
}

export function watchSubject(w: Watch, fmt: Format): string {
  return subjectLine(fmt.t('alerts.watch.subject', { branch: w.branch, period: fmt.period(w.period), metric: constructName(w.metric, fmt), decline: fmt.num(w.decline, 1) }));
}

export function alertText(a: Alert, fmt: Format): string {
  const { t } = fmt;
  const figures = {
    branch: a.branch, current: fmt.index(a.current), baseline: fmt.index(a.baseline), decline: fmt.num(a.decline, 1), ci: fmt.ci(a.declineCi[0], a.declineCi[1]),
  };
  const head = a.bands
    ? [
        t('alerts.band.summary', { ...figures, from: t(BAND_NAME_KEY[a.bands.from]), to: t(BAND_NAME_KEY[a.bands.to]) }),
        t('alerts.band.evidence', { regulation: t('common.cite.permenpan'), p: fmt.pIs(a.p) }),
      ]
    : [
        t('alerts.summary', { ...figures, metric: constructName(a.metric, fmt) }),
        a.test === 'annual'
          ? t('alerts.annual.evidence', { period: fmt.period(a.period), previous: previousYear(a.period), p: fmt.pIs(a.p), threshold: threshold(a.bhThreshold, fmt) })
          : t('alerts.evidence', { test: t(ALERT_TEST_KEY[a.test]), p: fmt.pIs(a.p), threshold: threshold(a.bhThreshold, fmt) }),
      ];
  return [...head, ...tail(a, fmt)].join('\n');
}

const tail = (a: Alert | Watch, fmt: Format) => {
  const drivers = a.drivers.length ? a.drivers.map((d) => `${constructName(d.construct, fmt)} ${change(d, fmt)}`).join(', ') : fmt.t('alerts.noDrivers');
  return [fmt.t('alerts.drivers', { drivers }), fmt.t('alerts.since', { since: fmt.period(a.since) })];
};

export function watchText(w: Watch, fmt: Format): string {
  const { t } = fmt;
  return [
    t('alerts.summary', {
      branch: w.branch, metric: constructName(w.metric, fmt), current: fmt.index(w.current), baseline: fmt.index(w.baseline),
      decline: fmt.num(w.decline, 1), ci: fmt.ci(w.declineCi[0], w.declineCi[1]),
    }),
    t('alerts.watch.evidence', { test: t(ALERT_TEST_KEY[w.test]), p: fmt.pIs(w.p), threshold: threshold(w.bhThreshold, fmt) }),
    ...tail(w, fmt),
    t('alerts.watch.note', { branch: w.branch }),
  ].join('\n');
}

/** One line for a terminal: a watch, distinct from an alert's line. */
export function watchLine(w: Pick<Watch, 'branch' | 'period' | 'metric' | 'decline' | 'p'>, fmt: Format): string {
  return fmt.t('alerts.watch.line', { branch: w.branch, period: fmt.period(w.period), metric: constructName(w.metric, fmt), decline: fmt.num(w.decline, 1), p: fmt.pIs(w.p) });
}

/** One line for a terminal or a log reader (the pipeline's summary has the figures without the grades). */
export function alertLine(a: Pick<Alert, 'branch' | 'period' | 'metric' | 'decline' | 'p'> & Partial<Pick<Alert, 'bands'>>, fmt: Format): string {
  const common = { branch: a.branch, period: fmt.period(a.period), decline: fmt.num(a.decline, 1) };
  return a.bands
    ? fmt.t('alerts.band.line', { ...common, from: a.bands.from, to: a.bands.to })
    : fmt.t('alerts.line', { ...common, metric: constructName(a.metric, fmt), p: fmt.pIs(a.p) });
}

/** The webhook's JSON: the machine fields of the alert as they are, with the texts and the language they are in. */
export interface AlertPayload { subject: string; text: string; locale: Locale; alert: Alert }

export function alertPayload(a: Alert, fmt: Format): AlertPayload {
  return { subject: alertSubject(a, fmt), text: alertText(a, fmt), locale: fmt.locale, alert: a };
}

/** A watch's message (the watch topic's e-mail; the branch goes in a message attribute for the filter policies). */
export interface WatchPayload { subject: string; text: string; locale: Locale; watch: Watch }

export function watchPayload(w: Watch, fmt: Format): WatchPayload {
  return { subject: watchSubject(w, fmt), text: watchText(w, fmt), locale: fmt.locale, watch: w };
}

