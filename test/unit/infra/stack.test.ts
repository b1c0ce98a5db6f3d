// Assertions on the synthesized CloudFormation template of the AWS stack (one synth for the whole file, no
// bundling: the template, not the code, is under test here; bundle.test.ts bundles the real handlers).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import jsonata from 'jsonata';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGroup } from '../../../shared/config';
import { RAW_LAYOUT, S3_LAYOUT, uploaderOf } from '../../../shared/layout/keys';
import { AUTH, BUCKETS, EVENT_ROUTES, HANDLERS, TABLE, TOPICS, type BucketKey, type HandlerName } from '../../../shared/layout/resources';
import { ASSESSMENT, FUNCTIONS, INGEST_QUEUE, RETENTION } from '../../../infra/config';
import { retentionDays } from '../../../infra/constructs/logs';
import { listAcknowledgements, MIN_REASON_LENGTH } from '../../../infra/nag';
import { REPO_ROOT } from '../../../infra/stack';
import { makeHandler as makeAssess } from '../../../lambdas/assess/handler';
import type { AssessDeps } from '../../../shared/pipeline/assess';
import { memoryStorage } from '../../../shared/pipeline/memory-storage';
import { flat, logicalId, resourcesOf, statementsOfRole, synth, type FlatStatement, type Synth } from './synth';

let s: Synth;
beforeAll(() => {
  s = synth();
});

const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];
const bucketId = (k: BucketKey) => logicalId(s.stack, s.stack.data.buckets[k]);
const fnId = (h: HandlerName) => logicalId(s.stack, s.stack.functions[h].fn);
const roleId = (h: HandlerName) => logicalId(s.stack, s.stack.functions[h].role);
const stmts = (h: HandlerName) => statementsOfRole(s.json, roleId(h));
/** Object ARNs a role may use with `action`, e.g. ['<DataCurated...Arn>/results/*']. */
const objectArnsFor = (st: FlatStatement[], action: string) => st.filter((x) => x.actions.includes(action)).flatMap((x) => x.resources);

describe('cdk-nag AwsSolutions', () => {
  it('leaves no unacknowledged finding', () => {
    expect(s.nagFindings).toEqual([]);
  });

  it('has a written reason for every acknowledgement', () => {
    const acks = listAcknowledgements(s.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.id, a.path).toMatch(/^AwsSolutions-[A-Z]+[0-9]+(\[.+\])?$/);
      expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
    }
  });
});

describe('one description shared with the local stack (shared/layout)', () => {
  it('builds each function from its HANDLERS entry', () => {
    for (const h of HANDLER_NAMES) {
      const real = path.join(REPO_ROOT, HANDLERS[h]);
      // (Only a development run with SATMON_DEV_STUB_MISSING_HANDLERS=1 may stub an entry that does not exist.)
      if (loadGroup('tests').stubMissingHandlers && !existsSync(real)) continue;
      expect(s.stack.functions[h].entry).toBe(real);
    }
  });

  it('passes bucket, table and topic names in the env vars resources.ts names', () => {
    for (const h of HANDLER_NAMES) {
      const env = s.json.Resources[fnId(h)]!.Properties!.Environment.Variables;
      for (const k of Object.keys(BUCKETS) as BucketKey[]) expect(env[BUCKETS[k].envVar], `${h} ${k}`).toEqual({ Ref: bucketId(k) });
      expect(env[TABLE.envVar]).toEqual({ Ref: logicalId(s.stack, s.stack.data.table) });
      if (h === 'assess') expect(env[TOPICS.alerts.envVar]).toEqual({ Ref: logicalId(s.stack, s.stack.alertTopic) });
      else expect(env[TOPICS.alerts.envVar]).toBeUndefined();
      if (h === 'assess') expect(env[TOPICS.watches.envVar]).toEqual({ Ref: logicalId(s.stack, s.stack.watchTopic) });
      else expect(env[TOPICS.watches.envVar]).toBeUndefined();
      // The pseudonym keyring: ingest and forget only (privacy-access.test.ts).
      if (h === 'ingest' || h === 'forget') expect(env.SATMON_PSEUDONYM_KEY_SECRET, h).toEqual({ Ref: logicalId(s.stack, s.stack.pseudonymKey) });
      else expect(env.SATMON_PSEUDONYM_KEY_SECRET, h).toBeUndefined();
    }
  });

  it('creates the table with the keys, GSIs and TTL attribute of TABLE', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.gsis.map((g) => ({
        IndexName: g.name,
        KeySchema: [
          { AttributeName: g.partitionKey, KeyType: 'HASH' },
          { AttributeName: g.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('routes exactly EVENT_ROUTES: one rule per route, matching bucket and every suffix in any case', () => {
    const rules = resourcesOf(s.json, 'AWS::Events::Rule');
    expect(rules).toHaveLength(EVENT_ROUTES.length);
    EVENT_ROUTES.forEach((r, i) => {
      const rule = s.json.Resources[logicalId(s.stack, s.stack.routes.rules[i]!)]!.Properties!;
      expect(rule.EventPattern).toEqual({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        // The prefix is checked by the handler (routesFor): EventBridge cannot AND a prefix with a case-insensitive suffix.
        detail: { bucket: { name: [{ Ref: bucketId(r.bucket) }] }, object: { key: r.suffixes.map((x) => ({ suffix: { 'equals-ignore-case': x } })) } },
      });
      // S3 URL-encodes keys in events; the pattern only works if prefix and suffix are unchanged by that encoding.
      expect(encodeURIComponent(r.prefix).replace(/%2F/g, '/')).toBe(r.prefix);
      for (const x of r.suffixes) expect(encodeURIComponent(x)).toBe(x);
      const q = s.stack.routes.queues[r.handler]!;
      expect(rule.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [logicalId(s.stack, q.queue), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(s.stack, q.dlq), 'Arn'] } },
        }),
      ]);
    });
  });

  it('sends S3 events of routed buckets to EventBridge, natively (no notification custom resource)', () => {
    const routed = new Set<BucketKey>(EVENT_ROUTES.map((r) => r.bucket));
    for (const k of Object.keys(BUCKETS) as BucketKey[]) {
      const cfg = s.json.Resources[bucketId(k)]!.Properties!.NotificationConfiguration;
      if (routed.has(k)) expect(cfg).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
      else expect(cfg).toBeUndefined();
    }
    expect(resourcesOf(s.json, 'Custom::S3BucketNotifications')).toEqual([]);
    // The only other function is the site deployment's handler (dashboard-site.test.ts checks it).
    const deployerRole = `<${logicalId(s.stack, s.stack.dashboard.siteDeploymentRole)}.Arn>`;
    expect(resourcesOf(s.json, 'AWS::Lambda::Function').filter(([, f]) => flat(f.Properties!.Role) !== deployerRole)).toHaveLength(HANDLER_NAMES.length);
  });
});

describe('buckets', () => {
  it('encrypts the data buckets with the data key, versions them, logs access and blocks public access', () => {
    const keyId = logicalId(s.stack, s.stack.data.dataKey);
    for (const k of Object.keys(BUCKETS) as BucketKey[]) {
      expect(s.json.Resources[bucketId(k)]!.Properties).toMatchObject({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(s.stack, s.stack.data.logsBucket) } },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
    }
    s.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('denies non-TLS and pre-TLS-1.2 requests on every bucket', () => {
    const policies = resourcesOf(s.json, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(resourcesOf(s.json, 'AWS::S3::Bucket').length);
    for (const [, p] of policies) {
      const deny = (p.Properties!.PolicyDocument.Statement as any[]).filter((x) => x.Effect === 'Deny');
      expect(deny).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
    }
  });

  it('refuses uploads to the data buckets asking for another encryption than the data key (SSE-S3, SSE-C)', () => {
    for (const key of Object.keys(BUCKETS) as (keyof typeof BUCKETS)[]) {
      const [, p] = resourcesOf(s.json, 'AWS::S3::BucketPolicy').find(([, x]) => JSON.stringify(x.Properties!.Bucket).includes(bucketId(key)))!;
      const deny = (p.Properties!.PolicyDocument.Statement as any[]).filter((x) => x.Effect === 'Deny' && x.Action === 's3:PutObject');
      expect(deny.map((x) => x.Condition), key).toEqual(expect.arrayContaining([
        { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
      ]));
    }
  });

  it('keeps raw drops, curated rows and results for the retention settings, and old curated versions 30 days', () => {
    const rules = (k: BucketKey) => s.json.Resources[bucketId(k)]!.Properties!.LifecycleConfiguration.Rules as any[];
    expect(rules('raw')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ExpirationInDays: RETENTION.rawDropsDays, NoncurrentVersionExpiration: { NoncurrentDays: RETENTION.rawNoncurrentDays } }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: RETENTION.abortMultipartDays } }),
      ]),
    );
    expect(RETENTION.rawDropsDays).toBeGreaterThanOrEqual(7 * 365);
    // Participants' rows for curatedDays, results for resultsDays, the plan's one-run unit lists after a run;
    // config/ and the map results never (privacy-access.test.ts synthesizes other settings).
    const expiring = rules('curated').filter((r) => r.ExpirationInDays !== undefined).map((r): [string, number] => [r.Prefix, r.ExpirationInDays]);
    expect(new Map(expiring)).toEqual(new Map([
      ['assessments/items/', RETENTION.assessmentItemListsDays],
      ['clean/', RETENTION.curatedDays],
      ['rejects/', RETENTION.curatedDays],
      ['manifests/', RETENTION.curatedDays],
      ['results/', RETENTION.resultsDays],
    ]));
    expect(expiring).toHaveLength(5);
    expect(rules('curated')).toEqual(expect.arrayContaining([expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: RETENTION.curatedNoncurrentDays } })]));
  });
});

describe('table', () => {
  it('is on-demand, with point-in-time recovery, the data key and deletion protection', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.data.dataKey), 'Arn'] } },
      DeletionProtectionEnabled: true,
    });
    s.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });
});

describe('functions', () => {
  it('share the defaults: Node 24 on ARM64, tracing, JSON logs with a retention, sizes from config', () => {
    for (const h of HANDLER_NAMES) {
      const p = s.json.Resources[fnId(h)]!.Properties!;
      expect(p).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: FUNCTIONS[h].memoryMb,
        Timeout: FUNCTIONS[h].timeoutSeconds,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(s.stack, s.stack.functions[h].logGroup) } },
        Handler: 'index.handler',
      });
      expect(p.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(`satmon-${h}`);
    }
    for (const [, lg] of resourcesOf(s.json, 'AWS::Logs::LogGroup')) expect(lg.Properties!.RetentionInDays).toBe(retentionDays(RETENTION.logDays));
  });

  it('use roles of their own without AWS managed policies', () => {
    for (const [, r] of resourcesOf(s.json, 'AWS::IAM::Role')) expect(r.Properties!.ManagedPolicyArns).toBeUndefined();
    expect(new Set(HANDLER_NAMES.map(roleId)).size).toBe(HANDLER_NAMES.length);
  });
});

describe('grants (least privilege)', () => {
  const ALLOWED_STAR_ACTIONS = new Set([
    'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets',
    // Step Functions' CloudWatch Logs delivery (vended logs): no resource-level permissions exist.
    'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
    'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
  ]);

  const policies = () => [...resourcesOf(s.json, 'AWS::IAM::Policy'), ...resourcesOf(s.json, 'AWS::IAM::ManagedPolicy')];

  it('grants Resource "*" only for actions that have no resource-level permissions', () => {
    for (const [id, p] of policies()) {
      for (const st of p.Properties!.PolicyDocument.Statement as any[]) {
        if (([] as unknown[]).concat(st.Resource).includes('*')) {
          for (const a of [].concat(st.Action) as string[]) expect(ALLOWED_STAR_ACTIONS.has(a), `${id}: ${a} on *`).toBe(true);
        }
      }
    }
  });

  it('allows no wildcard actions', () => {
    // Except CDK's BucketDeployment grants (s3:GetObject* ...) to the site deployer: dashboard-site.test.ts pins them.
    // (A Deny may say s3:* : it only takes away; privacy-access.test.ts pins the people's denies.)
    const deployerRole = `<${logicalId(s.stack, s.stack.dashboard.siteDeploymentRole)}>`;
    for (const [id, p] of policies()) {
      if ((p.Properties!.Roles ?? []).map(flat).includes(deployerRole)) continue;
      for (const st of (p.Properties!.PolicyDocument.Statement as any[]).filter((x) => x.Effect === 'Allow')) {
        for (const a of [].concat(st.Action) as string[]) expect(a.includes('*'), `${id}: ${a}`).toBe(false);
      }
    }
  });

  it('names the table and its GSIs exactly (no index/*)', () => {
    const tableArn = `<${logicalId(s.stack, s.stack.data.table)}.Arn>`;
    const expected = [tableArn, ...TABLE.gsis.map((g) => `${tableArn}/index/${g.name}`)].sort();
    for (const h of HANDLER_NAMES) {
      const ddb = stmts(h).filter((x) => x.actions.some((a) => a.startsWith('dynamodb:')));
      expect(ddb.length, h).toBeGreaterThan(0);
      for (const x of ddb) expect([...x.resources].sort(), h).toEqual(expected);
      expect(ddb.flatMap((x) => x.actions)).not.toContain('dynamodb:Scan');
    }
  });

  it('gives the API read-only access', () => {
    const actions = stmts('api').flatMap((x) => x.actions);
    for (const w of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 's3:PutObject', 'sns:Publish']) expect(actions).not.toContain(w);
  });

  it('limits object access to the prefixes each handler works on', () => {
    const raw = `<${bucketId('raw')}.Arn>`;
    const cur = `<${bucketId('curated')}.Arn>`;
    const routePrefixes = EVENT_ROUTES.filter((r) => r.handler === 'ingest').map((r) => `${raw}/${r.prefix}*`);
    const top = (k: string) => `${cur}/${k.split('/')[0]}/*`;
    const clean = top(S3_LAYOUT.cleanPart('p', 'b', 'h'));
    const results = top(S3_LAYOUT.result('p', 'u'));
    const config = top(S3_LAYOUT.branches);
    const work = top(S3_LAYOUT.assessmentItems('p', 'r'));
    const ingestOut = [clean, top(S3_LAYOUT.rejects('h')), top(S3_LAYOUT.manifest('h'))];
    const expectations: Record<HandlerName, { read: string[]; write: string[] }> = {
      ingest: { read: [...routePrefixes, config, ...ingestOut], write: ingestOut },
      recompute: { read: [clean, config, results], write: [results] },
      assess: { read: [clean, config, results, work], write: [results, work] },
      // a large drop's partitions are in its manifest; clean/ for the free-text answers (shared/api/comments.ts)
      api: { read: [results, config, top(S3_LAYOUT.manifest('h')), clean], write: [] },
      // rewrites the parts and rejects that hold the participant; manifests for a drop's partitions; no raw
      forget: { read: [clean, top(S3_LAYOUT.rejects('h')), top(S3_LAYOUT.manifest('h')), config], write: [clean, top(S3_LAYOUT.rejects('h'))] },
    };
    for (const h of HANDLER_NAMES) {
      const st = stmts(h);
      expect(new Set(objectArnsFor(st, 's3:GetObject')), h).toEqual(new Set(expectations[h].read));
      expect(new Set(objectArnsFor(st, 's3:PutObject')), h).toEqual(new Set(expectations[h].write));
      // Reading by version id (the raw bucket is versioned; ingest reads the version its event names): ingest's raw prefixes only.
      expect(new Set(objectArnsFor(st, 's3:GetObjectVersion')), h).toEqual(new Set(h === 'ingest' ? routePrefixes : []));
      // ListBucket (so a missing key is a 404) on the buckets it reads, nothing else.
      const buckets = new Set(expectations[h].read.map((a) => a.slice(0, a.indexOf('/'))));
      expect(new Set(objectArnsFor(st, 's3:ListBucket')), h).toEqual(buckets);
    }
  });

  it('lets only assess publish alerts and watches, to their two topics', () => {
    const topics = [s.stack.alertTopic, s.stack.watchTopic].map((t) => `<${logicalId(s.stack, t)}>`);
    for (const h of HANDLER_NAMES) {
      const pub = stmts(h).filter((x) => x.actions.includes('sns:Publish'));
      if (h === 'assess') expect(pub.flatMap((x) => x.resources).sort()).toEqual(topics.sort());
      else expect(pub).toEqual([]);
    }
  });

  it('limits the state machine to its two functions and its S3 prefixes', () => {
    const smRole = logicalId(s.stack, s.stack.assessment.stateMachine.role as any);
    const st = statementsOfRole(s.json, smRole);
    const invoke = st.filter((x) => x.actions.includes('lambda:InvokeFunction')).flatMap((x) => x.resources);
    expect(new Set(invoke)).toEqual(new Set([`<${fnId('assess')}.Arn>`, `<${fnId('recompute')}.Arn>`, `<${fnId('assess')}.Arn>:*`, `<${fnId('recompute')}.Arn>:*`]));
    const cur = `<${bucketId('curated')}.Arn>`;
    expect(new Set(objectArnsFor(st, 's3:GetObject'))).toEqual(new Set([`${cur}/assessments/items/*`, `${cur}/${S3_LAYOUT.assessmentMapResults}/*`]));
    expect(objectArnsFor(st, 's3:PutObject')).toEqual([`${cur}/${S3_LAYOUT.assessmentMapResults}/*`]);
  });
});

describe('ingest wiring (S3 -> EventBridge -> SQS -> Lambda)', () => {
  it('reads the queue in batches, reporting failures per message', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('ingest') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.routes.queues.ingest!.queue), 'Arn'] },
      BatchSize: INGEST_QUEUE.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('redrives to a dead-letter queue, with a visibility timeout of 6x the function timeout, TLS-only and encrypted', () => {
    const q = s.stack.routes.queues.ingest!;
    expect(s.json.Resources[logicalId(s.stack, q.queue)]!.Properties).toMatchObject({
      VisibilityTimeout: FUNCTIONS.ingest.timeoutSeconds * 6,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(s.stack, q.dlq), 'Arn'] }, maxReceiveCount: INGEST_QUEUE.maxReceiveCount },
      SqsManagedSseEnabled: true,
    });
    for (const [, qp] of resourcesOf(s.json, 'AWS::SQS::QueuePolicy')) {
      expect(qp.Properties!.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]));
    }
  });
});

describe('assessment state machine', () => {
  const definition = () => {
    const sm = s.json.Resources[logicalId(s.stack, s.stack.assessment.stateMachine)]!.Properties!;
    const parts = sm.DefinitionString['Fn::Join'][1] as unknown[];
    return { sm, def: JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) };
  };
  /** Evaluate a `{% ... %}` field of the definition the way Step Functions does ($states bound). */
  const evaluate = (field: string, states: Record<string, unknown>) =>
    jsonata(field.replace(/^\{%\s*/, '').replace(/\s*%\}$/, '')).evaluate({}, { states: { context: { Execution: { Name: 'run-1' } }, ...states } });

  it('resolves the period, plans, chooses where the items are, maps, then closes', () => {
    const { def } = definition();
    expect(def.QueryLanguage).toBe('JSONata');
    expect(def.StartAt).toBe('ResolvePeriod');
    expect(def.States.ResolvePeriod.Next).toBe('PlanUnits');
    expect(def.States.PlanUnits.Next).toBe('WhereAreTheItems');
    const choices = def.States.WhereAreTheItems.Choices;
    expect(choices.map((c: any) => c.Next)).toEqual(['UnitsFromS3', 'Units']);
    expect(def.States.WhereAreTheItems.Default).toBe('NoItems');
    // the branches, then the regions and the network (they weight the branches' results), then close
    expect(def.States.Units.Next).toBe('Aggregates');
    expect(def.States.UnitsFromS3.Next).toBe('Aggregates');
    expect(def.States.Aggregates.Next).toBe('CloseAssessment');
    expect(def.States.CloseAssessment.End).toBe(true);
    expect(def.TimeoutSeconds).toBe(ASSESSMENT.timeoutHours * 3600);
  });

  it('takes items from S3 when the plan gives itemsKey, inline when it gives items, and fails otherwise', async () => {
    const [toS3, toInline] = definition().def.States.WhereAreTheItems.Choices.map((c: any) => c.Condition as string);
    const pick = async (input: unknown) => ((await evaluate(toS3, { input })) ? 'UnitsFromS3' : (await evaluate(toInline, { input })) ? 'Units' : 'NoItems');
    expect(await pick({ period: '2025-Q1', itemsKey: 'assessments/items/x.json' })).toBe('UnitsFromS3');
    expect(await pick({ period: '2025-Q1', items: [{ period: '2025-Q1', branch: 'B1' }] })).toBe('Units');
    expect(await pick({ period: '2025-Q1', items: [] })).toBe('Units');
    expect(await pick({ period: '2025-Q1' })).toBe('NoItems');
  });

  it('bounds concurrency, tolerates and records failures, in both maps', () => {
    const { def } = definition();
    for (const id of ['Units', 'UnitsFromS3']) {
      const m = def.States[id];
      expect(m, id).toMatchObject({
        Type: 'Map',
        MaxConcurrency: ASSESSMENT.maxConcurrency,
        ToleratedFailurePercentage: ASSESSMENT.toleratedFailurePercentage,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: `Recompute${id}` },
        ResultWriter: { Arguments: { Prefix: S3_LAYOUT.assessmentMapResults } },
      });
      expect(m.ItemProcessor.States[`Recompute${id}`].Retry.flatMap((r: any) => r.ErrorEquals)).toContain('Lambda.TooManyRequestsException');
    }
    expect(def.States.Units.Items).toBe('{% $states.input.items %}');
    // the aggregates: inline, bounded, a failed one caught as a failed unit for close
    const agg = def.States.Aggregates;
    expect(agg).toMatchObject({ Type: 'Map', MaxConcurrency: ASSESSMENT.maxConcurrency, ItemProcessor: { StartAt: 'RecomputeAggregate' } });
    const task = agg.ItemProcessor.States.RecomputeAggregate;
    expect(task.Retry.flatMap((r: any) => r.ErrorEquals)).toContain('Lambda.TooManyRequestsException');
    expect(task.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'AggregateFailed' });
    expect(def.States.UnitsFromS3.ItemReader).toMatchObject({ ReaderConfig: { InputType: 'JSON' }, Arguments: { Key: '{% $states.input.itemsKey %}' } });
  });

  it('hands the assess handler its action, period and run id, and close the map results without the item list', async () => {
    const { def } = definition();
    expect(await evaluate(def.States.PlanUnits.Arguments.Payload, { input: { period: '2025-Q1' } })).toEqual({ period: '2025-Q1', action: 'plan', runId: 'run-1' });
    const planned = await evaluate(def.States.PlanUnits.Output, { input: { period: '2025-Q1' }, result: { Payload: { items: [{ period: '2025-Q1', branch: 'B1' }], branches: ['B1'] } } });
    expect(planned).toEqual({ period: '2025-Q1', items: [{ period: '2025-Q1', branch: 'B1' }], branches: ['B1'] });
    const details = { Bucket: 'curated', Key: 'assessments/map-results/abc/manifest.json' };
    const mapped = await evaluate(def.States.Units.Output, { input: planned, result: { MapRunArn: 'arn', ResultWriterDetails: details } });
    expect(mapped).toEqual({ period: '2025-Q1', branches: ['B1'], mapResults: details });
    const withAggregates = { ...mapped, aggregates: [{ period: '2025-Q1', unit: { kind: 'network' } }] };
    expect(await evaluate(def.States.Aggregates.Items, { input: withAggregates })).toEqual(withAggregates.aggregates);
    expect(await evaluate(def.States.Aggregates.Items, { input: mapped })).toEqual([]); // an old plan without aggregates
    const failed = await evaluate(def.States.Aggregates.ItemProcessor.States.RecomputeAggregate.Catch[0].Output, {
      input: { period: '2025-Q1', unit: { kind: 'network' } }, errorOutput: { Error: 'Error', Cause: 'boom' },
    });
    expect(failed).toEqual({ failed: true, item: { period: '2025-Q1', unit: { kind: 'network' } }, error: 'Error: boom' });
    const aggregated = await evaluate(def.States.Aggregates.Output, { input: withAggregates, result: [{ n: 1 }, failed] });
    expect(aggregated).toEqual({ ...mapped, aggregateResults: [{ n: 1 }, failed] });
    expect(await evaluate(def.States.CloseAssessment.Arguments.Payload, { input: aggregated })).toEqual({ ...aggregated, action: 'close', runId: 'run-1' });
    expect(await evaluate(def.States.Units.ItemProcessor.States.RecomputeUnits.Arguments.Payload, { input: { period: '2025-Q1', branch: 'B1' } })).toEqual({ period: '2025-Q1', branch: 'B1' });
  });

  it('carries a large plan through S3: the list is named after the execution, read by the map, and close still gets the lists', async () => {
    const { def } = definition();
    const storage = memoryStorage({ objects: { curated: { [S3_LAYOUT.cleanPart('2025-Q1', 'B1', 'h')]: '', [S3_LAYOUT.cleanPart('2025-Q1', 'B2', 'h')]: '' } } });
    const deps: AssessDeps = {
      storage, curatedBucket: 'curated', branches: new Map([['B1', { id: 'B1', region: 'R1' }], ['B2', { id: 'B2', region: 'R1' }]]),
      alertMetrics: ['TRUST'], notify: async () => {}, maxInlinePlanBytes: 10, // any plan takes the S3 path
    };
    const event = await evaluate(def.States.PlanUnits.Arguments.Payload, { input: { period: '2025-Q1' } });
    const planned = await evaluate(def.States.PlanUnits.Output, { input: { period: '2025-Q1' }, result: { Payload: await makeAssess(async () => deps)(event) } });
    expect(planned.itemsKey).toBe(S3_LAYOUT.assessmentItems('2025-Q1', 'run-1'));
    expect(planned).not.toHaveProperty('items');
    expect(await evaluate(def.States.WhereAreTheItems.Choices[0].Condition, { input: planned })).toBe(true);
    expect(await evaluate(def.States.UnitsFromS3.ItemReader.Arguments.Key, { input: planned })).toBe(planned.itemsKey);
    // The object is what the S3 JSON item reader takes (an array); each element reaches the recompute Lambda as is.
    const items = JSON.parse(storage.allObjects().curated![planned.itemsKey]!) as unknown[];
    expect(items).toEqual([{ period: '2025-Q1', branch: 'B1' }, { period: '2025-Q1', branch: 'B2' }]);
    expect(planned.aggregates).toEqual([{ period: '2025-Q1', unit: { kind: 'network' } }, { period: '2025-Q1', unit: { kind: 'region', id: 'R1' } }]);
    for (const input of items) expect(await evaluate(def.States.UnitsFromS3.ItemProcessor.States.RecomputeUnitsFromS3.Arguments.Payload, { input })).toEqual(input);
    const details = { Bucket: 'curated', Key: 'assessments/map-results/abc/manifest.json' };
    const mapped = await evaluate(def.States.UnitsFromS3.Output, { input: planned, result: { MapRunArn: 'arn', ResultWriterDetails: details } });
    const aggregated = await evaluate(def.States.Aggregates.Output, { input: mapped, result: [] });
    const closing = await evaluate(def.States.CloseAssessment.Arguments.Payload, { input: aggregated });
    expect(closing).toMatchObject({ action: 'close', period: '2025-Q1', runId: 'run-1', branches: ['B1', 'B2'], regions: ['R1'], lateQuarters: [], mapResults: details, aggregateResults: [] });
    expect(closing).not.toHaveProperty('aggregates');
  });

  it('logs everything and traces', () => {
    const { sm } = definition();
    expect(sm.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    expect(sm.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('is started by quarterly and annual crons in Asia/Jakarta with the scheduled time as input', () => {
    const smRef = { Ref: logicalId(s.stack, s.stack.assessment.stateMachine) };
    const dlq = { 'Fn::GetAtt': [logicalId(s.stack, s.stack.assessment.schedulerDlq), 'Arn'] };
    const cron = (c: { minute: string; hour: string; day: string; month: string }) => `cron(${c.minute} ${c.hour} ${c.day} ${c.month} ? *)`;
    for (const [cadence, c] of [['quarterly', ASSESSMENT.quarterlyCron], ['annual', ASSESSMENT.annualCron]] as const) {
      s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: cron(c),
        ScheduleExpressionTimezone: 'Asia/Jakarta',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: smRef,
          Input: JSON.stringify({ cadence, scheduledTime: '<aws.scheduler.scheduled-time>' }),
          DeadLetterConfig: { Arn: dlq },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        },
      });
    }
    expect(ASSESSMENT.quarterlyCron.month).toBe('1,4,7,10');
    expect(resourcesOf(s.json, 'AWS::Scheduler::Schedule')).toHaveLength(2);
  });
});

describe('topics and alarms', () => {
  it('encrypts the three topics (alerts, watches, ops) with customer-managed keys and refuses non-TLS publishers', () => {
    const topics = resourcesOf(s.json, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(3);
    for (const [, t] of topics) expect(t.Properties!.KmsMasterKeyId).toBeDefined();
    for (const topic of [s.stack.alertTopic, s.stack.watchTopic]) {
      expect(s.json.Resources[logicalId(s.stack, topic)]!.Properties!.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(s.stack, s.stack.data.dataKey), 'Arn'] });
    }
    for (const [, p] of resourcesOf(s.json, 'AWS::SNS::TopicPolicy')) {
      expect(p.Properties!.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]));
    }
  });

  it('lets CloudWatch publish to the ops topic and use its key', () => {
    const topic = { Ref: logicalId(s.stack, s.stack.alarms.topic) };
    const policy = resourcesOf(s.json, 'AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties!.Topics) === JSON.stringify([topic]))![1];
    expect(policy.Properties!.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' })]),
    );
    const keyId = s.json.Resources[logicalId(s.stack, s.stack.alarms.topic)]!.Properties!.KmsMasterKeyId['Fn::GetAtt'][0];
    expect(s.json.Resources[keyId]!.Properties!.KeyPolicy.Statement).toEqual(
      expect.arrayContaining([expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })]),
    );
  });

  it('alarms on errors and throttles of every function, DLQ depth, failed runs and table throttles, into the ops topic', () => {
    const alarms = resourcesOf(s.json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    const ops = { Ref: logicalId(s.stack, s.stack.alarms.topic) };
    for (const a of alarms) expect(a.AlarmActions).toEqual([ops]);
    const byMetric = (name: string, dim?: unknown) => alarms.filter((a) => a.MetricName === name && (dim === undefined || JSON.stringify(a.Dimensions).includes(JSON.stringify(dim))));
    for (const h of HANDLER_NAMES) {
      expect(byMetric('Errors', { Ref: fnId(h) }), h).toHaveLength(1);
      expect(byMetric('Throttles', { Ref: fnId(h) }), h).toHaveLength(1);
    }
    const dlqs = [s.stack.routes.queues.ingest!.dlq, s.stack.assessment.schedulerDlq];
    for (const q of dlqs) expect(byMetric('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [logicalId(s.stack, q), 'QueueName'] })).toHaveLength(1);
    expect(byMetric('ExecutionsFailed')).toHaveLength(1);
    expect(byMetric('ExecutionsTimedOut')).toHaveLength(1);
    expect(alarms.some((a) => JSON.stringify(a.Metrics ?? []).includes('WriteThrottleEvents'))).toBe(true);
  });
});

describe('dashboard: site, sign-in, API', () => {
  it('serves the site from a private bucket through CloudFront with OAC, HTTPS and access logs', () => {
    s.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Bucket: Match.anyValue(), Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('requires MFA, has no self sign-up, and the two groups of AUTH', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([Match.objectLike({ Name: AUTH.branchAttribute, AttributeDataType: 'String', Mutable: true })]),
    });
    const groups = resourcesOf(s.json, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties!.GroupName).sort();
    expect(groups).toEqual(Object.values(AUTH.groups).sort());
  });

  it("lets users read but never write their branch claim", () => {
    const c = resourcesOf(s.json, 'AWS::Cognito::UserPoolClient')[0]![1].Properties!;
    expect(c.ReadAttributes).toContain(AUTH.branchClaim);
    expect(c.WriteAttributes).toBeDefined();
    expect(c.WriteAttributes).not.toContain(AUTH.branchClaim);
    expect(c.GenerateSecret).toBe(false);
  });

  it('puts a Cognito JWT authorizer on every route', () => {
    const pool = logicalId(s.stack, s.stack.dashboard.userPool);
    const client = logicalId(s.stack, s.stack.dashboard.userPoolClient);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: client }],
        Issuer: { 'Fn::Join': ['', [Match.stringLikeRegexp('^https://cognito-idp\\.'), { Ref: pool }]] },
      },
    });
    const routes = resourcesOf(s.json, 'AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [, r] of routes) expect(r.Properties!.AuthorizationType).toBe('JWT');
  });

  it('allows browsers GET only (the API is read-only; API Gateway answers the preflight)', () => {
    const cors = resourcesOf(s.json, 'AWS::ApiGatewayV2::Api')[0]![1].Properties!.CorsConfiguration;
    expect(cors.AllowMethods).toEqual(['GET']);
  });

  it('logs API access in JSON with the caller and allows CORS only from the site', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.authorizer\\.claims\\.sub') },
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
    const api = resourcesOf(s.json, 'AWS::ApiGatewayV2::Api')[0]![1].Properties!;
    expect(api.CorsConfiguration.AllowOrigins).toHaveLength(1);
    expect(flat(api.CorsConfiguration.AllowOrigins[0])).toMatch(/^https:\/\/<.*DomainName>$/);
  });
});

describe('outputs', () => {
  it('names what deploying and operating need, without construct hashes', () => {
    const names = Object.keys(s.json.Outputs ?? {});
    for (const n of ['RawDropsBucketName', 'CuratedBucketName', 'TableName', 'StateMachineArn', 'AlertTopicArn', 'WatchTopicArn', 'OpsTopicArn', 'BranchUploaderPolicyArn', 'HeadOfficeUploaderPolicyArn', 'DataStewardPolicyArn', 'AnalystPolicyArn', 'ForgetFunctionName', 'PseudonymKeySecretArn', 'IngestDlqArn', 'SiteUrl', 'SiteBucketName', 'DistributionId', 'ApiUrl', 'UserPoolId', 'UserPoolClientId', 'HostedUiUrl']) {
      expect(names, n).toContain(n);
    }
  });
});

/** IAM's matching of a resource pattern with `*` and `?` (policy variables substituted before). */
const arnMatches = (pattern: string, arn: string) =>
  new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`).test(arn);

describe('uploaders: each office into its own folder, head office into its own', () => {
  const raw = () => `<${bucketId('raw')}.Arn>`;
  const keyArn = () => `<${logicalId(s.stack, s.stack.data.dataKey)}.Arn>`;
  const doc = (p: { node: { defaultChild?: unknown } }) =>
    (s.json.Resources[logicalId(s.stack, p)]!.Properties!.PolicyDocument.Statement as any[]).map((x) => ({
      effect: x.Effect as string, actions: ([] as string[]).concat(x.Action).sort(), resources: ([] as unknown[]).concat(x.Resource).map(flat), condition: x.Condition,
    }));
  const tagVar = `\${aws:PrincipalTag/${RAW_LAYOUT.branchTag}}`;
  const kmsStatement = () => ({
    effect: 'Allow', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [keyArn()],
    condition: { StringEquals: { 'kms:ViaService': `s3.${s.stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': { 'Fn::GetAtt': [bucketId('raw'), 'Arn'] } } },
  });

  it("lets a branch principal put only under drops/branch=<its satmon-branch tag>/, and nothing without the tag", () => {
    expect(doc(s.stack.uploaders.branchPolicy)).toEqual([
      { effect: 'Allow', actions: ['s3:AbortMultipartUpload', 's3:PutObject'], resources: [`${raw()}/drops/branch=${tagVar}/*`], condition: { Null: { [`aws:PrincipalTag/${RAW_LAYOUT.branchTag}`]: 'false' } } },
      { effect: 'Deny', actions: ['s3:AbortMultipartUpload', 's3:PutObject'], resources: [`${raw()}/*`], condition: { Null: { [`aws:PrincipalTag/${RAW_LAYOUT.branchTag}`]: 'true' } } },
      kmsStatement(),
    ]);
    expect(`drops/branch=${tagVar}/`).toBe(RAW_LAYOUT.branchPrefix(tagVar));
  });

  it('lets head office put only under drops/head-office/', () => {
    expect(doc(s.stack.uploaders.headOfficePolicy)).toEqual([
      { effect: 'Allow', actions: ['s3:AbortMultipartUpload', 's3:PutObject'], resources: [`${raw()}/${RAW_LAYOUT.headOfficePrefix}*`], condition: undefined },
      kmsStatement(),
    ]);
  });

  it('evaluated like IAM: an office reaches its own folder only, and ingest reads the same branch from every key it may write', () => {
    // The branch policy's allow pattern with the principal's tag substituted, as IAM does with policy variables.
    const [allow] = doc(s.stack.uploaders.branchPolicy);
    const may = (tag: string | undefined, key: string) => tag !== undefined && arnMatches(allow!.resources[0]!.replace(tagVar, tag), `${raw()}/${key}`);
    const headOffice = doc(s.stack.uploaders.headOfficePolicy)[0]!;
    const headMay = (key: string) => arnMatches(headOffice.resources[0]!, `${raw()}/${key}`);
    const cases: [string, boolean][] = [
      ['drops/branch=BR07/2025-Q1.csv', true],
      ['drops/branch=BR07/sub/dir/x.csv', true],
      ['drops/branch=BR07/../branch=BR08/x.csv', true], // S3 keys are flat: still BR07's folder
      ['drops/branch=BR08/2025-Q1.csv', false],
      ['drops/branch=BR070/2025-Q1.csv', false],
      ['drops/branch=br07/2025-Q1.csv', false],
      ['drops/head-office/all.csv', false],
      ['drops/BR07.csv', false],
      ['config/branches.json', false],
    ];
    for (const [key, ok] of cases) {
      expect(may('BR07', key), key).toBe(ok);
      if (ok) expect(uploaderOf(key), key).toEqual({ kind: 'branch', branch: 'BR07' });
    }
    expect(may(undefined, 'drops/branch=BR07/x.csv')).toBe(false);
    expect(headMay('drops/head-office/all.csv')).toBe(true);
    expect(uploaderOf('drops/head-office/all.csv')).toEqual({ kind: 'head-office' });
    for (const key of ['drops/branch=BR07/x.csv', 'drops/x.csv', 'drops/head-office-2/x.csv']) expect(headMay(key), key).toBe(false);
  });

  it('puts both folders under the prefix the ingest route watches', () => {
    const routed = EVENT_ROUTES.filter((r) => r.bucket === 'raw' && r.handler === 'ingest').map((r) => r.prefix as string);
    for (const p of [RAW_LAYOUT.branchPrefix('BR07'), RAW_LAYOUT.headOfficePrefix]) expect(routed.some((r) => p.startsWith(r)), p).toBe(true);
  });

  it('outputs both policy ARNs', () => {
    expect(s.json.Outputs!.BranchUploaderPolicyArn!.Value).toEqual({ Ref: logicalId(s.stack, s.stack.uploaders.branchPolicy) });
    expect(s.json.Outputs!.HeadOfficeUploaderPolicyArn!.Value).toEqual({ Ref: logicalId(s.stack, s.stack.uploaders.headOfficePolicy) });
    expect(s.json.Outputs!.DropUploaderPolicyArn).toBeUndefined();
  });
});

describe('KMS: the data key is administered by the account and used only through services', () => {
  const keyId = () => logicalId(s.stack, s.stack.data.dataKey);
  const keyPolicy = (id: string) => s.json.Resources[id]!.Properties!.KeyPolicy.Statement as any[];
  const root = { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] };
  const CRYPTO = /^kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey|GenerateMac|Sign|Verify|DeriveSharedSecret)/;
  const via = (svc: string) => `${svc}.${s.stack.region}.amazonaws.com`;
  const allKmsStatements = () =>
    [...resourcesOf(s.json, 'AWS::IAM::Policy'), ...resourcesOf(s.json, 'AWS::IAM::ManagedPolicy')].flatMap(([id, p]) =>
      (p.Properties!.PolicyDocument.Statement as any[]).filter((x) => x.Effect === 'Allow' && ([] as string[]).concat(x.Action).some((a) => a.startsWith('kms:'))).map((x) => ({ id, st: x })));

  it('gives the account administration but no cryptographic use of either key', () => {
    for (const [id] of resourcesOf(s.json, 'AWS::KMS::Key')) {
      const admin = keyPolicy(id).filter((x) => JSON.stringify(x.Principal) === JSON.stringify({ AWS: root }) && !x.Condition);
      expect(admin, id).toHaveLength(1);
      const actions = ([] as string[]).concat(admin[0].Action);
      for (const a of actions) expect(CRYPTO.test(a), `${id}: ${a}`).toBe(false);
      expect(actions).toEqual(expect.arrayContaining(['kms:Put*', 'kms:ScheduleKeyDeletion', 'kms:Enable*', 'kms:Disable*']));
    }
  });

  it('allows every cryptographic use of the data key only through a service (or to CloudWatch Logs for this stack)', () => {
    for (const st of keyPolicy(keyId())) {
      const actions = ([] as string[]).concat(st.Action);
      if (!actions.some((a) => CRYPTO.test(a))) continue;
      if (st.Principal.Service) {
        expect(st.Principal.Service).toBe(`logs.${s.stack.region}.amazonaws.com`);
        expect(Object.keys(st.Condition.ArnLike)).toEqual(['kms:EncryptionContext:aws:logs:arn']);
      } else {
        expect(st.Condition?.StringEquals?.['kms:ViaService'], JSON.stringify(st)).toMatch(/^(s3|dynamodb|sns|secretsmanager)\./);
      }
    }
  });

  it('names the roles that use it through DynamoDB, SNS and Secrets Manager; S3 use is left to IAM grants that name the bucket', () => {
    const principalsVia = (svc: string) =>
      new Set(keyPolicy(keyId()).filter((x) => x.Condition?.StringEquals?.['kms:ViaService'] === via(svc)).flatMap((x) => ([] as unknown[]).concat(x.Principal.AWS).map(flat)));
    const role = (h: HandlerName) => `<${roleId(h)}.Arn>`;
    expect(principalsVia('dynamodb')).toEqual(new Set(HANDLER_NAMES.map(role)));
    expect(principalsVia('sns')).toEqual(new Set([role('assess')]));
    // Secrets Manager: the two readers of the keyring, and the account (CDK's Secret: CloudFormation creates the
    // secret under it, an administrator adds keys with it; IAM names the secret: privacy-access.test.ts).
    expect(principalsVia('secretsmanager')).toEqual(new Set([role('ingest'), role('forget'), flat(root)]));
    expect(principalsVia('s3')).toEqual(new Set([flat(root)]));
    // ...and that S3 statement is the whole delegation: through S3 only, read and write of objects only.
    const s3 = keyPolicy(keyId()).filter((x) => x.Condition?.StringEquals?.['kms:ViaService'] === via('s3'));
    expect(s3).toHaveLength(1);
    expect([].concat(s3[0].Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(s3[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': via('s3') } });
  });

  it('conditions every IAM grant of a key on kms:ViaService, and S3 grants on the bucket ARN (S3 Bucket Keys on)', () => {
    const grants = allKmsStatements();
    expect(grants.length).toBeGreaterThan(0);
    const bucketArns = new Map(Object.keys(BUCKETS).map((k) => [JSON.stringify({ 'Fn::GetAtt': [bucketId(k as BucketKey), 'Arn'] }), k as BucketKey]));
    for (const { id, st } of grants) {
      const v = st.Condition?.StringEquals?.['kms:ViaService'];
      expect(v, id).toMatch(/^(s3|dynamodb|sns|secretsmanager)\./);
      if (v === via('secretsmanager')) {
        expect(st.Condition.StringEquals['kms:EncryptionContext:SecretARN'], id).toEqual({ Ref: logicalId(s.stack, s.stack.pseudonymKey) });
      }
      if (v === via('s3')) {
        // One bucket ARN, or several (the data steward reads both buckets).
        for (const ctx of ([] as unknown[]).concat(st.Condition.StringEquals['kms:EncryptionContext:aws:s3:arn'])) {
          const bucket = bucketArns.get(JSON.stringify(ctx));
          expect(bucket, `${id}: ${JSON.stringify(ctx)}`).toBeDefined();
          // The context is the bucket ARN only because the bucket uses an S3 Bucket Key.
          expect(s.json.Resources[bucketId(bucket!)]!.Properties!.BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnabled).toBe(true);
        }
      }
    }
    // The uploaders' grants are for the raw bucket; no handler but ingest touches raw objects.
    for (const p of [s.stack.uploaders.branchPolicy, s.stack.uploaders.headOfficePolicy]) {
      const mine = grants.filter((g) => g.id === logicalId(s.stack, p));
      expect(mine.map((g) => g.st.Condition.StringEquals['kms:EncryptionContext:aws:s3:arn'])).toEqual([{ 'Fn::GetAtt': [bucketId('raw'), 'Arn'] }]);
    }
  });
});

describe('log groups', () => {
  it('are all encrypted with the data key, and named where the key policy admits CloudWatch Logs', () => {
    const keyArn = { 'Fn::GetAtt': [logicalId(s.stack, s.stack.data.dataKey), 'Arn'] };
    const logsSt = (s.json.Resources[logicalId(s.stack, s.stack.data.dataKey)]!.Properties!.KeyPolicy.Statement as any[]).find((x) => x.Principal?.Service);
    expect(logsSt.Principal.Service).toBe(`logs.${s.stack.region}.amazonaws.com`);
    const patterns = (logsSt.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'] as unknown[]).map(flat);
    const groups = resourcesOf(s.json, 'AWS::Logs::LogGroup');
    // Function logs (one per handler), state machine, API access, site deployment.
    expect(groups).toHaveLength(HANDLER_NAMES.length + 3);
    for (const [id, g] of groups) {
      expect(g.Properties!.KmsKeyId, id).toEqual(keyArn);
      const arn = `arn:aws:logs:${s.stack.region}:<AWS::AccountId>:log-group:${g.Properties!.LogGroupName}`;
      expect(patterns.some((p) => arnMatches(p, arn)), `${id} ${arn}`).toBe(true);
    }
    // ...and no log group of another stack.
    expect(patterns.some((p) => arnMatches(p, `arn:aws:logs:${s.stack.region}:<AWS::AccountId>:log-group:/satmon/Other/lambda/x`))).toBe(false);
    expect(patterns.some((p) => arnMatches(p, `arn:aws:logs:${s.stack.region}:<AWS::AccountId>:log-group:/aws/lambda/anything`))).toBe(false);
  });

  it('hold every log the stack writes: functions, state machine, API access, site deployment', () => {
    const ref = (lg: { node: { defaultChild?: unknown } }) => logicalId(s.stack, lg);
    for (const h of HANDLER_NAMES) expect(s.json.Resources[fnId(h)]!.Properties!.LoggingConfig.LogGroup).toEqual({ Ref: ref(s.stack.functions[h].logGroup) });
    // Every function, the site deployer's included: one without LoggingConfig would get an unencrypted /aws/lambda/ group.
    const groups = new Set(resourcesOf(s.json, 'AWS::Logs::LogGroup').map(([id]) => id));
    for (const [id, f] of resourcesOf(s.json, 'AWS::Lambda::Function')) expect(groups.has(f.Properties!.LoggingConfig?.LogGroup?.Ref), id).toBe(true);
    const sm = s.json.Resources[logicalId(s.stack, s.stack.assessment.stateMachine)]!.Properties!;
    const smGroup = flat(sm.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn);
    expect(resourcesOf(s.json, 'AWS::Logs::LogGroup').some(([id]) => smGroup === `<${id}.Arn>`)).toBe(true);
    const stage = resourcesOf(s.json, 'AWS::ApiGatewayV2::Stage')[0]![1].Properties!;
    expect(resourcesOf(s.json, 'AWS::Logs::LogGroup').some(([id]) => flat(stage.AccessLogSettings.DestinationArn) === `<${id}.Arn>`)).toBe(true);
  });
});
