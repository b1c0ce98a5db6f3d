// How an alert reads in a notification (SNS e-mail subject and body, the webhook's text, a console line), in one
// language: the deployment's (SATMON_LOCALE) for notifications, the reader's for the CLI. Numbers, periods and
// construct names through shared/i18n, so the e-mail says "4,2 poin pada Triwulan III 2025" in Indonesian. Pure.
import { IKM_BAND_METRIC, type Alert } from './assessment';
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

export function alertSubject(a: Alert, fmt: Format): string {
  const common = { branch: a.branch, period: fmt.period(a.period) };
  const s = asciiFold(a.bands
    ? fmt.t('alerts.band.subject', { ...common, from: a.bands.from, to: a.bands.to })
    : fmt.t('alerts.subject', { ...common, metric: constructName(a.metric, fmt), decline: fmt.num(a.decline, 1) }));
  return s.length <= SUBJECT_MAX ? s : `${s.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
}

export function alertText(a: Alert, fmt: Format): string {
  const { t } = fmt;
  const drivers = a.drivers.length ? a.drivers.map((d) => `${constructName(d.construct, fmt)} ${change(d, fmt)}`).join(', ') : t('alerts.noDrivers');
  const figures = {
    branch: a.branch, current: fmt.index(a.current), baseline: fmt.index(a.baseline), decline: fmt.num(a.decline, 1), ci: fmt.ci(a.declineCi[0], a.declineCi[1]),
  };
  const head = a.bands
    ? [
        t('alerts.band.summary', { ...figures, from: t(BAND_NAME_KEY[a.bands.from]), to: t(BAND_NAME_KEY[a.bands.to]) }),
        t('alerts.band.evidence', { regulation: t('common.cite.permenpan'), p: fmt.p(a.p) }),
      ]
    : [
        t('alerts.summary', { ...figures, metric: constructName(a.metric, fmt) }),
        t('alerts.evidence', { test: t(ALERT_TEST_KEY[a.test]), p: fmt.p(a.p), threshold: threshold(a.bhThreshold, fmt) }),
      ];
  return [...head, t('alerts.drivers', { drivers }), t('alerts.since', { since: fmt.period(a.since) })].join('\n');
}

/** One line for a terminal or a log reader (the pipeline's summary has the figures without the grades). */
export function alertLine(a: Pick<Alert, 'branch' | 'period' | 'metric' | 'decline' | 'p'> & Partial<Pick<Alert, 'bands'>>, fmt: Format): string {
  const common = { branch: a.branch, period: fmt.period(a.period), decline: fmt.num(a.decline, 1) };
  return a.bands
    ? fmt.t('alerts.band.line', { ...common, from: a.bands.from, to: a.bands.to })
    : fmt.t('alerts.line', { ...common, metric: constructName(a.metric, fmt), p: fmt.p(a.p) });
}

/** The webhook's JSON: the machine fields of the alert as they are, with the texts and the language they are in. */
export interface AlertPayload { subject: string; text: string; locale: Locale; alert: Alert }

export function alertPayload(a: Alert, fmt: Format): AlertPayload {
  return { subject: alertSubject(a, fmt), text: alertText(a, fmt), locale: fmt.locale, alert: a };
}

