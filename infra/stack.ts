// The satisfaction-monitor stack: data store, the pseudonym keyring, the handlers with exactly their grants, S3
// event routes, the assessment state machine with its schedules, the dashboard (site, sign-in, API), alarms, and
// the managed policies for uploaders and head office's people.
// Every name a handler or the local stack also uses comes from shared/layout (resources.ts, keys.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { RAW_LAYOUT } from '../shared/layout/keys';
import { BUCKETS, EVENT_ROUTES, HANDLERS, TABLE, TOPICS, type BucketKey, type HandlerName } from '../shared/layout/resources';
import { FUNCTIONS, LOCALE, RETENTION, retentionEnv } from './config';
import { Alarms } from './constructs/alarms';
import { Assessment } from './constructs/assessment';
import { Dashboard } from './constructs/dashboard';
import { DataStore } from './constructs/data-store';
import { EventRoutes } from './constructs/event-routes';
import { AccessPolicies } from './constructs/access';
import { grantObjects, grantPublish, grantSecretRead, grantTable } from './constructs/grants';
import { CURATED } from './constructs/prefixes';
import { PSEUDONYM_KEY_SECRET_ENV, pseudonymKeySecret } from './constructs/pseudonym-key';
import { SatmonFunction } from './constructs/satmon-function';
import { Uploaders } from './constructs/uploaders';

/** Repository root (this file is infra/stack.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface SatmonStackProps extends StackProps {
  /**
   * Absolute entry files that replace HANDLERS, for development synths before a handler exists
   * (infra/dev/synth-with-stubs.ts). The app (infra/app.ts) and the tests never set it.
   */
  entryOverrides?: Partial<Record<HandlerName, string>>;
  /** Subscribed to trust alerts (email; each address confirms once). */
  alertEmails?: string[];
  /**
   * Branch managers subscribed to their own branch's watches (email, confirmed once): each subscription filters on
   * the message attribute `branch` (TOPICS.watches), so a manager receives only their branch's watches.
   */
  watchManagers?: { branch: string; email: string }[];
  /** Subscribed to operational alarms. */
  opsEmails?: string[];
}

export class SatmonStack extends Stack {
  readonly data: DataStore;
  readonly functions: Record<HandlerName, SatmonFunction>;
  readonly routes: EventRoutes;
  readonly alertTopic: sns.Topic;
  /** Watches, to each branch's manager only (filter policy on the branch attribute); never the alert topic. */
  readonly watchTopic: sns.Topic;
  readonly assessment: Assessment;
  readonly dashboard: Dashboard;
  readonly alarms: Alarms;
  /** Managed policies for whoever uploads survey drops: a branch office (by principal tag) or head office. */
  readonly uploaders: Uploaders;
  /** Keyring of the respondent pseudonyms (read by ingest and forget only). */
  readonly pseudonymKey: secretsmanager.Secret;
  /** Managed policies for head office's people: data stewards and analysts (docs/ACCESS.md). */
  readonly access: AccessPolicies;

  constructor(scope: Construct, id: string, props: SatmonStackProps = {}) {
    super(scope, id, props);
    this.templateOptions.description = 'satisfaction-monitor: survey drops -> PLS-SEM per branch and period -> trust alerts and dashboard';

    this.data = new DataStore(this, 'Data');
    const { buckets, table, dataKey } = this.data;
    const gsiNames = TABLE.gsis.map((g) => g.name);

    this.alertTopic = new sns.Topic(this, TOPICS.alerts.id, { displayName: 'satmon trust alerts', masterKey: dataKey, enforceSSL: true });
    for (const email of props.alertEmails ?? []) this.alertTopic.addSubscription(new subs.EmailSubscription(email));
    this.watchTopic = new sns.Topic(this, TOPICS.watches.id, { displayName: 'satmon branch watches', masterKey: dataKey, enforceSSL: true });
    for (const m of props.watchManagers ?? []) this.watchTopic.addSubscription(watchSubscription(m.branch, m.email));

    // Every function knows every bucket and the table by name (names are not permissions).
    const baseEnv: Record<string, string> = { [TABLE.envVar]: table.tableName, SATMON_LOCALE: LOCALE };
    for (const [k, b] of Object.entries(BUCKETS) as [BucketKey, (typeof BUCKETS)[BucketKey]][]) baseEnv[b.envVar] = buckets[k].bucketName;

    this.pseudonymKey = pseudonymKeySecret(this, 'PseudonymKey', dataKey);
    // ingest and forget: the keyring, and the retention of this synth (they write the table items' expiries).
    const privacyEnv = { [PSEUDONYM_KEY_SECRET_ENV]: this.pseudonymKey.secretArn, ...retentionEnv(RETENTION) };

    const make = (name: HandlerName, extraEnv: Record<string, string> = {}) =>
      new SatmonFunction(this, `${name[0]!.toUpperCase()}${name.slice(1)}`, {
        name,
        entry: props.entryOverrides?.[name] ?? path.join(REPO_ROOT, HANDLERS[name]),
        projectRoot: REPO_ROOT,
        environment: { ...baseEnv, ...extraEnv },
        logsKey: dataKey,
      });
    this.functions = {
      // A drop's lease outlives one invocation by a little (a crashed run's drop is taken over by the next delivery).
      ingest: make('ingest', privacyEnv), // the lease is renewed while working: the default (60 s) holds on AWS as locally
      recompute: make('recompute'),
      assess: make('assess', { [TOPICS.alerts.envVar]: this.alertTopic.topicArn, [TOPICS.watches.envVar]: this.watchTopic.topicArn }),
      api: make('api'),
      // Not routed to any event: a data steward invokes it directly (docs/ACCESS.md).
      forget: make('forget', privacyEnv),
    };
    const { ingest, recompute, assess, api, forget } = this.functions;

    // ingest: reads the routed raw prefixes and the configuration; writes clean rows, rejects and manifests;
    // drop records and recompute markers.
    const rawPrefixes = [...new Set(EVENT_ROUTES.filter((r) => r.bucket === 'raw' && r.handler === 'ingest').map((r) => r.prefix))];
    // The raw bucket keeps versions: ingest reads the very version its event names (GetObject with VersionId).
    grantObjects(ingest.role, buckets.raw, rawPrefixes, 'readVersions', dataKey);
    grantObjects(ingest.role, buckets.curated, [CURATED.config], 'read', dataKey);
    grantObjects(ingest.role, buckets.curated, [CURATED.clean, CURATED.rejects, CURATED.manifests], 'readWrite', dataKey);
    grantTable(ingest.role, table, gsiNames, 'readWrite', dataKey);
    grantSecretRead(ingest.role, this.pseudonymKey, dataKey);

    // recompute: reads one branch's clean rows, writes its results and time-series items.
    grantObjects(recompute.role, buckets.curated, [CURATED.clean, CURATED.config], 'read', dataKey);
    grantObjects(recompute.role, buckets.curated, [CURATED.results], 'readWrite', dataKey);
    grantTable(recompute.role, table, gsiNames, 'readWrite', dataKey);

    // assess: plan lists the branches with clean rows (and may write the item list); close reads the map results,
    // writes the assessment result and record, publishes alerts and watches.
    grantObjects(assess.role, buckets.curated, [CURATED.clean, CURATED.config], 'read', dataKey);
    grantObjects(assess.role, buckets.curated, [CURATED.results, CURATED.assessments], 'readWrite', dataKey);
    grantTable(assess.role, table, gsiNames, 'readWrite', dataKey);
    grantPublish(assess.role, this.alertTopic, dataKey);
    grantPublish(assess.role, this.watchTopic, dataKey);

    // api: read-only: time series, alerts and drop records from the table; full results and the branch directory
    // from S3, and a large drop's manifest (its partition list is not in the record); clean/ for the participants'
    // free-text answers of a branch it may show (shared/api/comments.ts returns only those texts, never ids or
    // answers; a texts-only object per part would narrow this further).
    grantObjects(api.role, buckets.curated, [CURATED.results, CURATED.config, CURATED.manifests, CURATED.clean], 'read', dataKey);
    grantTable(api.role, table, gsiNames, 'read', dataKey);

    // forget: finds the participant's pseudonym with the keyring, rewrites the clean parts and rejects that hold them
    // without their rows (an overwrite: no s3:DeleteObject; the old version expires as noncurrent), reads manifests
    // for a drop's partitions, drops their respondent-index entries and marks the units for recompute. No raw access.
    grantObjects(forget.role, buckets.curated, [CURATED.manifests, CURATED.config], 'read', dataKey);
    grantObjects(forget.role, buckets.curated, [CURATED.clean, CURATED.rejects], 'readWrite', dataKey);
    grantTable(forget.role, table, gsiNames, 'readWrite', dataKey);
    grantSecretRead(forget.role, this.pseudonymKey, dataKey);

    // Uploaders: each office into its own folder (by principal tag), head office into its own (docs/UPLOADERS.md).
    this.uploaders = new Uploaders(this, 'Uploaders', { raw: buckets.raw, dataKey });
    // Head office's people: data stewards and analysts; branch managers use the dashboard only (docs/ACCESS.md).
    this.assessment = new Assessment(this, 'Assessment', { assess, recompute, curated: buckets.curated, dataKey });
    this.access = new AccessPolicies(this, 'Access', {
      buckets, dataKey, forget: forget.fn, pseudonymKey: this.pseudonymKey, assessments: this.assessment.stateMachine,
    });

    this.routes = new EventRoutes(this, 'Routes', { buckets, functions: this.functions });
    this.dashboard = new Dashboard(this, 'Dashboard', { api, logsBucket: this.data.logsBucket, dashboardDir: path.join(REPO_ROOT, 'dashboard'), logsKey: dataKey });

    const deadLetterQueues: Record<string, sqs.IQueue> = { SchedulerDlq: this.assessment.schedulerDlq };
    const workQueues: Record<string, { queue: sqs.IQueue; maxAge: Duration }> = {};
    for (const [handler, q] of Object.entries(this.routes.queues)) {
      deadLetterQueues[`${handler}Dlq`] = q.dlq;
      // A message older than two full retry cycles means the handler is stuck or failing.
      workQueues[`${handler}Queue`] = { queue: q.queue, maxAge: Duration.seconds(2 * 6 * FUNCTIONS[handler as HandlerName].timeoutSeconds) };
    }
    this.alarms = new Alarms(this, 'Alarms', {
      functions: this.functions,
      deadLetterQueues,
      workQueues,
      stateMachine: this.assessment.stateMachine,
      table,
      api: this.dashboard.httpApi,
    });
    for (const email of props.opsEmails ?? []) this.alarms.topic.addSubscription(new subs.EmailSubscription(email));

    for (const [k, b] of Object.entries(BUCKETS) as [BucketKey, (typeof BUCKETS)[BucketKey]][]) {
      new CfnOutput(this, `${b.id}BucketName`, { value: buckets[k].bucketName, description: `${b.envVar} (${k})` });
    }
    new CfnOutput(this, 'TableName', { value: table.tableName, description: TABLE.envVar });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alertTopic.topicArn, description: TOPICS.alerts.envVar });
    new CfnOutput(this, 'WatchTopicArn', { value: this.watchTopic.topicArn, description: `${TOPICS.watches.envVar} (subscribe a branch manager with the filter policy {"${TOPICS.watches.branchAttribute}": ["<branch id>"]})` });
    new CfnOutput(this, 'OpsTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'StateMachineArn', { value: this.assessment.stateMachine.stateMachineArn });
    new CfnOutput(this, 'BranchUploaderPolicyArn', {
      value: this.uploaders.branchPolicy.managedPolicyArn,
      description: `attach to an office uploader tagged ${RAW_LAYOUT.branchTag}=<branch id> (docs/UPLOADERS.md)`,
    });
    new CfnOutput(this, 'DataStewardPolicyArn', { value: this.access.dataStewardPolicy.managedPolicyArn, description: 'attach to head-office data stewards (docs/ACCESS.md)' });
    new CfnOutput(this, 'AnalystPolicyArn', { value: this.access.analystPolicy.managedPolicyArn, description: 'attach to head-office analysts (docs/ACCESS.md)' });
    new CfnOutput(this, 'ForgetFunctionName', { value: forget.fn.functionName, description: 'erasure on request, invoked by a data steward (docs/ACCESS.md)' });
    new CfnOutput(this, 'PseudonymKeySecretArn', { value: this.pseudonymKey.secretArn, description: `${PSEUDONYM_KEY_SECRET_ENV} (keyring; README "Personal data")` });
    new CfnOutput(this, 'HeadOfficeUploaderPolicyArn', { value: this.uploaders.headOfficePolicy.managedPolicyArn, description: 'attach to the head-office uploader (docs/UPLOADERS.md)' });
    for (const [handler, q] of Object.entries(this.routes.queues)) {
      new CfnOutput(this, `${handler[0]!.toUpperCase()}${handler.slice(1)}DlqArn`, { value: q.dlq.queueArn, description: 'redrive with aws sqs start-message-move-task' });
    }
    const d = this.dashboard;
    new CfnOutput(this, 'SiteUrl', { value: `https://${d.distribution.distributionDomainName}` });
    new CfnOutput(this, 'SiteBucketName', { value: d.siteBucket.bucketName });
    new CfnOutput(this, 'DistributionId', { value: d.distribution.distributionId });
    new CfnOutput(this, 'ApiUrl', { value: d.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: d.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: d.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'HostedUiUrl', { value: d.siteConfig.cognitoDomain, description: 'Cognito hosted UI (sign-in) domain; the site reads it from /config.json' });
  }
}

/** A branch manager's e-mail subscription to the watch topic: only messages whose branch attribute is theirs. */
export function watchSubscription(branch: string, email: string): subs.EmailSubscription {
  return new subs.EmailSubscription(email, {
    filterPolicy: { [TOPICS.watches.branchAttribute]: sns.SubscriptionFilter.stringFilter({ allowlist: [branch] }) },
  });
}
