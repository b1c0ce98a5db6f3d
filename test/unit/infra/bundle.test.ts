// The synth `npx cdk synth` runs (cdk-nag registered as a synth validation, real esbuild bundling of the
// HANDLERS entries), then each bundle is loaded in a fresh Node process: an ES-module bundle that cannot load
// (a CommonJS require of a built-in, a missing file) fails here instead of on its first invocation. The same
// synth builds the dashboard and its config.json for the site deployment; both are checked at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS, type HandlerName } from '../../../shared/layout/resources';
import { buildApp, cdkJsonContext } from '../../../infra/build';
import type { SatmonStack } from '../../../infra/stack';
import { parseSiteConfig } from '../../../dashboard/src/oidc';
import { devStubs, flat, logicalId } from './synth';

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

describe('site deployment assets', () => {
  const deployment = () => {
    const [, cr] = Object.entries(template.Resources as Record<string, { Type?: string; Properties: any }>).find(([, r]) => r.Type === 'Custom::CDKBucketDeployment')!;
    return cr.Properties as { SourceObjectKeys: string[]; SourceMarkers: Record<string, unknown>[] };
  };
  const assetDir = (key: string) => path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);

  it('builds the dashboard during the synth: exactly the page, its script and its stylesheet', () => {
    const dir = assetDir(deployment().SourceObjectKeys[0]!);
    expect(readdirSync(dir).sort()).toEqual(['app.css', 'app.js', 'index.html']);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('src="/app.js"');
  });

  it('writes a config.json that the front end accepts once CloudFormation fills in the values', () => {
    const d = deployment();
    const text = readFileSync(path.join(assetDir(d.SourceObjectKeys[1]!), 'config.json'), 'utf8');
    const id = (c: { node: { defaultChild?: unknown } }) => logicalId(stack, c);
    const region = stack.region;
    // What each reference resolves to on deploy (sample values of the right shape).
    const values: Record<string, string> = {
      [`<${id(stack.dashboard.httpApi)}>`]: 'abc123',
      '<AWS::URLSuffix>': 'amazonaws.com',
      [`<${id(stack.dashboard.userPool)}>`]: `${region}_AbCdEf123`,
      [`<${id(stack.dashboard.userPoolClient)}>`]: 'client123',
      [`<${id(stack.dashboard.userPoolDomain)}>`]: 'satmon-123456789012',
      [`<${id(stack.dashboard.distribution)}.DomainName>`]: 'd111.cloudfront.net',
    };
    let filled = text;
    for (const [marker, expr] of Object.entries(d.SourceMarkers[1]!)) {
      const v = values[flat(expr)];
      expect(v, `a value for ${flat(expr)}`).toBeDefined();
      filled = filled.split(marker).join(v!);
    }
    expect(filled).not.toMatch(/<<marker/);
    expect(parseSiteConfig(JSON.parse(filled))).toEqual({
      apiBaseUrl: `https://abc123.execute-api.${region}.amazonaws.com/`,
      region,
      userPoolId: `${region}_AbCdEf123`,
      clientId: 'client123',
      cognitoDomain: `https://satmon-123456789012.auth.${region}.amazoncognito.com`,
      redirectUri: 'https://d111.cloudfront.net/',
    });
  });
});
