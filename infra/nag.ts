// cdk-nag 3 (AwsSolutions) wiring and the one way this stack acknowledges a finding: with a written reason.
import { Stack, Validations, type App, type CfnResource } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
// cdk-nag's own rendering of a CloudFormation reference in a finding id (no public export for it).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

/** Run AwsSolutions on every synth; an unacknowledged finding makes `cdk synth` fail. */
export function addAwsSolutionsChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** Shortest acceptable reason: an acknowledgement has to say why, not just "ok". */
export const MIN_REASON_LENGTH = 40;

/**
 * Acknowledge one cdk-nag finding on `scope` and everything below it. `id` is the rule ("AwsSolutions-S1") or a
 * single finding of it ("AwsSolutions-IAM5[Resource::*]").
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) throw new Error(`acknowledgement of ${id} at ${scope.node.path} needs a reason (>= ${MIN_REASON_LENGTH} characters)`);
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * How cdk-nag names the ARN of a resource of this stack inside a finding: `<LogicalId.Arn>` (its rendering of
 * Fn::GetAtt). Computed, not copied, so an acknowledgement follows the resource if its logical id changes.
 */
export function nagArn(resource: CfnResource): string {
  const stack = Stack.of(resource);
  return `<${stack.resolve(stack.getLogicalId(resource)) as string}.Arn>`;
}

/**
 * How cdk-nag names a resource value (an ARN string with tokens, possibly with IAM policy variables, which it shows
 * as <aws:...>) inside a finding id: computed with cdk-nag's own rendering, so the acknowledgement names exactly the
 * finding.
 */
export function nagResource(scope: IConstruct, value: string): string {
  return flattenCfnReference(Stack.of(scope).resolve(value));
}

/**
 * Acknowledge the IAM5 wildcard-resource findings of a policy that CDK generates with ARNs it builds itself
 * (e.g. Step Functions execution ARNs), naming each finding exactly as cdk-nag will. Refuses (throws) if a
 * wildcard resource appears in a statement with an action outside `allowedActions`, so nothing unexpected is
 * acknowledged along the way.
 */
export function acknowledgeGeneratedWildcards(policy: iam.Policy, allowedActions: readonly string[], reason: string): void {
  const stack = Stack.of(policy);
  const doc = stack.resolve(policy.document.toJSON()) as { Statement?: { Effect: string; Action: string | string[]; Resource: unknown }[] } | undefined;
  for (const st of doc?.Statement ?? []) {
    if (st.Effect !== 'Allow') continue;
    const actions = ([] as string[]).concat(st.Action);
    const resources = ([] as unknown[]).concat(st.Resource).map(flattenCfnReference).filter((r) => r.includes('*'));
    if (resources.length === 0) continue;
    const unexpected = actions.filter((a) => !allowedActions.includes(a));
    if (unexpected.length) throw new Error(`${policy.node.path}: wildcard resource with unexpected actions ${unexpected.join(', ')}`);
    for (const r of resources) acknowledge(policy, `AwsSolutions-IAM5[Resource::${r}]`, reason);
  }
}

/** Every acknowledgement recorded under `root`: where, which finding, why (for tests and the report). */
export function listAcknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !m.data) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}
