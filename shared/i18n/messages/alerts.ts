// Catalogue section 'alerts' (see ../catalogue.ts): the notification of a new alert (SNS e-mail subject and body,
// the webhook's text, the console line), in the deployment's language (SATMON_LOCALE).
import { section } from '../section';

export const alerts = section('alerts', {
  subject: 'Trust alert: {branch} {metric} down {decline} points in {period}',
  summary: '{branch}: {metric} index {current} against a baseline of {baseline} (decline {decline} points, 95% CI {ci}).',
  evidence: 'Evidence: {test} test, one-sided {p} (Benjamini-Hochberg threshold {threshold}).',
  drivers: 'Drivers over the same window: {drivers}.',
  noDrivers: 'no driver data',
  since: 'Episode since {since}.',
  'test.abrupt': 'abrupt',
  'test.sustained': 'sustained',
  'test.band': 'service quality grade',
  line: 'ALERT {branch}, {period}: {metric} down {decline} points ({p})',
  // A branch's IKM grade (mutu pelayanan) fell: the regulated figure, alerted whatever the decline's p.
  'band.metric': 'IKM service quality',
  'band.subject': 'IKM alert: {branch} service quality down from {from} to {to} in {period}',
  'band.summary': '{branch}: IKM {current}, service quality {to}, against {baseline}, {from}, before (decline {decline} points, 95% CI {ci}).',
  'band.evidence': 'Evidence: the service quality grade of {regulation} fell; the decline tested one-sided: {p}.',
  'band.line': 'ALERT {branch}, {period}: service quality {from} -> {to} (IKM down {decline} points)',
  // The annual alert: the year's four quarters pooled against the year before.
  'test.annual': 'year-over-year',
  'annual.subject': 'Trust alert: {branch} {metric} down {decline} points in {period} against {previous}',
  'annual.evidence': 'Evidence: year-over-year test of the four quarters pooled ({period} against {previous}), one-sided {p} (Benjamini-Hochberg threshold {threshold}).',
  // A watch: the branch's own test is significant, the network-wide one is not; sent to the branch's manager only.
  'watch.subject': 'Trust watch: {branch} {metric} down {decline} points in {period}',
  'watch.evidence': 'Evidence: {test} test, one-sided {p}: significant for this branch on its own, not across the network (Benjamini-Hochberg threshold {threshold}).',
  'watch.note': 'A watch, not a network alert: sent to the manager of {branch} only.',
  'watch.line': 'WATCH {branch}, {period}: {metric} down {decline} points ({p}; branch manager only)',
}, {
  subject: 'Peringatan: {metric} {branch} turun {decline} poin pada {period}',
  summary: '{branch}: indeks {metric} {current} dibanding garis dasar {baseline} (turun {decline} poin, selang kepercayaan 95% {ci}).',
  evidence: 'Bukti: uji {test} satu sisi, {p} (ambang Benjamini-Hochberg {threshold}).',
  drivers: 'Pendorong pada rentang waktu yang sama: {drivers}.',
  noDrivers: 'tidak ada data pendorong',
  since: 'Episode sejak {since}.',
  'test.abrupt': 'penurunan mendadak',
  'test.sustained': 'penurunan berkelanjutan',
  'test.band': 'mutu pelayanan',
  line: 'PERINGATAN {branch}, {period}: {metric} turun {decline} poin ({p})',
  'band.metric': 'Mutu pelayanan IKM',
  'band.subject': 'Peringatan IKM: mutu pelayanan {branch} turun dari {from} ke {to} pada {period}',
  'band.summary': '{branch}: IKM {current}, mutu pelayanan {to}, dibanding {baseline}, {from}, sebelumnya (turun {decline} poin, selang kepercayaan 95% {ci}).',
  'band.evidence': 'Bukti: mutu pelayanan menurut {regulation} turun; penurunan diuji satu sisi: {p}.',
  'band.line': 'PERINGATAN {branch}, {period}: mutu pelayanan {from} -> {to} (IKM turun {decline} poin)',
  'test.annual': 'tahun ke tahun',
  'annual.subject': 'Peringatan: {metric} {branch} turun {decline} poin pada {period} dibanding {previous}',
  'annual.evidence': 'Bukti: uji tahun ke tahun atas gabungan empat triwulan ({period} dibanding {previous}), satu sisi, {p} (ambang Benjamini-Hochberg {threshold}).',
  'watch.subject': 'Pantauan: {metric} {branch} turun {decline} poin pada {period}',
  'watch.evidence': 'Bukti: uji {test} satu sisi, {p}: bermakna untuk cabang ini sendiri, tidak bermakna di seluruh jaringan (ambang Benjamini-Hochberg {threshold}).',
  'watch.note': 'Ini pantauan, bukan peringatan jaringan: hanya dikirim kepada kepala cabang {branch}.',
  'watch.line': 'PANTAUAN {branch}, {period}: {metric} turun {decline} poin ({p}; hanya kepala cabang)',
});

/** The alert test's name -> its key (a literal map, so the catalogue test sees every key used). */
export const ALERT_TEST_KEY = { abrupt: 'alerts.test.abrupt', sustained: 'alerts.test.sustained', band: 'alerts.test.band', annual: 'alerts.test.annual' } as const;
