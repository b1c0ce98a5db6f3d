// How an alert reads in a notification (SNS e-mail, webhook, console). Pure.
import type { Alert } from './assessment';

const f1 = (x: number) => x.toFixed(1);

export function alertSubject(a: Alert): string {
  return `Trust alert: ${a.branch} ${a.metric} down ${f1(a.decline)} points in ${a.period}`.slice(0, 100);
}

export function alertText(a: Alert): string {
  const drivers = a.drivers.length
    ? a.drivers.map((d) => `${d.construct} ${d.change >= 0 ? '+' : ''}${f1(d.change)}`).join(', ')
    : 'no driver data';
  return [
    `${a.branch}: ${a.metric} index ${f1(a.current)} against a baseline of ${f1(a.baseline)} ` +
      `(decline ${f1(a.decline)} points, 95% CI ${f1(a.declineCi[0])} to ${f1(a.declineCi[1])}).`,
    `Evidence: ${a.test} test, one-sided p = ${a.p.toPrecision(3)} (Benjamini-Hochberg threshold ${a.bhThreshold.toPrecision(3)}).`,
    `Drivers over the same window: ${drivers}.`,
    `Episode since ${a.since}.`,
  ].join('\n');
}
