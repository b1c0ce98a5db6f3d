// npm start: the product on this machine. Embedded S3 + DynamoDB, three years of simulated quarterly drops for
// 12 branches (BR07's trust falls from 2025-Q2, 2 % messy rows), the whole pipeline with the Lambda handlers,
// every quarterly and annual assessment, then the dashboard on http://localhost:PORT until Ctrl-C.
// Environment: SATMON_NBOOT (resamples per branch, default 1000 here), SATMON_PORT (default 8080),
// SATMON_DATA_DIR (default .satmon/data; wiped at start so every run shows the same network).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildDashboard } from '../../dashboard/build.mjs';
import { alertSubject } from '../../shared/assess/alert-text';
import { simulateDrops } from '../../shared/survey';
import { startApiServer } from './api-server';
import { runPipeline } from './pipeline';
import { startLocalStack } from './stack';

// The SDK's notice that its 2027 releases need Node 22 is for whoever upgrades it (README), not for every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = path.resolve(root, process.env.SATMON_DATA_DIR ?? '.satmon/data');
const dropsDir = path.resolve(root, '.satmon/drops');
const say = (s: string) => process.stdout.write(`${s}\n`);

rmSync(dataDir, { recursive: true, force: true });
rmSync(dropsDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
mkdirSync(dropsDir, { recursive: true });

const sim = simulateDrops({
  seed: 2025, branches: 12, periods: '2023-Q1..2025-Q4', n: 250, messy: 0.02,
  drifts: [{ branch: 'BR07', construct: 'TRUST', delta: -0.5, from: '2025-Q2' }],
});
for (const d of sim.drops) writeFileSync(path.join(dropsDir, d.file), d.text);
writeFileSync(path.join(dropsDir, 'branches.json'), JSON.stringify(sim.branches, null, 2));
say(`simulated ${sim.drops.length} drops (12 branches x 12 quarters, 250 respondents each, 2% messy rows) in ${path.relative(root, dropsDir)}`);

say('starting DynamoDB Local and s3rver ...');
const stack = await startLocalStack({ dataDir });
let server: Awaited<ReturnType<typeof startApiServer>> | undefined;
const shutdown = async () => { await server?.close(); await stack.stop(); process.exit(0); };
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);

const { summary } = await runPipeline({
  dropsDir, stack, annual: true,
  env: { SATMON_NBOOT: process.env.SATMON_NBOOT ?? '1000' },
  log: (m) => say(`  ${m}`),
  notify: async (a) => { say(`  ALERT  ${alertSubject(a)} (p = ${a.p.toPrecision(2)})`); },
});
say(`pipeline: ${summary.drops} drops, ${summary.cleanRows} clean rows, ${summary.rejectedRows} rejected rows; ` +
  `ingest ${(summary.ms.ingest / 1000).toFixed(1)} s, assessments ${(summary.ms.assess / 1000).toFixed(1)} s`);
for (const a of summary.alerts) say(`alert: ${a.branch} ${a.metric} ${a.period}: down ${a.decline.toFixed(1)} points (p = ${a.p.toPrecision(2)})`);

const built = await buildDashboard();
server = await startApiServer({ staticDir: built.outDir, port: Number(process.env.SATMON_PORT ?? 8080), host: '127.0.0.1' });
say(`\ndashboard: ${server.url}  (signed in as head office; the user menu switches to a branch manager)`);
say('Ctrl-C stops the servers; the data stay in .satmon/data for `npx satmon assess --period 2025-Q4`.');
