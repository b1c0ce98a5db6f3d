// npm start as a newcomer meets it, whole process: `node scripts/start.mjs --fresh` (what `npm start -- --fresh`
// runs after its dependency check) on an empty data folder, then a second start on the data it left. Prints when
// the dashboard URL answers, when the sample data are done (and the pipeline's own ingest / assessment split), and
// when the second start answers. Goals (issue: a fresh clone just works): URL within 20 s, demo within 60 s on
// 2 cores, second start at once. Baseline of this machine's speed, measured in the same run: the in-process mobi
// bootstrap of bench/bootstrap.ts (the same kernel the recomputes spend their time in).
// Run: npm run bench -- start. Not a test: it prints, it does not assert.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../shared/config';
import { timeBootstrap } from './bootstrap';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface StartRun { urlSeconds: number; doneSeconds?: number; doneLine?: string }

/** Starts the product, waits for the URL to answer (and, with `untilDone`, for the pipeline's summary), stops it. */
async function timeStart(dataDir: string, fresh: boolean, untilDone: boolean): Promise<StartRun> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs', ...(fresh ? ['--fresh'] : [])], {
    cwd: ROOT, env: childEnv({ SATMON_PORT: String(port), SATMON_DATA_DIR: dataDir, SATMON_LOCALE: 'en' }), stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  const seconds = () => (performance.now() - t0) / 1000;
  try {
    let urlSeconds = NaN;
    while (Number.isNaN(urlSeconds)) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/`)).ok) urlSeconds = seconds();
      } catch { /* not yet */ }
      if (Number.isNaN(urlSeconds)) await new Promise((r) => setTimeout(r, 100));
    }
    if (!untilDone) return { urlSeconds };
    while (!/^done in /m.test(out)) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
      if (seconds() > 600) throw new Error('npm start: not done after 10 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
    return { urlSeconds, doneSeconds: seconds(), doneLine: /^done in .*$/m.exec(out)![0] };
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function runStartBench(log: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'satmon-bench-start-'));
  try {
    log('start: node scripts/start.mjs (npm start after its dependency check), a fresh data folder, then a second start');
    const first = await timeStart(dataDir, true, true);
    log(`  first start: dashboard answers after ${first.urlSeconds.toFixed(1)} s (goal <= 20 s: ${first.urlSeconds <= 20 ? 'met' : 'NOT met'})`);
    log(`               sample data done after ${first.doneSeconds!.toFixed(1)} s (goal <= 60 s: ${first.doneSeconds! <= 60 ? 'met' : 'NOT met'})`);
    log(`               ${first.doneLine}`);
    const second = await timeStart(dataDir, false, false);
    log(`  second start (data reused): dashboard answers after ${second.urlSeconds.toFixed(1)} s`);
    const b = await timeBootstrap('mobi_ecsi', 5000, 1, 3);
    log(`  this machine, same run: mobi bootstrap 5000 resamples in process ${b.ms.toFixed(0)} ms (CPU ${b.cpuMs.toFixed(0)} ms); ` +
      `the demo took ${((first.doneSeconds! * 1000) / b.ms).toFixed(0)}x that`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStartBench();
