// Dashboard API Lambda (HTTP API, payload format 2.0, Cognito JWT authorizer). Thin: it turns the event into an
// ApiRequest for shared/api/app.ts, whose claims come from requestContext.authorizer.jwt.claims. Locally the same
// handler is called by infra/local/api-server.ts with an event of the same shape.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleApiRequest, type ApiRequest } from '../../shared/api/app';
import { storageBackend } from '../../shared/api/backend';
import { DashboardStore } from '../../shared/api/store';
import { loadGroups, requireResources, type EnvMap } from '../../shared/config';
import { instrumentFor } from '../../shared/pipeline/survey-config';
import { lambdaHandler, observability, type Observability } from '../aws/observability';
import { storageFor } from '../aws/storage';

const obs = () => observability('api');

/** One store per configuration, kept across invocations (its branch directory is cached for a minute). */
const stores = new Map<string, DashboardStore>();

/** The store for the configuration (shared/config.ts) read from `env` (default: process.env) on each request. */
export function storeFromEnv(env?: EnvMap): DashboardStore {
  const cfg = loadGroups(['resources', 'aws', 'survey'], env);
  const { table, curated: curatedBucket } = requireResources(cfg.resources, 'table', 'curated');
  const { branchesKey, instrumentKey, instrumentJson } = cfg.survey;
  const sig = JSON.stringify([table, curatedBucket, branchesKey, instrumentKey, instrumentJson, cfg.aws]);
  let s = stores.get(sig);
  if (!s) {
    const storage = storageFor(cfg.aws, table);
    // The instrument is read per request (as the other handlers do), so its free-text columns follow an update.
    const textColumns = async () => (await instrumentFor(cfg.survey, storage.objects, curatedBucket)).textColumns;
    s = new DashboardStore(storageBackend(storage, curatedBucket), { ...(branchesKey ? { branchesKey } : {}), textColumns });
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

export function makeHandler(getStore: () => DashboardStore, o: () => Observability = obs) {
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
    const req = requestOf(event);
    // API Gateway's request id, to find the request in the stage's access log.
    const apiRequestId = event.requestContext?.requestId;
    const res = await handleApiRequest(req, getStore(), {
      onError: (e, r) => o().logger.error('request failed', { path: r.path, query: r.query, apiRequestId, error: e as Error }),
    });
    if (res.status >= 400 && res.status !== 404) o().logger.warn('request refused', { path: req.path, status: res.status, sub: req.claims?.sub, apiRequestId });
    return { statusCode: res.status, headers: res.headers, body: res.body, isBase64Encoded: res.isBase64Encoded ?? false };
  };
}

export const handler = lambdaHandler(obs, makeHandler(() => storeFromEnv()));
