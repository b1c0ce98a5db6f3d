// The dashboard: static files on S3 behind CloudFront, sign-in with Cognito's hosted UI (authorization code +
// PKCE, public client), data from an HTTP API whose every route needs a Cognito JWT. Scoping (head office: all
// branches; branch manager: own branch only) is enforced by the API handler from the token's claims (AUTH in
// shared/layout/resources.ts), because API Gateway can check that a token is valid but not which branch a
// request may read.
//
// `cdk deploy` also publishes the site: the dashboard is built at synth time (esbuild, as the functions are)
// and a BucketDeployment copies it with a config.json made from this stack's values (API URL, pool, client,
// hosted UI domain, redirect URI) into the site bucket, then invalidates CloudFront.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AssetHashType, Aws, CustomResource, DockerImage, Duration, RemovalPolicy, Stack, Token, type CfnResource } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
// cdk-nag's own rendering of a CloudFormation reference in a finding id (as infra/nag.ts uses it).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { Construct } from 'constructs';
import type { SiteConfig } from '../../dashboard/src/oidc';
import { AUTH } from '../../shared/layout/resources';
import { contentSecurityPolicy } from '../../shared/api/csp';
import { API_THROTTLE, RETENTION } from '../config';
import { acknowledge, nagArn } from '../nag';
import { secureBucketProps } from './data-store';
import { stackLogGroup } from './logs';
import type { SatmonFunction } from './satmon-function';

export interface DashboardProps {
  api: SatmonFunction;
  logsBucket: s3.IBucket;
  /** The dashboard's folder (dashboard/: build.mjs and src/); built into the site at synth time. */
  dashboardDir: string;
  /** Encrypts the API access logs and the site deployment's logs (the key policy admits CloudWatch Logs: ./logs.ts). */
  logsKey: kms.IKey;
}

/** Words Cognito refuses in a hosted UI domain prefix. */
const RESERVED_IN_PREFIX = /aws|amazon|cognito/;

/**
 * The hosted UI domain prefix: the stack name (lower case, reserved words removed) and the account id, so two
 * stacks or two accounts never ask for the same prefix in a region. The account is a deploy-time token when the
 * synth has no credentials; the prefix is then a CloudFormation join.
 */
export function domainPrefixFor(stackName: string, account: string): string {
  let name = stackName.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  // Repeat: removing one word can join the letters around it into another ("amaawszon" -> "amazon").
  while (RESERVED_IN_PREFIX.test(name)) name = name.replace(new RegExp(RESERVED_IN_PREFIX.source, 'g'), '');
  name = name.replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
  return `${name || 'satmon'}-${account}`;
}

/**
 * The built dashboard as a deployment source. The build runs in `cdk synth` through the asset's local bundling
 * (no Docker), like the functions' esbuild; a test synth (bundling skipped) never runs it.
 */
function builtDashboard(dashboardDir: string): s3deploy.ISource {
  const build = pathToFileURL(path.join(dashboardDir, 'build.mjs')).href;
  return s3deploy.Source.asset(dashboardDir, {
    assetHashType: AssetHashType.OUTPUT,
    exclude: ['dist', 'node_modules'],
    bundling: {
      image: DockerImage.fromRegistry('local-bundling-only'),
      local: {
        tryBundle(outputDir: string) {
          const script = `const { buildDashboard } = await import(${JSON.stringify(build)}); await buildDashboard({ outDir: ${JSON.stringify(outputDir)} });`;
          execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
          rmSync(path.join(outputDir, 'sizes.json'), { force: true }); // build report, not part of the site
          return true;
        },
      },
    },
  });
}

// One JSON line per request: who (the token's subject), what, how it ended, how long it took.
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  user: '$context.authorizer.claims.sub',
  route: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  bytes: '$context.responseLength',
  authError: '$context.authorizer.error',
  integrationError: '$context.integrationErrorMessage',
});

export class Dashboard extends Construct {
  readonly siteBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly userPoolDomain: cognito.UserPoolDomain;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** https://<distribution domain>/: the app, and where Cognito returns after sign-in and sign-out. */
  readonly siteUrl: string;
  /** The values written to the site's /config.json. */
  readonly siteConfig: SiteConfig;
  readonly siteDeployment: s3deploy.BucketDeployment;
  /** Role of the deployment's handler (its only grants: the site bucket, the asset object, this distribution's invalidations). */
  readonly siteDeploymentRole: iam.Role;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);

    this.siteBucket = new s3.Bucket(this, 'Site', {
      ...secureBucketProps(),
      // SSE-S3: the files are the public app itself (no data); CloudFront's OAC reads them without a key policy.
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: props.logsBucket,
      serverAccessLogsPrefix: 's3/Site/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(RETENTION.abortMultipartDays) },
        { id: 'site-old-versions', noncurrentVersionExpiration: Duration.days(RETENTION.siteNoncurrentDays) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'satmon dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: new cloudfront.ResponseHeadersPolicy(this, 'SiteHeaders', {
          comment: 'satmon dashboard: CSP, HSTS, no framing, no sniffing, no referrer',
          securityHeadersBehavior: {
            // The API and the hosted UI's token endpoint by pattern: their exact names depend on this distribution.
            contentSecurityPolicy: {
              contentSecurityPolicy: contentSecurityPolicy([
                `https://*.execute-api.${Stack.of(this).region}.amazonaws.com`,
                `https://*.auth.${Stack.of(this).region}.amazoncognito.com`,
              ]),
              override: true,
            },
            strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
            frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
            contentTypeOptions: { override: true },
            referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
          },
        }),
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      // Client-side routes: unknown paths get the app, which then shows its own "not found".
      errorResponses: [
        { httpStatus: 403, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.minutes(5) },
        { httpStatus: 404, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.minutes(5) },
      ],
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
    acknowledge(this.distribution, 'AwsSolutions-CFR1',
      'The site serves only the static app (no data); data is behind the JWT-protected API. Staff travelling abroad must still reach it.');
    acknowledge(this.distribution, 'AwsSolutions-CFR2',
      'No WAF: the distribution serves public static files only, and WAF (about USD 6+/month) cannot protect the HTTP API, which has no WAF support; its stage is throttled instead.');
    acknowledge(this.distribution, 'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate allows no minimum-TLS setting; with a custom domain, add an ACM certificate and TLSv1.2_2021 (README: custom domain).');

    this.userPool = new cognito.UserPool(this, 'Users', {
      // Accounts are created by head-office administrators only.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        // Mutable so an administrator can move a manager to another branch; the app client cannot write it.
        [AUTH.branchAttribute]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.userPool, 'AwsSolutions-COG8',
      'Essentials plan: MFA is required and there is no self sign-up; Plus (threat protection) costs USD 0.02 per monthly active user, about USD 7/month for 350 users, and is one setting away (featurePlan) if policy asks for it.');

    this.userPool.addGroup('HeadOffice', { groupName: AUTH.groups.headOffice, description: 'Sees every branch, region and the network', precedence: 0 });
    this.userPool.addGroup('BranchManager', { groupName: AUTH.groups.branchManager, description: `Sees only the branch in ${AUTH.branchClaim}`, precedence: 10 });

    this.siteUrl = `https://${this.distribution.distributionDomainName}/`;

    // Cognito's hosted UI on a Cognito domain (no custom domain, no certificate). Classic hosted UI: it needs no
    // branding resource and handles the password, the forced password change and TOTP setup at first sign-in.
    const stack = Stack.of(this);
    this.userPoolDomain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: domainPrefixFor(stack.stackName, Token.isUnresolved(stack.account) ? Aws.ACCOUNT_ID : stack.account) },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    // A public client for the browser: authorization code grant with PKCE, no secret (a page cannot keep one), no
    // implicit grant, no password flows (users type their password only into the hosted UI); refresh tokens only.
    this.userPoolClient = this.userPool.addClient('Web', {
      authFlows: { userSrp: false },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [this.siteUrl],
        logoutUrls: [this.siteUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(AUTH.branchAttribute),
      // Users may change their display name only; never their branch (that would widen what they can read).
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    // Who called what (token subjects, source IPs): encrypted like the data.
    const accessLogs = stackLogGroup(this, 'ApiAccessLogs', { name: 'api-access', key: props.logsKey });

    this.httpApi = new apigw.HttpApi(this, 'Api', {
      description: 'satmon dashboard API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [`https://${this.distribution.distributionDomainName}`],
        // The API is read-only (shared/api/app.ts answers 405 to anything but GET and HEAD): browsers get GET only;
        // API Gateway answers the OPTIONS preflight itself.
        allowMethods: [apigw.CorsHttpMethod.GET],
        allowHeaders: ['authorization', 'content-type'],
        // So a CSV export downloaded through fetch keeps the file name the API gives it.
        exposeHeaders: ['content-disposition'],
        maxAge: Duration.hours(1),
      },
      defaultAuthorizer: new HttpUserPoolAuthorizer('CognitoJwt', this.userPool, {
        userPoolClients: [this.userPoolClient],
        identitySource: ['$request.header.Authorization'],
      }),
    });
    this.httpApi.addRoutes({
      path: '/{proxy+}',
      methods: [apigw.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ApiHandler', props.api.fn, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 }),
    });
    this.stage = this.httpApi.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs), format: AccessLogFormat.custom(ACCESS_LOG_FORMAT) },
    });

    this.siteConfig = {
      apiBaseUrl: this.stage.url,
      region: stack.region,
      userPoolId: this.userPool.userPoolId,
      clientId: this.userPoolClient.userPoolClientId,
      cognitoDomain: this.userPoolDomain.baseUrl(),
      redirectUri: this.siteUrl,
    };
    this.siteDeploymentRole = new iam.Role(this, 'SiteDeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'satmon: copies the built dashboard and config.json into the site bucket, invalidates CloudFront',
    });
    this.siteDeployment = this.deploySite(props, this.siteDeploymentRole);
  }

  /**
   * The built dashboard and its config.json into the site bucket, then a CloudFront invalidation. CDK's
   * BucketDeployment runs a Python custom-resource Lambda (aws s3 sync); it gets a role of its own (no AWS
   * managed policy) and a log group with the stack's retention. Browsers revalidate every file (max-age=0, ETag),
   * CloudFront keeps them a day (s-maxage) and each deploy invalidates them.
   */
  private deploySite(props: DashboardProps, role: iam.Role): s3deploy.BucketDeployment {
    const logGroup = stackLogGroup(this, 'SiteDeploymentLogs', { name: 'site-deployment', key: props.logsKey });
    logGroup.grantWrite(role);
    const deployment = new s3deploy.BucketDeployment(this, 'SiteDeployment', {
      sources: [builtDashboard(props.dashboardDir), s3deploy.Source.jsonData('config.json', this.siteConfig)],
      destinationBucket: this.siteBucket,
      prune: true,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.seconds(0)), s3deploy.CacheControl.sMaxAge(Duration.days(1))],
      role,
      logGroup,
      memoryLimit: 512,
    });

    // Invalidate after each deploy. Not through `distribution:`, which would grant the invalidation on every
    // distribution of the account (Resource "*"): the same handler properties, and a grant on this one only.
    const cr = deployment.node.children.find((c) => c instanceof CustomResource) as CustomResource | undefined;
    if (!cr) throw new Error('BucketDeployment custom resource not found');
    const cfnCr = cr.node.defaultChild as CfnResource;
    cfnCr.addPropertyOverride('DistributionId', this.distribution.distributionId);
    cfnCr.addPropertyOverride('DistributionPaths', ['/*']);
    cfnCr.addPropertyOverride('WaitForDistributionInvalidation', true);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
      resources: [this.distribution.distributionArn],
    }));

    const site = nagArn(this.siteBucket.node.defaultChild as CfnResource);
    acknowledge(role, 'AwsSolutions-IAM5[Action::s3:GetObject*]',
      "CDK's BucketDeployment grants read with its standard action groups (GetObject*, GetBucket*, List*) on the CDK asset object it copies from and on the site bucket, which holds only the public app.");
    acknowledge(role, 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      "CDK's BucketDeployment grants GetBucket* to find the bucket's region and versioning for `aws s3 sync`; the resource is the site bucket and the CDK asset bucket only.");
    acknowledge(role, 'AwsSolutions-IAM5[Action::s3:List*]',
      "`aws s3 sync --delete` lists the site bucket to remove files no longer in the build; limited to the site bucket and the CDK asset bucket.");
    acknowledge(role, 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'Pruning removes files that a new build no longer contains; the site bucket holds only the public app (versioned, old versions kept for 30 days).');
    acknowledge(role, 'AwsSolutions-IAM5[Action::s3:Abort*]',
      'Aborting a failed multipart upload of a site file; only on objects of the site bucket.');
    acknowledge(role, `AwsSolutions-IAM5[Resource::${site}/*]`,
      'The deployment writes whatever files the dashboard build produces (names known only at synth) into the site bucket, which holds only the public app.');
    // The bootstrap asset bucket's objects, named as cdk-nag renders them (partition and region may be literal).
    const policy = role.node.findChild('DefaultPolicy') as iam.Policy;
    const doc = Stack.of(this).resolve(policy.document.toJSON()) as { Statement: { Resource: unknown }[] };
    for (const r of doc.Statement.flatMap((st) => ([] as unknown[]).concat(st.Resource)).map(flattenCfnReference)) {
      if (!r.includes('*') || r === `${site}/*`) continue;
      if (!/:s3:::cdk-[a-z0-9]+-assets-/.test(r)) throw new Error(`${role.node.path}: unexpected wildcard resource ${r}`);
      acknowledge(role, `AwsSolutions-IAM5[Resource::${r}]`,
        'Reads the zipped site and config.json that `cdk deploy` uploaded to the bootstrap asset bucket; the object key is a content hash chosen at synth.');
    }
    // The handler is a singleton at stack level (CDK shares it between deployments of the same memory size).
    const handler = Stack.of(this).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('BucketDeployment handler not found');
    acknowledge(handler, 'AwsSolutions-L1',
      "The BucketDeployment handler's runtime (Python with the AWS CLI layer) is chosen by aws-cdk-lib and moves with its upgrades; it runs only while deploying the site.");
    return deployment;
  }
}
