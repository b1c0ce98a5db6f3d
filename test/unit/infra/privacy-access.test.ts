// Participants' personal data in the AWS stack (README "Personal data", docs/ACCESS.md): the pseudonym keyring and
// who may read it, the forget function's grants, the people's managed policies (data steward, analyst), and the
// retention settings as lifecycle rules and log retention. One synth with the defaults, one with other settings.
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, declarations, loadGroup } from '../../../shared/config';
import { EVENT_ROUTES, HANDLERS, type BucketKey, type HandlerName } from '../../../shared/layout/resources';
import { FUNCTIONS, LOCALE, RETENTION, retentionEnv, retentionFrom } from '../../../infra/config';
import { ANALYST_PREFIXES } from '../../../infra/constructs/access';
import { CURATED, RAW_DROPS } from '../../../infra/constructs/prefixes';
import { FIRST_KEY_ID, KEY_LENGTH, PSEUDONYM_KEY_SECRET_ENV } from '../../../infra/constructs/pseudonym-key';
import { listAcknowledgements } from '../../../infra/nag';
import { flat, logicalId, resourcesOf, statementsOfRole, synth, type CfnTemplate, type Synth } from './synth';

let s: Synth;
beforeAll(() => {
  s = synth();
});

const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];
const id = (c: { node: { defaultChild?: unknown } }) => logicalId(s.stack, c);
const bucketArn = (k: BucketKey) => `<${id(s.stack.data.buckets[k])}.Arn>`;
const roleId = (h: HandlerName) => id(s.stack.functions[h].role);
const fnArn = (h: HandlerName) => `<${id(s.stack.functions[h].fn)}.Arn>`;
const secretRef = () => `<${id(s.stack.pseudonymKey)}>`;
const keyArn = () => `<${id(s.stack.data.dataKey)}.Arn>`;
const via = (svc: string) => `${svc}.${s.stack.region}.amazonaws.com`;

interface Stmt { sid?: string; effect: 'Allow' | 'Deny'; actions: string[]; resources: string[]; condition?: Record<string, any> }

/** Every statement of a managed policy, flattened like cdk-nag renders references. */
function managedStatements(t: CfnTemplate, policyId: string): Stmt[] {
  return (t.Resources[policyId]!.Properties!.PolicyDocument.Statement as any[]).map((x) => ({
    sid: x.Sid, effect: x.Effect, actions: ([] as string[]).concat(x.Action), resources: ([] as unknown[]).concat(x.Resource).map(flat), condition: x.Condition,
  }));
}

/** IAM's matching of a pattern with `*` and `?` (actions and resources alike). */
const matches = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`).test(value);

/**
 * What one policy decides for (action, resource), like IAM without conditions: an explicit Deny wins, else an Allow
 * allows, else the implicit deny. (Only the KMS statements carry conditions here; they are checked on their own.)
 */
function decide(st: Stmt[], action: string, resource: string): 'allow' | 'deny' | 'implicit' {
  const hit = (x: Stmt) => x.actions.some((a) => matches(a, action)) && x.resources.some((r) => matches(r, resource));
  if (st.some((x) => x.effect === 'Deny' && hit(x))) return 'deny';
  return st.some((x) => x.effect === 'Allow' && hit(x)) ? 'allow' : 'implicit';
}

describe('pseudonym keyring (Secrets Manager)', () => {
  it('is one secret, encrypted with the data key, generated as {"current":"k1","k1":<64 letters and digits>} and kept on delete', () => {
    const secrets = resourcesOf(s.json, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const [secretId, secret] = secrets[0]!;
    expect(secretId).toBe(id(s.stack.pseudonymKey));
    expect(secretId).toMatch(/^PseudonymKey/);
    expect(secret.Properties!.KmsKeyId).toEqual({ 'Fn::GetAtt': [id(s.stack.data.dataKey), 'Arn'] });
    expect(secret.Properties!.GenerateSecretString).toEqual({
      SecretStringTemplate: JSON.stringify({ current: FIRST_KEY_ID }),
      GenerateStringKey: FIRST_KEY_ID,
      PasswordLength: KEY_LENGTH,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    expect(KEY_LENGTH).toBe(64);
    expect(s.json.Resources[secretId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('is not rotated automatically, and says why (cdk-nag AwsSolutions-SMG4)', () => {
    expect(resourcesOf(s.json, 'AWS::SecretsManager::RotationSchedule')).toEqual([]);
    const acks = listAcknowledgements(s.app).filter((a) => a.id === 'AwsSolutions-SMG4');
    expect(acks).toHaveLength(1);
    expect(acks[0]!.path).toBe(s.stack.pseudonymKey.node.path);
    expect(acks[0]!.reason).toMatch(/manual/);
    expect(acks[0]!.reason).toMatch(/comparable/);
  });

  it('reaches ingest and forget, and only them, in the variable shared/config.ts declares', () => {
    expect(declarations().some((d) => d.group === 'privacy' && d.name === PSEUDONYM_KEY_SECRET_ENV)).toBe(true);
    for (const h of HANDLER_NAMES) {
      const env = s.json.Resources[id(s.stack.functions[h].fn)]!.Properties!.Environment.Variables;
      if (h === 'ingest' || h === 'forget') expect(env[PSEUDONYM_KEY_SECRET_ENV], h).toEqual({ Ref: id(s.stack.pseudonymKey) });
      else expect(env[PSEUDONYM_KEY_SECRET_ENV], h).toBeUndefined();
    }
  });

  it('gives every function the deployment\'s language (SATMON_LOCALE at synth, default id)', () => {
    for (const h of HANDLER_NAMES) {
      const env = s.json.Resources[id(s.stack.functions[h].fn)]!.Properties!.Environment.Variables as Record<string, string>;
      expect(env['SATMON_LOCALE'], h).toBe(LOCALE);
    }
    expect(LOCALE).toBe(process.env.SATMON_LOCALE || 'id');
  });

  it('goes with this synth\'s retention to the same two functions, which write the table expiries', () => {
    for (const h of HANDLER_NAMES) {
      const env = s.json.Resources[id(s.stack.functions[h].fn)]!.Properties!.Environment.Variables as Record<string, string>;
      if (h === 'ingest' || h === 'forget') {
        expect(env, h).toMatchObject(retentionEnv(RETENTION));
        expect(loadGroup('retention', env), h).toEqual({ rawDays: RETENTION.rawDropsDays, curatedDays: RETENTION.curatedDays, resultsDays: RETENTION.resultsDays, logDays: RETENTION.logDays });
      } else {
        expect(Object.keys(env).filter((k) => k.startsWith('SATMON_RETENTION_')), h).toEqual([]);
      }
    }
    // every variable of the group, so a new one cannot be forgotten here
    expect(Object.keys(retentionEnv(RETENTION)).sort()).toEqual(declarations().filter((d) => d.group === 'retention').map((d) => d.name).sort());
  });

  it('may be read (GetSecretValue on exactly its ARN) by the ingest and forget roles only', () => {
    const readers: string[] = [];
    for (const [pid, p] of [...resourcesOf(s.json, 'AWS::IAM::Policy'), ...resourcesOf(s.json, 'AWS::IAM::ManagedPolicy')]) {
      for (const x of p.Properties!.PolicyDocument.Statement as any[]) {
        const actions = ([] as string[]).concat(x.Action);
        if (x.Effect !== 'Allow' || !actions.some((a) => a.startsWith('secretsmanager:'))) continue;
        expect(actions, pid).toEqual(['secretsmanager:GetSecretValue']);
        expect(([] as unknown[]).concat(x.Resource).map(flat), pid).toEqual([secretRef()]);
        readers.push(...(p.Properties!.Roles ?? []).map(flat));
      }
    }
    expect(readers.sort()).toEqual([`<${roleId('forget')}>`, `<${roleId('ingest')}>`].sort());
  });

  it('decrypts for its readers only through Secrets Manager and only for that secret', () => {
    for (const h of HANDLER_NAMES) {
      const kms = statementsOfRole(s.json, roleId(h)).filter((x) => x.condition?.StringEquals?.['kms:ViaService'] === via('secretsmanager'));
      if (h !== 'ingest' && h !== 'forget') {
        expect(kms, h).toEqual([]);
        continue;
      }
      expect(kms, h).toEqual([{
        actions: ['kms:Decrypt'], resources: [keyArn()],
        condition: { StringEquals: { 'kms:ViaService': via('secretsmanager'), 'kms:EncryptionContext:SecretARN': { Ref: id(s.stack.pseudonymKey) } } },
      }]);
    }
  });
});

describe('forget function', () => {
  it('is sized and described from infra/config.ts', () => {
    const p = s.json.Resources[id(s.stack.functions.forget.fn)]!.Properties!;
    expect(p).toMatchObject({ MemorySize: 1024, Timeout: 900, Description: FUNCTIONS.forget.description });
    expect(FUNCTIONS.forget.description).toBe('Erases one participant on request: curated rows, rejects and the duplicate index; marks the units for recompute');
  });

  it('is started by nothing in the stack: no event route, no queue, no state machine, no schedule', () => {
    expect(EVENT_ROUTES.some((r) => (r.handler as string) === 'forget')).toBe(false);
    expect(s.stack.routes.queues.forget).toBeUndefined();
    const ref = { Ref: id(s.stack.functions.forget.fn) };
    for (const [, m] of resourcesOf(s.json, 'AWS::Lambda::EventSourceMapping')) expect(m.Properties!.FunctionName).not.toEqual(ref);
    expect(resourcesOf(s.json, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties!.FunctionName).includes(id(s.stack.functions.forget.fn)))).toEqual([]);
    // Who may invoke it: the data steward policy, nothing else of the stack.
    for (const [pid, p] of [...resourcesOf(s.json, 'AWS::IAM::Policy'), ...resourcesOf(s.json, 'AWS::IAM::ManagedPolicy')]) {
      const invokes = (p.Properties!.PolicyDocument.Statement as any[]).filter((x) => x.Effect === 'Allow' && JSON.stringify(x.Resource).includes(id(s.stack.functions.forget.fn)));
      if (pid === id(s.stack.access.dataStewardPolicy)) expect(invokes).toHaveLength(1);
      else expect(invokes, pid).toEqual([]);
    }
  });

  it('cannot touch the raw bucket, and deletes nothing (it overwrites)', () => {
    const st = statementsOfRole(s.json, roleId('forget'));
    expect(st.length).toBeGreaterThan(0);
    for (const x of st) {
      for (const r of x.resources) expect(r.startsWith(bucketArn('raw')), r).toBe(false);
      expect(JSON.stringify(x.condition ?? {})).not.toContain(id(s.stack.data.buckets.raw));
    }
    const actions = st.flatMap((x) => x.actions);
    expect(actions).not.toContain('s3:DeleteObject');
    expect(actions).not.toContain('s3:DeleteObjectVersion');
    expect(actions).not.toContain('s3:GetObjectVersion');
  });

  it('rewrites clean parts and rejects, reads manifests and configuration, and writes the table', () => {
    const st = statementsOfRole(s.json, roleId('forget'));
    const on = (action: string) => new Set(st.filter((x) => x.actions.includes(action)).flatMap((x) => x.resources));
    const cur = (p: string) => `${bucketArn('curated')}/${p}*`;
    expect(on('s3:GetObject')).toEqual(new Set([CURATED.clean, CURATED.rejects, CURATED.manifests, CURATED.config].map(cur)));
    expect(on('s3:PutObject')).toEqual(new Set([CURATED.clean, CURATED.rejects].map(cur)));
    const tableArn = `<${id(s.stack.data.table)}.Arn>`;
    expect(on('dynamodb:DeleteItem').has(tableArn)).toBe(true);
    expect(on('dynamodb:Query').has(tableArn)).toBe(true);
    expect(on('dynamodb:Scan').size).toBe(0);
  });

  it('has its error and throttle alarms like every function', () => {
    const alarms = resourcesOf(s.json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    const mine = alarms.filter((a) => JSON.stringify(a.Dimensions ?? []).includes(JSON.stringify({ Ref: id(s.stack.functions.forget.fn) })));
    expect(mine.map((a) => a.MetricName).sort()).toEqual(['Errors', 'Throttles']);
  });
});

describe('people: managed policies for head office (docs/ACCESS.md)', () => {
  const steward = () => managedStatements(s.json, id(s.stack.access.dataStewardPolicy));
  const analyst = () => managedStatements(s.json, id(s.stack.access.analystPolicy));
  const rawObj = (key: string) => `${bucketArn('raw')}/${key}`;
  const curObj = (key: string) => `${bucketArn('curated')}/${key}`;
  const DROP = 'drops/branch=BR07/2025-Q1.csv';
  const CURATED_SAMPLES = {
    clean: 'clean/period=2025-Q1/branch=BR07/drop=0123456789abcdef.csv',
    rejects: 'rejects/drop=0123456789abcdef.csv',
    manifests: 'manifests/drop=0123456789abcdef.json',
    results: 'results/period=2025-Q1/BR07.json',
    config: 'config/branches.json',
  };

  it('are exactly four in the stack: two uploaders, data steward, analyst; none is attached to anything', () => {
    const ids = resourcesOf(s.json, 'AWS::IAM::ManagedPolicy').map(([pid]) => pid).sort();
    expect(ids).toEqual([s.stack.uploaders.branchPolicy, s.stack.uploaders.headOfficePolicy, s.stack.access.dataStewardPolicy, s.stack.access.analystPolicy].map(id).sort());
    for (const [, p] of resourcesOf(s.json, 'AWS::IAM::ManagedPolicy')) {
      expect(p.Properties!.Roles ?? p.Properties!.Users ?? p.Properties!.Groups).toBeUndefined();
    }
    expect(s.json.Outputs!.DataStewardPolicyArn!.Value).toEqual({ Ref: id(s.stack.access.dataStewardPolicy) });
    expect(s.json.Outputs!.AnalystPolicyArn!.Value).toEqual({ Ref: id(s.stack.access.analystPolicy) });
    expect(s.json.Outputs!.ForgetFunctionName!.Value).toEqual({ Ref: id(s.stack.functions.forget.fn) });
    expect(s.json.Outputs!.PseudonymKeySecretArn!.Value).toEqual({ Ref: id(s.stack.pseudonymKey) });
  });

  it('data steward: reads raw drops with their versions and all curated data; may write and delete nothing', () => {
    const st = steward();
    expect(decide(st, 's3:GetObject', rawObj(DROP))).toBe('allow');
    expect(decide(st, 's3:GetObjectVersion', rawObj(DROP))).toBe('allow');
    expect(decide(st, 's3:ListBucketVersions', bucketArn('raw'))).toBe('allow');
    for (const key of Object.values(CURATED_SAMPLES)) expect(decide(st, 's3:GetObject', curObj(key)), key).toBe('allow');
    expect(decide(st, 's3:GetObject', rawObj('elsewhere/x.csv'))).toBe('implicit');
    for (const obj of [rawObj(DROP), curObj(CURATED_SAMPLES.clean)]) expect(decide(st, 's3:PutObject', obj), obj).toBe('implicit');
    // Curated data are erased through forget only (explicitly); a raw drop is not the steward's to delete either
    // (not granted; an administrator's act on a court order, README "Personal data").
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion']) {
      expect(decide(st, action, curObj(CURATED_SAMPLES.clean)), action).toBe('deny');
      expect(decide(st, action, rawObj(DROP)), action).toBe('implicit');
    }
    // Every allowed action reads, lists, decrypts or invokes forget.
    const allowed = st.filter((x) => x.effect === 'Allow').flatMap((x) => x.actions);
    expect(new Set(allowed)).toEqual(new Set(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions', 'lambda:InvokeFunction', 'states:StartExecution', 'kms:Decrypt']));
  });

  it('data steward: starts the assessment state machine (the reassessments an erasure lists), nothing else of Step Functions', () => {
    const st = steward();
    const sm = `<${id(s.stack.assessment.stateMachine)}>`;
    expect(decide(st, 'states:StartExecution', sm)).toBe('allow');
    expect(decide(st, 'states:StopExecution', sm)).toBe('implicit');
    expect(decide(analyst(), 'states:StartExecution', sm)).toBe('implicit');
  });

  it('data steward: invokes forget and no other function', () => {
    const st = steward();
    expect(decide(st, 'lambda:InvokeFunction', fnArn('forget'))).toBe('allow');
    for (const h of HANDLER_NAMES.filter((x) => x !== 'forget')) expect(decide(st, 'lambda:InvokeFunction', fnArn(h)), h).toBe('implicit');
    expect(st.filter((x) => x.actions.some((a) => a.startsWith('lambda:')))).toEqual([
      { sid: 'InvokeForget', effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [fnArn('forget')], condition: undefined },
    ]);
  });

  it('analyst: reads pseudonymous rows, masked rejects, manifests, results and configuration; nothing of the raw bucket', () => {
    const st = analyst();
    for (const key of Object.values(CURATED_SAMPLES)) expect(decide(st, 's3:GetObject', curObj(key)), key).toBe('allow');
    expect(decide(st, 's3:GetObject', curObj('assessments/items/period=2025-Q1/run.json'))).toBe('implicit');
    expect(new Set(st.filter((x) => x.actions.includes('s3:GetObject')).flatMap((x) => x.resources))).toEqual(new Set(ANALYST_PREFIXES.map((p) => curObj(`${p}*`))));
    for (const action of ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject']) expect(decide(st, action, rawObj(DROP)), action).toBe('deny');
    for (const action of ['s3:ListBucket', 's3:ListBucketVersions']) expect(decide(st, action, bucketArn('raw')), action).toBe('deny');
    expect(decide(st, 's3:PutObject', curObj(CURATED_SAMPLES.clean))).toBe('implicit');
  });

  it('analyst: may not read the keyring nor invoke forget (explicit denies)', () => {
    const st = analyst();
    expect(decide(st, 'secretsmanager:GetSecretValue', secretRef())).toBe('deny');
    expect(decide(st, 'lambda:InvokeFunction', fnArn('forget'))).toBe('deny');
    expect(decide(st, 'lambda:InvokeFunction', `${fnArn('forget')}:$LATEST`)).toBe('deny');
    // The steward does not need the keyring either.
    expect(decide(steward(), 'secretsmanager:GetSecretValue', secretRef())).toBe('deny');
  });

  it('use the data key only to read through S3: the steward for both buckets, the analyst for the curated one', () => {
    const kms = (st: Stmt[]) => st.filter((x) => x.actions.some((a) => a.startsWith('kms:')));
    const ctx = (...ks: BucketKey[]) => (ks.length === 1 ? { 'Fn::GetAtt': [id(s.stack.data.buckets[ks[0]!]), 'Arn'] } : ks.map((k) => ({ 'Fn::GetAtt': [id(s.stack.data.buckets[k]), 'Arn'] })));
    expect(kms(steward())).toEqual([{
      sid: 'DataKeyThroughS3ForDataBuckets', effect: 'Allow', actions: ['kms:Decrypt'], resources: [keyArn()],
      condition: { StringEquals: { 'kms:ViaService': via('s3'), 'kms:EncryptionContext:aws:s3:arn': ctx('raw', 'curated') } },
    }]);
    expect(kms(analyst())).toEqual([{
      sid: 'DataKeyThroughS3ForCuratedBucket', effect: 'Allow', actions: ['kms:Decrypt'], resources: [keyArn()],
      condition: { StringEquals: { 'kms:ViaService': via('s3'), 'kms:EncryptionContext:aws:s3:arn': ctx('curated') } },
    }]);
  });

  it('give neither role the table (respondent index) nor any log group', () => {
    for (const st of [steward(), analyst()]) {
      for (const x of st.filter((y) => y.effect === 'Allow')) {
        for (const a of x.actions) expect(a.startsWith('dynamodb:') || a.startsWith('logs:'), a).toBe(false);
      }
    }
  });

  it('RAW_DROPS is where every uploader folder and the ingest route are', () => {
    for (const r of EVENT_ROUTES.filter((x) => x.bucket === 'raw')) expect(r.prefix.startsWith(RAW_DROPS)).toBe(true);
  });
});

describe('cdk-nag', () => {
  it('leaves no unacknowledged finding', () => {
    expect(s.nagFindings).toEqual([]);
  });

  it('acknowledges the people policies only for their prefix wildcards', () => {
    const acks = listAcknowledgements(s.app).filter((a) => a.path.startsWith(s.stack.access.node.path));
    expect(acks.length).toBe(2 + ANALYST_PREFIXES.length);
    for (const a of acks) expect(a.id).toMatch(/^AwsSolutions-IAM5\[Resource::<[A-Za-z0-9]+\.Arn>\/[a-z-]*\/?\*\]$/);
  });
});

describe('retention settings (shared/config.ts group `retention`)', () => {
  it('default to the declared periods', () => {
    const r = retentionFrom({});
    expect(r).toMatchObject({ rawDropsDays: 2557, curatedDays: 1827, resultsDays: 3653, logDays: 90, curatedNoncurrentDays: 30, rawNoncurrentDays: 365 });
    // this synth's RETENTION is process.env's, which the tests do not set
    expect(RETENTION).toEqual(r);
  });

  it('take the variables, and refuse a bad one by name', () => {
    const r = retentionFrom({ SATMON_RETENTION_RAW_DAYS: '3000', SATMON_RETENTION_CURATED_DAYS: '400', SATMON_RETENTION_RESULTS_DAYS: '4000', SATMON_RETENTION_LOG_DAYS: '100' });
    expect(r).toMatchObject({ rawDropsDays: 3000, curatedDays: 400, resultsDays: 4000, logDays: 100 });
    expect(() => retentionFrom({ SATMON_RETENTION_CURATED_DAYS: '0' })).toThrow(ConfigError);
    expect(() => retentionFrom({ SATMON_RETENTION_CURATED_DAYS: 'five years' })).toThrow(/SATMON_RETENTION_CURATED_DAYS/);
  });

  describe('a synth with other settings (the CDK app reads process.env)', () => {
    let o: Synth;
    beforeAll(async () => {
      vi.stubEnv('SATMON_RETENTION_RAW_DAYS', '3000');
      vi.stubEnv('SATMON_RETENTION_CURATED_DAYS', '400');
      vi.stubEnv('SATMON_RETENTION_RESULTS_DAYS', '4000');
      vi.stubEnv('SATMON_RETENTION_LOG_DAYS', '100');
      vi.resetModules(); // infra/config.ts reads RETENTION once, at import
      const fresh = await import('./synth');
      o = fresh.synth();
    });
    afterAll(() => {
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    const rules = (k: BucketKey) => o.json.Resources[logicalId(o.stack, o.stack.data.buckets[k])]!.Properties!.LifecycleConfiguration.Rules as any[];

    it('expires raw drops after SATMON_RETENTION_RAW_DAYS', () => {
      expect(rules('raw').filter((r) => r.ExpirationInDays !== undefined)).toEqual([expect.objectContaining({ ExpirationInDays: 3000, NoncurrentVersionExpiration: { NoncurrentDays: 365 } })]);
    });

    it('expires clean rows, rejects and manifests after SATMON_RETENTION_CURATED_DAYS, results after SATMON_RETENTION_RESULTS_DAYS', () => {
      const byPrefix = new Map(rules('curated').filter((r) => r.Prefix !== undefined).map((r) => [r.Prefix as string, r]));
      expect(byPrefix.get(CURATED.clean)).toMatchObject({ Status: 'Enabled', ExpirationInDays: 400 });
      expect(byPrefix.get(CURATED.rejects)).toMatchObject({ Status: 'Enabled', ExpirationInDays: 400 });
      expect(byPrefix.get(CURATED.manifests)).toMatchObject({ Status: 'Enabled', ExpirationInDays: 400 });
      expect(byPrefix.get(CURATED.results)).toMatchObject({ Status: 'Enabled', ExpirationInDays: 4000 });
      expect(byPrefix.has(CURATED.config)).toBe(false);
      // Old versions (an erased participant's rows among them) still go after 30 days.
      expect(rules('curated').filter((r) => r.Prefix === undefined && r.NoncurrentVersionExpiration)).toEqual([expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]);
    });

    it('keeps every log group SATMON_RETENTION_LOG_DAYS rounded up to a CloudWatch period (100 -> 120)', () => {
      const groups = resourcesOf(o.json, 'AWS::Logs::LogGroup');
      expect(groups.length).toBe(HANDLER_NAMES.length + 3);
      for (const [gid, g] of groups) expect(g.Properties!.RetentionInDays, gid).toBe(logs.RetentionDays.FOUR_MONTHS);
    });

    it('hands the same settings to ingest (respondent-index expiry) and forget (erasure-marker expiry)', () => {
      for (const h of ['ingest', 'forget'] as const) {
        const env = o.json.Resources[logicalId(o.stack, o.stack.functions[h].fn)]!.Properties!.Environment.Variables;
        expect(env, h).toMatchObject({ SATMON_RETENTION_RAW_DAYS: '3000', SATMON_RETENTION_CURATED_DAYS: '400', SATMON_RETENTION_RESULTS_DAYS: '4000', SATMON_RETENTION_LOG_DAYS: '100' });
      }
    });

    it('still passes cdk-nag', () => {
      expect(o.nagFindings).toEqual([]);
    });
  });
});
