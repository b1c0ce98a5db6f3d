// Dashboard API Lambda (HTTP API, payload format 2.0, Cognito JWT authorizer). Thin: it turns the event into an
// ApiRequest for shared/api/app.ts, whose claims come from requestContext.authorizer.jwt.claims. Locally the same
// handler is called by infra/local/api-server.ts with an event of the same shape.
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleApiRequest, type ApiRequest } from '../../shared/api/app';
import { DashboardStore } from '../../shared/api/store';
import { BUCKETS, TABLE } from '../../shared/store/resources';
import { clientsFromEnv } from '../shared/clients';
import { awsBackend } from './aws-backend';

type Env = Record<string, string | undefined>;

let cachedLogger: Logger | undefined;
const log = () => (cachedLogger ??= new Logger({ serviceName: 'satmon-api' }));

/** One store per configuration, kept across invocations (its branch directory is cached for a minute). */
const stores = new Map<string, DashboardStore>();

export function storeFromEnv(env: Env = process.env): DashboardStore {
  const table = env[TABLE.envVar];
  const curatedBucket = env[BUCKETS.curated.envVar];
  if (!table || !curatedBucket) throw new Error(`environment variables ${TABLE.envVar} and ${BUCKETS.curated.envVar} must be set`);
  const sig = JSON.stringify([table, curatedBucket, env.SATMON_BRANCHES_KEY, env.AWS_ENDPOINT_URL_DYNAMODB, env.AWS_ENDPOINT_URL_S3]);
  let s = stores.get(sig);
  if (!s) {
    const { ddb, s3 } = clientsFromEnv(env);
    s = new DashboardStore(awsBackend({ ddb, s3, table, curatedBucket }), env.SATMON_BRANCHES_KEY ? { branchesKey: env.SATMON_BRANCHES_KEY } : {});
    stores.set(sig, s);
  }
  return s;
}

/** The request an HTTP API event carries (multi-value query parameters arrive comma-joined; the first wins). */
export function requestOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): ApiRequest {
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) query[k] = v?.split(',')[0];
  return {
    method: event.requestContext?.http?.method ?? 'GET',
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    query,
    claims: event.requestContext?.authorizer?.jwt?.claims,
  };
}

export function makeHandler(getStore: () => DashboardStore) {
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
    const req = requestOf(event);
    const res = await handleApiRequest(req, getStore(), {
      onError: (e, r) => log().error('request failed', { path: r.path, query: r.query, error: e as Error }),
    });
    if (res.status >= 400 && res.status !== 404) log().warn('request refused', { path: req.path, status: res.status, sub: req.claims?.sub });
    return { statusCode: res.status, headers: res.headers, body: res.body, isBase64Encoded: false };
  };
}

export const handler = makeHandler(() => storeFromEnv());
