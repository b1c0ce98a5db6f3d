// One Lambda function of the pipeline with every default set once: Node 24 on ARM64, esbuild bundling on this
// machine (no Docker), JSON logs for Powertools into an encrypted log group with a retention, X-Ray tracing, and a
// role of its own that starts with nothing but its log group (callers add exactly the grants the handler needs).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { loadGroup } from '../../shared/config';
import { HANDLERS, type HandlerName } from '../../shared/layout/resources';
import { FUNCTIONS } from '../config';
import { acknowledge } from '../nag';
import { stackLogGroup } from './logs';

export { retentionDays } from './logs';

export interface SatmonFunctionProps {
  name: HandlerName;
  /** Absolute path of the handler's entry file (exports `handler`). */
  entry: string;
  /** Repository root: where package-lock.json is, for esbuild's module resolution. */
  projectRoot: string;
  environment?: Record<string, string>;
  /** Encrypts the function's log group (the key policy must admit CloudWatch Logs: ./logs.ts). */
  logsKey: kms.IKey;
}

// CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
const REQUIRE_SHIM = "import { createRequire as __satmonCreateRequire } from 'node:module'; const require = __satmonCreateRequire(import.meta.url);";

export class SatmonFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly entry: string;

  constructor(scope: Construct, id: string, props: SatmonFunctionProps) {
    super(scope, id);
    const { name, entry } = props;
    if (!existsSync(entry)) {
      throw new Error(
        `handler entry for '${name}' not found: ${path.relative(props.projectRoot, entry) || entry} ` +
          `(HANDLERS.${name} = ${HANDLERS[name]} in shared/layout/resources.ts); NodejsFunction bundles it at synth time`,
      );
    }
    this.entry = entry;
    const cfg = FUNCTIONS[name];

    this.logGroup = stackLogGroup(this, 'Logs', { name: `lambda/${name}`, key: props.logsKey });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `satmon ${name} function`,
    });
    // Its own log group only (AWSLambdaBasicExecutionRole would allow writing to every log group).
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: cfg.memoryMb,
      timeout: Duration.seconds(cfg.timeoutSeconds),
      description: cfg.description,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: `satmon-${name}`,
        // The declared default, written out so the namespace is visible on the function (and alarms can name it).
        POWERTOOLS_METRICS_NAMESPACE: loadGroup('observability', {}).namespace,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The AWS SDK is bundled too: the deployed handler runs the SDK version package-lock.json pins, the same
        // one the local stack and the integration tests run, not whatever the Lambda runtime ships.
        externalModules: [],
      },
    });

    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only for X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords), which has no resource-level permissions; test/unit/infra asserts no other action gets Resource "*".',
    );
  }
}
