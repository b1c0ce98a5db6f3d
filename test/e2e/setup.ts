// The browser tests' world: the dashboard built, a simulated network run through the real pipeline on the
// embedded stack (ingest -> recompute -> assessments, infra/local/pipeline.ts), the local API server in front of
// it, and Debian's chromium driven by playwright-core.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { buildDashboard } from '../../dashboard/build.mjs';
import { startApiServer, type ApiServer } from '../../infra/local/api-server';
import { runPipeline, type PipelineSummary } from '../../infra/local/pipeline';
import type { LocalStack } from '../../infra/local/stack';
import { loadGroup } from '../../shared/config';
import { simulateDrops } from '../../shared/survey';

export const CHROMIUM = loadGroup('tests').chromium;
/** Flags measured in LOCAL-STACK.md ("Browser"). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.resolve(HERE, '../../test-artifacts/e2e');

/**
 * What participants of the declining branch wrote in 2025-Q4 (the instrument's text column `Saran`), delivered in
 * one extra head-office file: markup, a formula, a line break and a phone number, which the page must show as plain
 * text, the number masked (README "Personal data").
 */
export const COMMENTS = [
  '<script>alert(1)</script> Antrian terlalu lama', '=HYPERLINK("http://x","klik")', 'Petugas ramah.\nTerima kasih',
  'Tolong hubungi saya di 0812-3456-7890',
];

/** The built-in instrument plus a free-text column. */
function instrumentWithText(): string {
  const spec = JSON.parse(readFileSync(path.resolve(HERE, '../../shared/survey/instruments/default.json'), 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...spec, textColumns: ['Saran'] });
}

/** Clean simulated respondents of the declining branch (new ids), each with one of COMMENTS (`;`-separated). */
function commentsDrop(): string {
  const sim = simulateDrops({ seed: 'e2e-comments', branches: NETWORK.branches, periods: '2025-Q4', n: COMMENTS.length, messy: 0, format: 'excel-id' });
  const text = sim.drops.find((d) => d.branch === NETWORK.declining.branch)!.text;
  const [header, ...rows] = text.replace(/^\uFEFF/, '').split('\r\n');
  const plain = rows.filter(Boolean);
  const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;
  return [`${header};Saran`, ...plain.map((r, i) => `TXT-${r};${quote(COMMENTS[i]!)}`)].join('\r\n') + '\r\n';
}

/** The simulated network of the browser tests: small enough for the suite's time budget, big enough to rank. */
export const NETWORK = {
  seed: 'e2e-dashboard',
  branches: 4,
  periods: '2024-Q1..2025-Q4',
  n: 110,
  declining: { branch: 'BR03', construct: 'TRUST' as const, delta: -0.8, from: '2025-Q2' },
};

export interface DashboardEnv {
  stack: LocalStack;
  server: ApiServer;
  browser: Browser;
  pipeline: PipelineSummary;
  bundle: { file: string; bytes: number; gzipBytes: number }[];
  stop(): Promise<void>;
}

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it). ` +
        'Set SATMON_CHROMIUM to use another binary.',
    );
  }
}

export async function startDashboardEnv(): Promise<DashboardEnv> {
  requireChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  const { files: bundle } = await buildDashboard();
  const dropsDir = mkdtempSync(path.join(tmpdir(), 'satmon-e2e-drops-'));
  const sim = simulateDrops({
    seed: NETWORK.seed, branches: NETWORK.branches, periods: NETWORK.periods, n: NETWORK.n, messy: 0.03, format: 'excel-id',
    drifts: [NETWORK.declining],
  });
  for (const d of sim.drops) writeFileSync(path.join(dropsDir, d.file), d.text);
  writeFileSync(path.join(dropsDir, 'branches.json'), JSON.stringify(sim.branches));
  writeFileSync(path.join(dropsDir, 'saran-2025-Q4.csv'), commentsDrop());
  const instrumentFile = path.join(dropsDir, 'instrument.json');
  writeFileSync(instrumentFile, instrumentWithText());
  let stack: LocalStack | undefined;
  let server: ApiServer | undefined;
  try {
    const run = await runPipeline({
      dropsDir, keepStack: true, annual: true, instrumentFile,
      // Few resamples: the tests compare what is shown with what is stored, not the statistics.
      env: { SATMON_NBOOT: '60', SATMON_NBOOT_AGGREGATE: '60', SATMON_WORKERS: '1', SATMON_PATH_PERMUTATIONS: '49' },
    });
    stack = run.stack;
    server = await startApiServer({ staticDir: path.resolve(HERE, '../../dashboard/dist') });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const s = stack, srv = server;
    return {
      stack: s, server: srv, browser, pipeline: run.summary, bundle,
      async stop() {
        await browser.close().catch(() => {});
        await srv.close();
        await s.stop();
        rmSync(dropsDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.close();
    await stack?.stop();
    rmSync(dropsDir, { recursive: true, force: true });
    throw e;
  }
}
