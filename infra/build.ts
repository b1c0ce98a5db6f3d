// Builds the CDK app: used by infra/app.ts (the `cdk` CLI), the tests and the dev synth script, so all three
// synthesize the same stack with the same cdk-nag checks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { loadGroup } from '../shared/config';
import { addAwsSolutionsChecks } from './nag';
import { REPO_ROOT, SatmonStack, type SatmonStackProps } from './stack';

export const DEFAULT_STACK_NAME = 'Satmon';
/** Asia Pacific (Jakarta): the data stays in Indonesia and the branches are close to it. */
export const DEFAULT_REGION = 'ap-southeast-3';

/** The feature flags and settings of cdk.json; the CLI passes them to the app itself, tests must pass them. */
export function cdkJsonContext(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return json.context ?? {};
}

export interface BuildOptions {
  appProps?: AppProps;
  stackProps?: SatmonStackProps;
  /** Register cdk-nag AwsSolutions as a synth-time validation (default true). */
  nag?: boolean;
}

function list(v: unknown): string[] {
  return String(v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function buildApp(opts: BuildOptions = {}): { app: App; stack: SatmonStack } {
  const app = new App(opts.appProps);
  const ctx = (k: string) => app.node.tryGetContext(k) as unknown;
  const stack = new SatmonStack(app, String(ctx('stackName') ?? DEFAULT_STACK_NAME), {
    env: { account: loadGroup('cdk').account, region: String(ctx('region') ?? DEFAULT_REGION) },
    alertEmails: list(ctx('alertEmails')),
    opsEmails: list(ctx('opsEmails')),
    ...opts.stackProps,
  });
  if (opts.nag ?? true) addAwsSolutionsChecks(app);
  return { app, stack };
}
