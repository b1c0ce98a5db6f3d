// The alert's notification texts in both languages: numbers, periods and construct names through shared/i18n,
// the SNS subject's limits, and a webhook payload whose machine fields do not depend on the language.
import { describe, expect, it } from 'vitest';
import { alertLine, alertPayload, alertSubject, alertText, constructName, SUBJECT_MAX, watchLine, watchSubject, watchText } from '../../../../shared/assess/alert-text';
import type { Alert, Watch } from '../../../../shared/assess/assessment';
import type { PublishCommand } from '@aws-sdk/client-sns';
import { createFormat } from '../../../../shared/i18n/format';

const ID = createFormat('id');
const EN = createFormat('en');

const alert: Alert = {
  branch: 'BR07', period: '2025-Q3', metric: 'TRUST', decline: 4.2, declineCi: [1.8, 6.55], baseline: 71.43, current: 67.23,
  p: 0.00042, bhThreshold: 0.0041667, test: 'sustained',
  drivers: [{ construct: 'CRM', change: -3.14 }, { construct: 'GOV', change: 0.5 }], since: '2025-Q2', status: 'open',
};

describe('alert texts', () => {
  it('subject: Indonesian with a decimal comma and "Triwulan", English with a point and "2025 Q3"', () => {
    expect(alertSubject(alert, ID)).toBe('Peringatan: Kepercayaan BR07 turun 4,2 poin pada Triwulan III 2025');
    expect(alertSubject(alert, EN)).toBe('Trust alert: BR07 Trust down 4.2 points in 2025 Q3');
  });

  it('subject stays within SNS limits (under 100 characters, ASCII, one line) however long the names', () => {
    const long: Alert = { ...alert, branch: 'KANTOR-CABANG-BANDA-ACEH-UTARA-01', metric: 'TRUST*GOV', decline: 12345.67 };
    for (const fmt of [ID, EN]) {
      const s = alertSubject(long, fmt);
      expect(s.length).toBeLessThanOrEqual(SUBJECT_MAX);
      expect(SUBJECT_MAX).toBeLessThan(100);
      expect(s).toMatch(/^[\x20-\x7e]+$/);
    }
    // The interaction's name carries a '×', folded to 'x'; the grouped thousands keep their separator.
    expect(alertSubject(long, ID)).toContain('Kepercayaan x peran pemerintah');
    expect(alertSubject(long, ID)).toContain('12.345,7 poin');
    const huge: Alert = { ...long, branch: 'X'.repeat(120) };
    expect(alertSubject(huge, EN)).toHaveLength(SUBJECT_MAX);
    expect(alertSubject(huge, EN).endsWith('...')).toBe(true);
  });

  it('body in Indonesian: index, baseline, CI, p, threshold, drivers with their signs, periods', () => {
    expect(alertText(alert, ID).split('\n')).toEqual([
      'BR07: indeks Kepercayaan 67,2 dibanding garis dasar 71,4 (turun 4,2 poin, selang kepercayaan 95% 1,8 s.d. 6,6).',
      'Bukti: uji penurunan berkelanjutan satu sisi, p < 0,001 (ambang Benjamini-Hochberg 0,0042).',
      'Pendorong pada rentang waktu yang sama: Manajemen hubungan (CRM) \u22123,1, Peran pemerintah +0,5.',
      'Episode sejak Triwulan II 2025.',
    ]);
  });

  it('body in English', () => {
    expect(alertText({ ...alert, test: 'abrupt', p: 0.0123, drivers: [] }, EN).split('\n')).toEqual([
      'BR07: Trust index 67.2 against a baseline of 71.4 (decline 4.2 points, 95% CI 1.8 to 6.6).',
      'Evidence: abrupt test, one-sided p = 0.012 (Benjamini-Hochberg threshold 0.0042).',
      'Drivers over the same window: no driver data.',
      'Episode since 2025 Q2.',
    ]);
  });

  it('an annual period and an unknown construct are shown as they are', () => {
    const annual: Alert = { ...alert, period: '2025', since: '2025', metric: 'NPS', drivers: [{ construct: 'X1', change: -1 }] };
    expect(alertSubject(annual, ID)).toBe('Peringatan: NPS BR07 turun 4,2 poin pada 2025');
    expect(alertText(annual, EN)).toContain('Drivers over the same window: X1 \u22121.0.');
    expect(constructName('SQ', ID)).toBe('Kualitas layanan');
    expect(constructName('SQ', EN)).toBe('Service quality');
    expect(constructName('constructor', EN)).toBe('constructor'); // not Object.prototype's
  });

  it('console line', () => {
    expect(alertLine(alert, ID)).toBe('PERINGATAN BR07, Triwulan III 2025: Kepercayaan turun 4,2 poin (p < 0,001)');
    expect(alertLine(alert, EN)).toBe('ALERT BR07, 2025 Q3: Trust down 4.2 points (p < 0.001)');
  });

  it('webhook payload: the alert as it is, the texts, and their language', () => {
    const id = alertPayload(alert, ID);
    const en = alertPayload(alert, EN);
    expect(Object.keys(id).sort()).toEqual(['alert', 'locale', 'subject', 'text']);
    expect(id.locale).toBe('id');
    expect(en.locale).toBe('en');
    expect(id.alert).toEqual(en.alert);
    expect(JSON.parse(JSON.stringify(id)).alert).toEqual(alert);
    expect(id.text).toBe(alertText(alert, ID));
    expect(en.subject).toBe(alertSubject(alert, EN));
  });
});

describe('the assess Lambda notifier', () => {
  it('POSTs the webhook payload in the configured language', async () => {
    const { createServer } = await import('node:http');
    const { notifierFor } = await import('../../../../lambdas/assess/handler');
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      req.on('end', () => { bodies.push(body); res.end('ok'); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const webhook = `http://127.0.0.1:${port}/hook`;
      await notifierFor({ webhook, topicArn: undefined }, 'id')(alert);
      await notifierFor({ webhook, topicArn: undefined })(alert); // default: Indonesian
      await notifierFor({ webhook, topicArn: undefined }, 'en')(alert);
      const [id, byDefault, en] = bodies.map((b) => JSON.parse(b));
      expect(id).toEqual(JSON.parse(JSON.stringify(alertPayload(alert, ID))));
      expect(byDefault.locale).toBe('id');
      expect(en).toMatchObject({ locale: 'en', subject: 'Trust alert: BR07 Trust down 4.2 points in 2025 Q3', alert });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('IKM band alerts', () => {
  const band: Alert = {
    branch: 'BR03', period: '2025-Q4', metric: 'IKM_BAND', decline: 3.21, declineCi: [0.4, 6.02], baseline: 78.1, current: 74.89,
    p: 0.0123, bhThreshold: Number.NaN, test: 'band', bands: { from: 'B', to: 'C' },
    drivers: [{ construct: 'NRR_U3', change: -0.214 }, { construct: 'NRR_U7', change: 0.031 }], since: '2025-Q4', status: 'open',
  };

  it('name the grades, the regulation and the unsur', () => {
    expect(alertSubject(band, ID)).toBe('Peringatan IKM: mutu pelayanan BR03 turun dari B ke C pada Triwulan IV 2025');
    expect(alertSubject(band, EN)).toBe('IKM alert: BR03 service quality down from B to C in 2025 Q4');
    expect(alertText(band, ID).split('\n')).toEqual([
      'BR03: IKM 74,9, mutu pelayanan C (Kurang Baik), dibanding 78,1, B (Baik), sebelumnya (turun 3,2 poin, selang kepercayaan 95% 0,4 s.d. 6,0).',
      'Bukti: mutu pelayanan menurut Permenpan RB 14/2017 turun; penurunan diuji satu sisi: p = 0,012.',
      'Pendorong pada rentang waktu yang sama: Waktu penyelesaian \u22120,21, Perilaku pelaksana +0,03.',
      'Episode sejak Triwulan IV 2025.',
    ]);
    expect(alertText(band, EN)).toContain('IKM 74.9, service quality C (Below good), against 78.1, B (Good), before');
    expect(alertLine(band, ID)).toBe('PERINGATAN BR03, Triwulan IV 2025: mutu pelayanan B -> C (IKM turun 3,2 poin)');
    // The pipeline's summary has no grades: the line still names what fell.
    const { bands: _, ...plain } = band;
    expect(alertLine(plain, EN)).toBe('ALERT BR03, 2025 Q4: IKM service quality down 3.2 points (p = 0.012)');
  });
});

describe('watch texts and notification', () => {
  const watch: Watch = {
    branch: 'BR07', period: '2025-Q3', metric: 'TRUST', decline: 4.2, declineCi: [1.8, 6.55], baseline: 71.43, current: 67.23,
    p: 0.0123, bhThreshold: 0.0001667, test: 'abrupt', drivers: [], since: '2025-Q3', status: 'open',
  };

  it('say it is a watch for the branch manager, not a network alert, in both languages', () => {
    expect(watchSubject(watch, EN)).toBe('Trust watch: BR07 Trust down 4.2 points in 2025 Q3');
    expect(watchSubject(watch, ID)).toBe('Pantauan: Kepercayaan BR07 turun 4,2 poin pada Triwulan III 2025');
    expect(watchText(watch, EN)).toContain('significant for this branch on its own, not across the network');
    expect(watchText(watch, EN)).toContain('sent to the manager of BR07 only');
    expect(watchText(watch, ID)).toContain('hanya dikirim kepada kepala cabang BR07');
    expect(watchLine(watch, EN)).toBe('WATCH BR07, 2025 Q3: Trust down 4.2 points (p = 0.012; branch manager only)');
    expect(watchLine(watch, EN)).not.toBe(alertLine(watch as unknown as Alert, EN));
  });

  it('are published to the watch topic with the branch attribute the managers\' filter policies match', async () => {
    const { watchNotifierFor } = await import('../../../../lambdas/assess/handler');
    const sent: { input: Record<string, unknown> }[] = [];
    const client = { send: async (c: PublishCommand) => { sent.push(c as unknown as { input: Record<string, unknown> }); return {}; } };
    const arn = 'arn:aws:sns:ap-southeast-3:000000000000:watches';
    await watchNotifierFor({ watchTopicArn: arn }, 'en', client)(watch);
    expect(sent.map((c) => c.input)).toEqual([{
      TopicArn: arn, Subject: watchSubject(watch, EN), Message: watchText(watch, EN),
      MessageAttributes: { branch: { DataType: 'String', StringValue: 'BR07' } },
    }]);
    await watchNotifierFor({ watchTopicArn: undefined }, 'en', client)(watch); // no topic: logged only
    expect(sent).toHaveLength(1);
  });
});
