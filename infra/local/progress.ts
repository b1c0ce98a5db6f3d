// Progress of a local pipeline run, for a person watching: one line per stage with counts, rate and time left,
// rewritten in place on a terminal and printed every few seconds elsewhere (CI logs, pipes). The same state feeds
// the dashboard's status banner (api-server's /local/status).
import type { PipelineProgress } from './pipeline';

/** What the dashboard's banner shows while `npm start` fills the data (JSON of /local/status). */
export type LocalStatus =
  | { state: 'starting' }
  | { state: 'processing'; stage: 'simulate' | 'ingest' | 'assess'; done: number; total: number; period?: string; secondsLeft?: number }
  | { state: 'ready' }
  | { state: 'failed'; message: string };

const UNITS = { ingest: 'drops', assess: 'units' } as const;

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  return s < 60 ? `${Math.max(1, Math.round(s))} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Keeps the rate of the current stage and turns progress events into a status and a line of text. */
export class ProgressTracker {
  private stage: 'ingest' | 'assess' | undefined;
  private since = 0;
  private doneAtStart = 0;
  private last: Extract<LocalStatus, { state: 'processing' }> | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

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
    const what = p.stage === 'ingest' ? 'ingest' : `assess ${period}`;
    const line = `  ${what.padEnd(13)} ${String(p.done).padStart(String(p.total).length)}/${p.total} ${UNITS[p.stage]}` +
      (rate > 0 ? `  ${rate.toFixed(1)}/s` : '') +
      (p.done < p.total && secondsLeft !== undefined ? `  ~${duration(secondsLeft)} left` : p.done >= p.total ? `  ${duration(elapsed)}` : '');
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
