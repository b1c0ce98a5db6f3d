// A branch manager's subscription to the watch topic carries the filter policy on the branch attribute that the
// assess handler sets on every watch it publishes (lambdas/assess/handler.ts watchNotifierFor).
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../../shared/layout/resources';
import { watchSubscription } from '../../../infra/stack';

describe('watch topic subscriptions', () => {
  it('filter each manager to their own branch', () => {
    const stack = new Stack();
    const topic = new sns.Topic(stack, 'Watches');
    topic.addSubscription(watchSubscription('BR07', 'manager07@example.org'));
    topic.addSubscription(watchSubscription('BR12', 'manager12@example.org'));
    const subs = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription')).map((r) => r.Properties);
    expect(subs).toEqual(expect.arrayContaining([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'manager07@example.org', FilterPolicy: { [TOPICS.watches.branchAttribute]: ['BR07'] } }),
      expect.objectContaining({ Protocol: 'email', Endpoint: 'manager12@example.org', FilterPolicy: { [TOPICS.watches.branchAttribute]: ['BR12'] } }),
    ]));
    expect(TOPICS.watches.branchAttribute).toBe('branch');
  });
});
