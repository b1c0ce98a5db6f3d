// npm start: the product on this machine. Embedded S3 + DynamoDB and the dashboard come up first (its URL within
// seconds); then, on a first run, three years of simulated quarterly drops for 12 branches (BR07's trust falls
// from 2025-Q2, 2 % messy rows) go through the whole pipeline with the Lambda handlers, every quarterly and annual
// assessment, while the terminal and a banner on the page show the progress. A later run finds the finished data
// in .satmon/data and serves them at once; `npm start -- --fresh` builds them again.
// Environment (shared/config.ts): SATMON_NBOOT (resamples per branch, default 1000 here), SATMON_PATH_PERMUTATIONS
// (default 100 here), SATMON_PORT (default 8080),
// SATMON_DATA_DIR (default .satmon/data).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDashboard } from '../../dashboard/build.mjs';
import { alertLine, watchLine } from '../../shared/assess/alert-text';
import { ConfigError, loadGroups, withDefaults } from '../../shared/config';
import { createFormat } from '../../shared/i18n/format';
import { STORAGE_LAYOUT_VERSION } from '../../shared/layout/keys';
import { simulateDrops } from '../../shared/survey';
import { startApiServer } from './api-server';
import { packageRoot } from './package-root';
import { runPipeline } from './pipeline';
import { ProgressTracker, progressPrinter, type LocalStatus } from './progress';
import { startLocalStack } from './stack';

// The SDK's notice that its 2027 releases need Node 22 is for whoever upgrades it (README), not for every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm start [-- --fresh]   (--fresh: simulate and process the sample data again)';
const args = process.argv.slice(2);
for (const a of args) {
  if (a !== '--fresh') {
    process.stderr.write(`npm start: unknown option '${a}'\n${USAGE}\n`);
    process.exit(2);
  }
}
const fresh = args.includes('--fresh');

// The demo's own defaults: 1000 resamples per branch and 100 permutations per path test (it recomputes twelve
// quarters and three years at once; a deployment one quarter and its year) unless SATMON_NBOOT /
// SATMON_PATH_PERMUTATIONS say otherwise.
const { local, recompute, language } = (() => {
  try {
    return loadGroups(['local', 'recompute', 'language'], withDefaults({ SATMON_NBOOT: '1000', SATMON_PATH_PERMUTATIONS: '100' }));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`npm start: ${e.message}\n`);
    process.exit(2);
  }
})();
const root = packageRoot(import.meta.dirname);
const dataDir = path.resolve(root, local.dataDir);
const dropsDir = path.resolve(root, '.satmon/drops');
const say = (s: string) => process.stdout.write(`${s}\n`);
/** The data folder as the user can type it: relative to the repository when inside it (SATMON_DATA_DIR may be anywhere). */
const shownDataDir = ((rel) => (rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dataDir : rel))(path.relative(root, dataDir));
/** The command that assesses another quarter on this data folder (satmon's --data-dir defaults to .satmon/data). */
const assessHint = `npx satmon assess --period 2025-Q4${shownDataDir === path.join('.satmon', 'data') ? ''
  : ` --data-dir ${/[\s'"]/.test(shownDataDir) ? JSON.stringify(shownDataDir) : shownDataDir}`}`;

/** The sample network. The data folder remembers what it was built from, so a change rebuilds it. */
const DEMO = {
  seed: 2025, branches: 12, periods: '2023-Q1..2025-Q4', n: 250, messy: 0.02,
  drifts: [{ branch: 'BR07', construct: 'TRUST' as const, delta: -0.5, from: '2025-Q2' }],
};
const NBOOT = String(recompute.nboot);
const PERMUTATIONS = String(recompute.permutations);
const marker = path.join(dataDir, 'complete.json');
const built = JSON.stringify({ storageLayout: STORAGE_LAYOUT_VERSION, demo: DEMO, nboot: NBOOT, permutations: PERMUTATIONS });
const reuse = !fresh && existsSync(marker) && readFileSync(marker, 'utf8') === built;
if (!reuse) {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(dropsDir, { recursive: true, force: true });
}
mkdirSync(dataDir, { recursive: true });

let status: LocalStatus = { state: 'starting' };
// DynamoDB Local's JVM takes a few seconds to start: build the page and simulate the drops meanwhile.
const starting = Promise.all([startLocalStack({ dataDir }), buildDashboard()]);
const sim = reuse ? undefined : simulateDrops(DEMO);
if (sim) {
  mkdirSync(dropsDir, { recursive: true });
  // Each office's file in its own folder: uploaded under drops/branch=<ID>/, as an office would (RAW_LAYOUT).
  for (const d of sim.drops) {
    const dir = d.branch ? path.join(dropsDir, `branch=${d.branch}`) : dropsDir;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, d.file), d.text);
  }
  writeFileSync(path.join(dropsDir, 'branches.json'), JSON.stringify(sim.branches, null, 2));
}
const [stack, dashboard] = await starting;
let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
const shutdown = async (code = 0) => { await server?.close(); await stack.stop(); process.exit(code); };
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

server = await startApiServer({
  staticDir: dashboard.outDir, port: local.port, host: '127.0.0.1', status: () => status,
});
const startFmt = createFormat(language.locale);
const { t } = startFmt;
say(t('cli.start.dashboard', { url: server.url }));

if (!sim) {
  status = { state: 'ready' };
  say(t('cli.start.reuse', { dir: shownDataDir }));
} else {
  say(t('cli.start.sample', { drops: sim.drops.length }));

  const tracker = new ProgressTracker(undefined, startFmt);
  const alertFmt = startFmt;
  const printer = progressPrinter();
  try {
    const { summary } = await runPipeline({
      dropsDir, stack, annual: true,
      env: { SATMON_NBOOT: NBOOT, SATMON_PATH_PERMUTATIONS: PERMUTATIONS },
      // New alerts as the deployment's notifications word them (SATMON_LOCALE).
      notify: async (a) => { printer.break(); say(`  ${alertLine(a, alertFmt)}`); },
      onProgress: (p) => {
        if (p.stage === 'done') return;
        const u = tracker.update(p);
        status = u.status;
        printer.line(u.line, { newStage: u.newStage, final: p.done === p.total });
      },
    });
    printer.break();
    // Watches go to each branch's manager only (never the alert topic): listed apart, after the alerts.
    for (const r of summary.runs) for (const w of r.close.raisedWatches ?? []) say(`  ${watchLine(w, alertFmt)}`);
    writeFileSync(marker, built);
    status = { state: 'ready' };
    const secs = (ms: number) => startFmt.num(ms / 1000, 1);
    say(t('cli.start.done', {
      total: secs(summary.ms.total), drops: startFmt.int(summary.drops), clean: startFmt.int(summary.cleanRows), rejected: startFmt.int(summary.rejectedRows),
      ingest: secs(summary.ms.ingest), assess: secs(summary.ms.assess), alerts: summary.alerts.length, url: server.url,
    }));
  } catch (e) {
    printer.break();
    status = { state: 'failed', message: (e as Error).message };
    process.stderr.write(`${t('cli.start.failed', { message: (e as Error).message })}\n`);
    await shutdown(1);
  }
}
say(t('cli.start.stop', { dir: shownDataDir, command: assessHint }));
