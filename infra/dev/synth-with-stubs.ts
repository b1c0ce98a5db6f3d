// Development only: synthesize the stack while some handler entries do not exist yet, by pointing the missing
// ones at throwaway stubs in a temp folder. Never used by infra/app.ts or the tests (they use HANDLERS).
//   npx tsx infra/dev/synth-with-stubs.ts [--no-bundling]
//   npx cdk synth --app "npx tsx infra/dev/synth-with-stubs.ts"     (through the pinned CLI)
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadGroup } from '../../shared/config';
import { HANDLERS, type HandlerName } from '../../shared/layout/resources';
import { buildApp, cdkJsonContext } from '../build';
import { REPO_ROOT } from '../stack';

// Stubs must sit under the project root (NodejsFunction's rule); .satmon/ is git-ignored.
const tmp = path.join(REPO_ROOT, '.satmon', 'dev-stubs');
mkdirSync(tmp, { recursive: true });
const overrides: Partial<Record<HandlerName, string>> = {};
for (const [name, rel] of Object.entries(HANDLERS) as [HandlerName, string][]) {
  if (existsSync(path.join(REPO_ROOT, rel))) continue;
  const file = path.join(tmp, name, 'handler.ts');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `export const handler = async (event: unknown) => ({ stub: '${name}', event });\n`);
  overrides[name] = file;
}
// Run by the CLI (CDK_OUTDIR set), the CLI supplies cdk.json's context and the output folder.
const byCli = !!loadGroup('cdk').outdir;
const context: Record<string, unknown> = byCli ? {} : { ...cdkJsonContext() };
if (process.argv.includes('--no-bundling')) context['aws:cdk:bundling-stacks'] = [];

const t0 = performance.now();
const outdir = byCli ? undefined : mkdtempSync(path.join(os.tmpdir(), 'satmon-cdk-out-'));
const { app } = buildApp({ appProps: { context, outdir }, stackProps: { entryOverrides: overrides } });
const assembly = app.synth();
const ms = performance.now() - t0;
console.error(`stubbed entries: ${Object.keys(overrides).join(', ') || 'none'}`);
console.error(`synth (with cdk-nag) ${(ms / 1000).toFixed(1)} s -> ${assembly.directory}`);
