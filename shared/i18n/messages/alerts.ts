// Catalogue section 'alerts' (see ../catalogue.ts): the notification of a new alert (SNS e-mail subject and body,
// the webhook's text, the console line), in the deployment's language (SATMON_LOCALE).
import { section } from '../section';

export const alerts = section('alerts', {
  subject: 'Trust alert: {branch} {metric} down {decline} points in {period}',
  summary: '{branch}: {metric} index {current} against a baseline of {baseline} (decline {decline} points, 95% CI {ci}).',
  evidence: 'Evidence: {test} test, one-sided p = {p} (Benjamini-Hochberg threshold {threshold}).',
  drivers: 'Drivers over the same window: {drivers}.',
  noDrivers: 'no driver data',
  since: 'Episode since {since}.',
  'test.abrupt': 'abrupt',
  'test.sustained': 'sustained',
  'test.band': 'service quality grade',
  line: 'ALERT {branch}, {period}: {metric} down {decline} points (p = {p})',
  // A branch's IKM grade (mutu pelayanan) fell: the regulated figure, alerted whatever the decline's p.
  'band.metric': 'IKM service quality',
  'band.subject': 'IKM alert: {branch} service quality down from {from} to {to} in {period}',
  'band.summary': '{branch}: IKM {current}, service quality {to}, against {baseline}, {from}, before (decline {decline} points, 95% CI {ci}).',
  'band.evidence': 'Evidence: the service quality grade of {regulation} fell; one-sided p of the decline = {p}.',
  'band.line': 'ALERT {branch}, {period}: service quality {from} -> {to} (IKM down {decline} points)',
}, {
  subject: 'Peringatan: {metric} {branch} turun {decline} poin pada {period}',
  summary: '{branch}: indeks {metric} {current} dibanding garis dasar {baseline} (turun {decline} poin, selang kepercayaan 95% {ci}).',
  evidence: 'Bukti: uji {test}, p satu sisi = {p} (ambang Benjamini-Hochberg {threshold}).',
  drivers: 'Pendorong pada rentang waktu yang sama: {drivers}.',
  noDrivers: 'tidak ada data pendorong',
  since: 'Episode sejak {since}.',
  'test.abrupt': 'penurunan mendadak',
  'test.sustained': 'penurunan berkelanjutan',
  'test.band': 'mutu pelayanan',
  line: 'PERINGATAN {branch}, {period}: {metric} turun {decline} poin (p = {p})',
  'band.metric': 'Mutu pelayanan IKM',
  'band.subject': 'Peringatan IKM: mutu pelayanan {branch} turun dari {from} ke {to} pada {period}',
  'band.summary': '{branch}: IKM {current}, mutu pelayanan {to}, dibanding {baseline}, {from}, sebelumnya (turun {decline} poin, selang kepercayaan 95% {ci}).',
  'band.evidence': 'Bukti: mutu pelayanan menurut {regulation} turun; p satu sisi penurunan = {p}.',
  'band.line': 'PERINGATAN {branch}, {period}: mutu pelayanan {from} -> {to} (IKM turun {decline} poin)',
});

/** The alert test's name -> its key (a literal map, so the catalogue test sees every key used). */
export const ALERT_TEST_KEY = { abrupt: 'alerts.test.abrupt', sustained: 'alerts.test.sustained', band: 'alerts.test.band' } as const;
