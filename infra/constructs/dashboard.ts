// The dashboard: static files on S3 behind CloudFront, sign-in with Cognito, data from an HTTP API whose every
// route needs a Cognito JWT. Scoping (head office: all branches; branch manager: own branch only) is enforced by
// the API handler from the token's claims (AUTH in shared/store/resources.ts), because API Gateway can check
// that a token is valid but not which branch a request may read.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AUTH } from '../../shared/store/resources';
import { API_THROTTLE, RETENTION } from '../config';
import { acknowledge } from '../nag';
import { secureBucketProps } from './data-store';
import { retentionDays, type SatmonFunction } from './satmon-function';

export interface DashboardProps {
  api: SatmonFunction;
  logsBucket: s3.IBucket;
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
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;

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
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
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

    this.userPoolClient = this.userPool.addClient('Web', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      generateSecret: false,
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

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: retentionDays(RETENTION.logDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.httpApi = new apigw.HttpApi(this, 'Api', {
      description: 'satmon dashboard API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [`https://${this.distribution.distributionDomainName}`],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PUT, apigw.CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type'],
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
  }
}
