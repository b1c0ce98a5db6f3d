// Synthesizes the real stack (infra/build.ts, cdk.json's feature flags, the real HANDLERS entries) once per test
// file, runs cdk-nag AwsSolutions on it, and offers small readers over the template.
//
// SATMON_DEV_STUB_MISSING_HANDLERS=1 points handlers whose entry does not exist yet at stubs in .satmon/dev-stubs
// (a development aid while other handlers are being written; CI never sets it, so a missing entry fails).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadGroup } from '../../../shared/config';
import { HANDLERS, type HandlerName } from '../../../shared/layout/resources';
import { buildApp, cdkJsonContext } from '../../../infra/build';
import { REPO_ROOT, type SatmonStack } from '../../../infra/stack';

export interface Synth {
  app: App;
  stack: SatmonStack;
  template: Template;
  json: CfnTemplate;
  /** AwsSolutions findings left after acknowledgements, as "RuleId at construct path". */
  nagFindings: string[];
}

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export function devStubs(): Partial<Record<HandlerName, string>> {
  if (!loadGroup('tests').stubMissingHandlers) return {};
  const out: Partial<Record<HandlerName, string>> = {};
  for (const [name, rel] of Object.entries(HANDLERS) as [HandlerName, string][]) {
    if (existsSync(path.join(REPO_ROOT, rel))) continue;
    const file = path.join(REPO_ROOT, '.satmon', 'dev-stubs', name, 'handler.ts');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `export const handler = async (event: unknown) => ({ stub: '${name}', event });\n`);
    out[name] = file;
  }
  return out;
}

/** `bundling: false` skips esbuild (assertions on the template do not need the code). */
export function synth(opts: { bundling?: boolean; outdir?: string } = {}): Synth {
  const context: Record<string, unknown> = { ...cdkJsonContext() };
  if (!opts.bundling) context['aws:cdk:bundling-stacks'] = [];
  const { app, stack } = buildApp({ appProps: { context, outdir: opts.outdir }, stackProps: { entryOverrides: devStubs() }, nag: false });
  const template = Template.fromStack(stack);
  const report = new AwsSolutionsChecks().validateScope(app);
  const nagFindings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`));
  return { app, stack, template, json: template.toJSON() as CfnTemplate, nagFindings };
}

/** Resources of one type, by logical id. */
export function resourcesOf(t: CfnTemplate, type: string): [string, { Properties?: Record<string, any> }][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

/** cdk-nag's flat rendering of a CloudFormation value: GetAtt -> <Id.Attr>, Ref -> <Id>, Join concatenated. */
export function flat(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, any>;
    if (o['Fn::GetAtt']) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    if (o.Ref) return `<${o.Ref as string}>`;
    if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flat).join(o['Fn::Join'][0] as string);
    if (o['Fn::Sub']) return String(o['Fn::Sub']);
  }
  return JSON.stringify(v);
}

export interface FlatStatement {
  actions: string[];
  resources: string[];
  condition?: Record<string, any>;
}

/** Allow statements of every inline policy attached to `roleLogicalId`. */
export function statementsOfRole(t: CfnTemplate, roleLogicalId: string): FlatStatement[] {
  const out: FlatStatement[] = [];
  for (const [, p] of resourcesOf(t, 'AWS::IAM::Policy')) {
    const roles = (p.Properties?.Roles ?? []).map(flat);
    if (!roles.includes(`<${roleLogicalId}>`)) continue;
    for (const s of p.Properties!.PolicyDocument.Statement as any[]) {
      if (s.Effect !== 'Allow') continue;
      out.push({ actions: [].concat(s.Action), resources: ([] as unknown[]).concat(s.Resource).map(flat), condition: s.Condition });
    }
  }
  return out;
}

/** Logical id of a construct's CloudFormation resource. */
export function logicalId(stack: SatmonStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.resolve(stack.getLogicalId(construct.node.defaultChild as any)) as string;
}
