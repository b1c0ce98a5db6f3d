// AWS SDK clients built from environment variables. On AWS nothing is set and the SDK's defaults apply.
// Locally (infra/local) the stack sets endpoint overrides; AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB are the
// SDK v3's own variables, read here explicitly too so a client can also be built from a plain env object.
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsConfig {
  region?: string;
  s3Endpoint?: string;
  dynamodbEndpoint?: string;
  /** Path-style bucket addressing (s3rver, or any S3 emulator on an IP address). */
  forcePathStyle?: boolean;
  /** Checksums only where an operation requires them (s3rver stores aws-chunked framing verbatim otherwise). */
  checksumWhenRequired?: boolean;
  /** Explicit credentials; omitted on AWS so the SDK's default chain applies (the Lambda role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

type Env = Record<string, string | undefined>;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v);

/** Read the endpoint settings the handlers honour. Credentials are left to the SDK's default provider chain. */
export function awsConfigFromEnv(env: Env = process.env): AwsConfig {
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    s3Endpoint: env.SATMON_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
    dynamodbEndpoint: env.SATMON_DYNAMODB_ENDPOINT ?? env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL,
    forcePathStyle: truthy(env.SATMON_S3_FORCE_PATH_STYLE),
    checksumWhenRequired:
      env.AWS_REQUEST_CHECKSUM_CALCULATION?.toUpperCase() === 'WHEN_REQUIRED' || truthy(env.SATMON_S3_FORCE_PATH_STYLE),
  };
}

export function makeS3Client(c: AwsConfig): S3Client {
  return new S3Client({
    region: c.region,
    endpoint: c.s3Endpoint,
    forcePathStyle: c.forcePathStyle || undefined,
    credentials: c.credentials,
    ...(c.checksumWhenRequired
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}

export function makeDocClient(c: AwsConfig): DynamoDBDocumentClient {
  const base = new DynamoDBClient({ region: c.region, endpoint: c.dynamodbEndpoint, credentials: c.credentials });
  return DynamoDBDocumentClient.from(base, {
    // Sets of strings (objectKeys, drop hashes) are written as DynamoDB SS; undefined attributes are dropped.
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

export interface Clients {
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
}

// One pair of clients per distinct configuration (a Lambda container keeps its clients across invocations;
// a test process that starts a new local stack gets new clients).
const cache = new Map<string, Clients>();

export function clientsFromEnv(env: Env = process.env): Clients {
  const cfg = awsConfigFromEnv(env);
  const sig = JSON.stringify(cfg);
  let c = cache.get(sig);
  if (!c) {
    c = { s3: makeS3Client(cfg), ddb: makeDocClient(cfg) };
    cache.set(sig, c);
  }
  return c;
}
