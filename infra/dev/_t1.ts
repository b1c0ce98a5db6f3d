import { buildApp, cdkJsonContext } from '../build';
import os from 'node:os'; import path from 'node:path'; import { mkdtempSync } from 'node:fs';
const ctx = { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] };
const t0 = Date.now();
const stubs = { recompute: '/work/main/.satmon/dev-stubs/recompute/handler.ts', assess: '/work/main/.satmon/dev-stubs/assess/handler.ts', api: '/work/main/.satmon/dev-stubs/api/handler.ts' };
const { app } = buildApp({ appProps: { context: ctx, outdir: mkdtempSync(path.join(os.tmpdir(), 'o-')) }, stackProps: { entryOverrides: stubs }, nag: process.argv[2] === 'nag' });
console.log('constructed', Date.now() - t0);
app.synth();
console.log('synth', Date.now() - t0);
