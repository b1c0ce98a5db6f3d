// Sign-in and site deployment of the dashboard in the synthesized template: the hosted UI domain, a public app
// client limited to the authorization code grant (PKCE in the browser, no secret) returning to the site, the
// config.json the site deployment writes from the stack's values, and the deployer's narrow grants.
// (bundle.test.ts checks the built files and config.json's content after a real synth.)
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SITE_CONFIG_KEYS } from '../../../dashboard/src/oidc';
import { domainPrefixFor } from '../../../infra/constructs/dashboard';
import { RETENTION } from '../../../infra/config';
import { retentionDays } from '../../../infra/constructs/logs';
import { listAcknowledgements } from '../../../infra/nag';
import { flat, logicalId, resourcesOf, statementsOfRole, synth, type Synth } from './synth';
import { contentSecurityPolicy } from '../../../shared/api/csp';

let s: Synth;
beforeAll(() => {
  s = synth();
});

const id = (c: { node: { defaultChild?: unknown } }) => logicalId(s.stack, c);
const d = () => s.stack.dashboard;
const props = (c: { node: { defaultChild?: unknown } }) => s.json.Resources[id(c)]!.Properties!;
/** The site's URL as the template renders it: https://<Cdn.DomainName>/ */
const siteUrl = () => `https://<${id(d().distribution)}.DomainName>/`;

describe('hosted UI domain', () => {
  it('is a Cognito domain whose prefix is the stack name and the account, on the classic hosted UI', () => {
    expect(props(d().userPoolDomain)).toEqual({
      Domain: { 'Fn::Join': ['', ['satmon-', { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 1,
      UserPoolId: { Ref: id(d().userPool) },
    });
    s.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('derives prefixes Cognito accepts from any stack name', () => {
    expect(domainPrefixFor('Satmon', '123456789012')).toBe('satmon-123456789012');
    expect(domainPrefixFor('Satmon_Prod.2', '1')).toBe('satmon-prod-2-1');
    expect(domainPrefixFor('AwsCognitoAmazon', '1')).toBe('satmon-1');
    expect(domainPrefixFor('amaawszon-dash', '1')).toBe('dash-1');
    expect(domainPrefixFor('x'.repeat(80), '123456789012')).toHaveLength(30 + 13);
    for (const n of ['Satmon', 'My-AWS-Stack', '--x--', 'COGNITOamazonaws']) {
      const p = domainPrefixFor(n, '123456789012');
      expect(p, n).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
      expect(p, n).not.toMatch(/aws|amazon|cognito/);
      expect(p.length, n).toBeLessThanOrEqual(63);
    }
  });
});

describe('app client', () => {
  it('allows only the authorization code grant, with openid, email and profile, from the Cognito directory', () => {
    const c = props(d().userPoolClient);
    expect(c.AllowedOAuthFlows).toEqual(['code']);
    expect(c.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect([...c.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(c.SupportedIdentityProviders).toEqual(['COGNITO']);
  });

  it('is a public client (no secret: PKCE protects the code) with no password flows, only refresh', () => {
    const c = props(d().userPoolClient);
    expect(c.GenerateSecret).toBe(false);
    expect(c.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(c.EnableTokenRevocation).toBe(true);
    expect(resourcesOf(s.json, 'Custom::DescribeCognitoUserPoolClient')).toEqual([]);
  });

  it('returns to the site after sign-in and sign-out, the origin the API accepts', () => {
    const c = props(d().userPoolClient);
    expect(c.CallbackURLs.map(flat)).toEqual([siteUrl()]);
    expect(c.LogoutURLs.map(flat)).toEqual([siteUrl()]);
    const api = resourcesOf(s.json, 'AWS::ApiGatewayV2::Api')[0]![1].Properties!;
    expect(api.CorsConfiguration.AllowOrigins.map(flat)).toEqual([siteUrl().replace(/\/$/, '')]);
    expect(api.CorsConfiguration.ExposeHeaders).toEqual(['content-disposition']);
  });

  it('is the audience the API authorizer accepts (ID tokens carry aud = client id)', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: Match.objectLike({ Audience: [{ Ref: id(d().userPoolClient) }] }) });
  });
});

describe('config.json', () => {
  it('holds exactly the fields the front end reads, from the stack resources', () => {
    const cfg = s.stack.resolve(d().siteConfig) as Record<string, unknown>;
    expect(Object.keys(cfg).sort()).toEqual([...SITE_CONFIG_KEYS].sort());
    expect(flat(cfg.apiBaseUrl)).toBe(`https://<${id(d().httpApi)}>.execute-api.${s.stack.region}.<AWS::URLSuffix>/`);
    expect(cfg.region).toBe(s.stack.region);
    expect(cfg.userPoolId).toEqual({ Ref: id(d().userPool) });
    expect(cfg.clientId).toEqual({ Ref: id(d().userPoolClient) });
    expect(flat(cfg.cognitoDomain)).toBe(`https://<${id(d().userPoolDomain)}>.auth.${s.stack.region}.amazoncognito.com`);
    expect(flat(cfg.redirectUri)).toBe(siteUrl());
  });

  it('is deployed with the built site into the site bucket, pruning old files, then CloudFront is invalidated', () => {
    const [[, cr]] = resourcesOf(s.json, 'Custom::CDKBucketDeployment') as [[string, { Properties: Record<string, any> }]];
    const p = cr.Properties;
    expect(p.DestinationBucketName).toEqual({ Ref: id(d().siteBucket) });
    expect(p.SourceObjectKeys).toHaveLength(2);
    // The second source is config.json; its markers are filled in with these references on deploy.
    expect(Object.values(p.SourceMarkers[1]).map(flat).sort()).toEqual([
      `<${id(d().httpApi)}>`, '<AWS::URLSuffix>', `<${id(d().userPool)}>`, `<${id(d().userPoolClient)}>`,
      `<${id(d().userPoolDomain)}>`, `<${id(d().distribution)}.DomainName>`,
    ].sort());
    expect(p.SourceMarkersConfig[1]).toEqual({ jsonEscape: true });
    expect(p).toMatchObject({
      Prune: true,
      DistributionId: { Ref: id(d().distribution) },
      DistributionPaths: ['/*'],
      WaitForDistributionInvalidation: true,
      SystemMetadata: { 'cache-control': 'public, max-age=0, s-maxage=86400' },
    });
  });
});

describe('site deployer', () => {
  it('runs with a role of its own: its log group, read of the CDK asset objects, the site bucket, this distribution', () => {
    const st = statementsOfRole(s.json, id(d().siteDeploymentRole));
    const site = `<${id(d().siteBucket)}.Arn>`;
    const byResource = (r: string) => st.filter((x) => x.resources.includes(r)).flatMap((x) => x.actions).sort();
    expect(byResource(`<${logicalId(s.stack, d().node.findChild('SiteDeploymentLogs') as any)}.Arn>`)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(byResource(`${site}/*`)).toEqual(['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging']);
    expect(byResource(`arn:aws:cloudfront::<AWS::AccountId>:distribution/<${id(d().distribution)}>`)).toEqual(['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation']);
    const assets = st.flatMap((x) => x.resources).filter((r) => r.includes('cdk-'));
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(byResource(a)).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
    // Nothing else: no "*", no data bucket, no key, no table.
    const all = new Set(st.flatMap((x) => x.resources));
    for (const r of all) expect(r === `${site}/*` || r === site || r.includes('cdk-') || r.includes('cloudfront') || r.includes('SiteDeploymentLogs'), r).toBe(true);
    expect(props(d().siteDeploymentRole).ManagedPolicyArns).toBeUndefined();
  });

  it('is one function using that role, logging to a log group with the stack retention', () => {
    const fns = resourcesOf(s.json, 'AWS::Lambda::Function').filter(([, f]) => flat(f.Properties!.Role) === `<${id(d().siteDeploymentRole)}.Arn>`);
    expect(fns).toHaveLength(1);
    const logGroup = logicalId(s.stack, d().node.findChild('SiteDeploymentLogs') as any);
    expect(fns[0]![1].Properties!.LoggingConfig).toEqual({ LogGroup: { Ref: logGroup } });
    expect(s.json.Resources[logGroup]!.Properties!.RetentionInDays).toBe(retentionDays(RETENTION.logDays));
  });

  it('has its cdk-nag acknowledgements on itself only', () => {
    const acks = listAcknowledgements(s.app).filter((a) => /SiteDeployment|CDKBucketDeployment/.test(a.path));
    expect(acks.map((a) => a.id).sort()).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Action::s3:List*]', 'AwsSolutions-L1']));
    for (const a of acks) expect(a.path, a.id).toMatch(/Dashboard\/SiteDeploymentRole$|Custom::CDKBucketDeployment/);
  });
});

describe('site response headers', () => {
  it('CloudFront sends the Content-Security-Policy the browser tests run under, opened only to the API and Cognito', () => {
    const policies = resourcesOf(s.json, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0]!;
    const cfg = (policy.Properties as { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> } })
      .ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = String(cfg.ContentSecurityPolicy!.ContentSecurityPolicy);
    const region = s.stack.region;
    expect(csp).toBe(contentSecurityPolicy([`https://*.execute-api.${region}.amazonaws.com`, `https://*.auth.${region}.amazoncognito.com`]));
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(cfg.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(cfg.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true });
    const dist = props(d().distribution) as { DistributionConfig: { DefaultCacheBehavior: { ResponseHeadersPolicyId: unknown } } };
    expect(dist.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });
});
