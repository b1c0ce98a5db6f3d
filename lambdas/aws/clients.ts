// AWS SDK clients built from the configured endpoint settings (shared/config.ts, group `aws`). On AWS nothing is
// set and the SDK's defaults apply. Locally (infra/local) the stack sets endpoint overrides; AWS_ENDPOINT_URL_S3 /
// AWS_ENDPOINT_URL_DYNAMODB are the SDK v3's own variables, read by the config module too so clients can also be
// built from a plain env map.
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsSettings } from '../../shared/config';
import { traceClient } from './observability';

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

/** `wrap` gets the base DynamoDB client before the document client is built over it (X-Ray capture). */
export function makeDocClient(c: AwsConfig, wrap: (base: DynamoDBClient) => DynamoDBClient = (b) => b): DynamoDBDocumentClient {
  const base = wrap(new DynamoDBClient({ region: c.region, endpoint: c.dynamodbEndpoint, credentials: c.credentials }));
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
// a test process that starts a new local stack gets new clients). On Lambda their calls are traced by X-Ray
// (observability.ts; handlers create them during an invocation, after the tracer is loaded).
const cache = new Map<string, Clients>();

/** Clients for the configured endpoints. Credentials are left to the SDK's default provider chain. */
export function clientsFor(cfg: AwsSettings): Clients {
  const sig = JSON.stringify(cfg);
  let c = cache.get(sig);
  if (!c) {
    c = { s3: traceClient(makeS3Client(cfg)), ddb: makeDocClient(cfg, traceClient) };
    cache.set(sig, c);
  }
  return c;
}
