// Progress of a local pipeline run, for a person watching: one line per stage with counts, rate and time left,
// rewritten in place on a terminal and printed every few seconds elsewhere (CI logs, pipes). The same state feeds
// the dashboard's status banner (api-server's /local/status).
import { createFormat, type Format } from '../../shared/i18n/format';
import type { PipelineProgress } from './pipeline';

/** What the dashboard's banner shows while `npm start` fills the data (JSON of /local/status). */
export type LocalStatus =
  | { state: 'starting' }
  | { state: 'processing'; stage: 'simulate' | 'ingest' | 'assess'; done: number; total: number; period?: string; secondsLeft?: number }
  | { state: 'ready' }
  | { state: 'failed'; message: string };

const UNITS = { ingest: 'cli.start.drops', assess: 'cli.start.units' } as const;

function duration(s: number, fmt: Format): string {
  if (!Number.isFinite(s)) return '?';
  return s < 60 ? fmt.t('cli.start.seconds', { s: Math.max(1, Math.round(s)) }) : fmt.t('cli.start.minutes', { m: Math.floor(s / 60), s: Math.round(s % 60) });
}

/** Keeps the rate of the current stage and turns progress events into a status and a line of text. */
export class ProgressTracker {
  private stage: 'ingest' | 'assess' | undefined;
  private since = 0;
  private doneAtStart = 0;
  private last: Extract<LocalStatus, { state: 'processing' }> | undefined;

  /** `fmt`: the terminal's language (npm start passes SATMON_LOCALE's). */
  constructor(private readonly now: () => number = () => performance.now(), private readonly fmt: Format = createFormat('en')) {}

  update(p: Exclude<PipelineProgress, { stage: 'done' }>): { status: LocalStatus; line: string; newStage: boolean } {
    const newStage = p.stage !== this.stage;
    if (newStage) {
      this.stage = p.stage;
      this.since = this.now();
      this.doneAtStart = p.done;
    }
    // The rate counts from the stage's first event (its first unit may already be done then).
    const elapsed = (this.now() - this.since) / 1000;
    const rate = p.done > this.doneAtStart && elapsed > 0 ? (p.done - this.doneAtStart) / elapsed : NaN;
    const secondsLeft = rate > 0 ? (p.total - p.done) / rate : undefined;
    const period = p.stage === 'assess' ? p.period : undefined;
    this.last = { state: 'processing', stage: p.stage, done: p.done, total: p.total, ...(period ? { period } : {}), ...(secondsLeft !== undefined ? { secondsLeft } : {}) };
    const { fmt } = this;
    const what = p.stage === 'ingest' ? fmt.t('cli.start.ingest') : fmt.t('cli.start.assess', { period: period ? fmt.period(period) : '' });
    const line = `  ${what.padEnd(13)} ${String(p.done).padStart(String(p.total).length)}/${p.total} ${fmt.t(UNITS[p.stage])}` +
      (rate > 0 ? `  ${fmt.t('cli.start.rate', { rate: fmt.num(rate, 1) })}` : '') +
      (p.done < p.total && secondsLeft !== undefined ? `  ${fmt.t('cli.start.left', { time: duration(secondsLeft, fmt) })}` : p.done >= p.total ? `  ${duration(elapsed, fmt)}` : '');
    return { status: this.last, line, newStage };
  }
}

/** Writes progress lines: in place on a TTY; otherwise at a stage's start and end and at most every `everyMs`. */
export function progressPrinter(out: NodeJS.WriteStream = process.stdout, everyMs = 5000) {
  const tty = out.isTTY === true;
  let open = false;
  let lastPrint = 0;
  let lastLine = '';
  return {
    line(text: string, opts: { newStage: boolean; final: boolean }): void {
      if (tty) {
        if (opts.newStage && open) out.write('\n');
        out.write(`\r\x1b[2K${text}`);
        open = true;
        if (opts.final) { out.write('\n'); open = false; }
        return;
      }
      const now = Date.now();
      if (opts.newStage || opts.final || now - lastPrint >= everyMs) {
        if (text !== lastLine) out.write(`${text}\n`);
        lastPrint = now;
        lastLine = text;
      }
    },
    /** Ends an open in-place line before other output. */
    break(): void {
      if (tty && open) { out.write('\n'); open = false; }
    },
  };
}
