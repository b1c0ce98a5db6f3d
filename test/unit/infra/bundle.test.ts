// The synth `npx cdk synth` runs (cdk-nag registered as a synth validation, real esbuild bundling of the
// HANDLERS entries), then each bundle is loaded in a fresh Node process: an ES-module bundle that cannot load
// (a CommonJS require of a built-in, a missing file) fails here instead of on its first invocation.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS, type HandlerName } from '../../../shared/store/resources';
import { buildApp, cdkJsonContext } from '../../../infra/build';
import type { SatmonStack } from '../../../infra/stack';
import { devStubs, logicalId } from './synth';

const outdir = mkdtempSync(path.join(os.tmpdir(), 'satmon-cdk-test-'));
let stack: SatmonStack;
let template: { Resources: Record<string, { Properties: { Code: { S3Key: string } } }> };

beforeAll(() => {
  const built = buildApp({ appProps: { context: cdkJsonContext(), outdir }, stackProps: { entryOverrides: devStubs() }, nag: true });
  stack = built.stack;
  // Throws on any unacknowledged AwsSolutions finding, as `cdk synth` does.
  built.app.synth();
  template = JSON.parse(readFileSync(path.join(outdir, `${stack.stackName}.template.json`), 'utf8'));
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('bundled handlers', () => {
  it.each(Object.keys(HANDLERS) as HandlerName[])('%s bundles into an ES module that loads and exports handler', (name) => {
    const key = template.Resources[logicalId(stack, stack.functions[name].fn)]!.Properties.Code.S3Key;
    const dir = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const file = path.join(dir, 'index.mjs');
    expect(statSync(file).size).toBeLessThan(20 * 1024 * 1024);
    const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`;
    const env = { ...process.env, AWS_REGION: 'ap-southeast-3', RAW_BUCKET: 'raw', CURATED_BUCKET: 'curated', TABLE_NAME: 'table', ALERT_TOPIC_ARN: 'arn:aws:sns:ap-southeast-3:000000000000:alerts' };
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(out).toBe('function');
  });
});
