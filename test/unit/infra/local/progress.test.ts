// Progress lines and the dashboard's status of a local pipeline run.
import { describe, expect, it } from 'vitest';
import { progressPrinter, ProgressTracker } from '../../../../infra/local/progress';

describe('ProgressTracker', () => {
  it('reports counts, the rate since the stage began and the time left', () => {
    let t = 0;
    const tr = new ProgressTracker(() => t);
    expect(tr.update({ stage: 'ingest', done: 0, total: 100 })).toMatchObject({ newStage: true, line: '  ingest          0/100 drops' });
    t = 5000;
    const u = tr.update({ stage: 'ingest', done: 50, total: 100 });
    expect(u.newStage).toBe(false);
    expect(u.line).toBe('  ingest         50/100 drops  10.0/s  ~5 s left');
    expect(u.status).toEqual({ state: 'processing', stage: 'ingest', done: 50, total: 100, secondsLeft: 5 });
    t = 10_000;
    expect(tr.update({ stage: 'ingest', done: 100, total: 100 }).line).toBe('  ingest        100/100 drops  10.0/s  10 s');
  });

  it('starts the rate of a new stage at its first event, whatever was already done then', () => {
    let t = 0;
    const tr = new ProgressTracker(() => t);
    tr.update({ stage: 'ingest', done: 10, total: 10 });
    t = 1000;
    const first = tr.update({ stage: 'assess', done: 1, total: 201, period: '2024-Q1', closed: [] });
    expect(first.newStage).toBe(true);
    expect(first.line).toBe('  assess 2024 Q1   1/201 units');
    t = 3000;
    const u = tr.update({ stage: 'assess', done: 101, total: 201, period: '2024-Q3', closed: ['2024-Q1', '2024-Q2'] });
    expect(u.line).toBe('  assess 2024 Q3 101/201 units  50.0/s  ~2 s left');
    expect(u.status).toMatchObject({ stage: 'assess', period: '2024-Q3', secondsLeft: 2 });
  });
});

describe('progressPrinter', () => {
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, out: { isTTY, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream };
  };

  it('rewrites one line per stage on a terminal', () => {
    const s = sink(true);
    const p = progressPrinter(s.out);
    p.line('a 1', { newStage: true, final: false });
    p.line('a 2', { newStage: false, final: true });
    p.line('b 1', { newStage: true, final: false });
    p.break();
    expect(s.chunks.join('')).toBe('\r\x1b[2Ka 1\r\x1b[2Ka 2\n\r\x1b[2Kb 1\n');
  });

  it('prints stage starts, ends and at most one line per interval elsewhere', () => {
    const s = sink(false);
    const p = progressPrinter(s.out, 60_000);
    p.line('a 1', { newStage: true, final: false });
    p.line('a 2', { newStage: false, final: false });
    p.line('a 3', { newStage: false, final: true });
    expect(s.chunks).toEqual(['a 1\n', 'a 3\n']);
  });
});

describe('ProgressTracker in Indonesian', () => {
  it('writes the stage, units, rate and time left in the terminal\'s language', async () => {
    const { createFormat } = await import('../../../../shared/i18n/format');
    let t = 0;
    const tr = new ProgressTracker(() => t, createFormat('id'));
    tr.update({ stage: 'assess', done: 1, total: 201, period: '2024-Q3', closed: [] });
    t = 2000;
    expect(tr.update({ stage: 'assess', done: 101, total: 201, period: '2024-Q3', closed: [] }).line).toBe('  nilai Triwulan III 2024 101/201 unit  50,0/dtk  ~2 dtk lagi');
  });
});
