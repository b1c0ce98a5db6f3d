// The dashboard API as one function: request (method, path, query, JWT claims) in, response out. The Lambda
// (lambdas/api/handler.ts) and the local server (infra/local/api-server.ts) only translate to and from it.
//
//   GET /api/me                                  the user, visible branches, regions, periods, programmes, segments
//   GET /api/overview?period=&region=&segment=|programme=   annual/quarterly report of the network or a region
//   GET /api/programmes?period=&region=          per-branch x programme satisfaction (seed-003 Table 1)
//   GET /api/alerts?region=                      open alerts, newest first
//   GET /api/branches/{id}/series?kind=Q|Y       every index of a branch by quarter (or year), with network/region
//   GET /api/branches/{id}/results?period=       a branch's model results for a period
//   GET /api/branches/{id}/alerts                a branch's open and past alerts
//   GET /api/branches/{id}/drops                 drops that delivered the branch's rows, with rejected counts
//   GET /api/branches/{id}/comments?period=      what participants wrote (free-text columns), as plain text
//   GET /api/export/{table}.csv?...              any table above as Excel-safe CSV (see ./exports.ts)
import { AuthError, principalFromClaims, type Claims, type Principal } from '../auth';
import { commentsView } from './comments';
import { safeFileName } from './csv';
import { exportCsv } from './exports';
import { ApiError, branchId, oneOf, periodParam, tokenParam } from './params';
import type { DashboardStore } from './store';
import { alertsView, branchAlertsView, branchResultsView, dropsView, meView, overviewView, programmesView, seriesView } from './views';

export interface ApiRequest {
  method: string;
  /** Path without the query string, e.g. /api/branches/BR05/series */
  path: string;
  query: Record<string, string | undefined>;
  /** The verified token's claims (API Gateway's JWT authorizer, or the local server's dev token). */
  claims: Claims | undefined;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const BASE_HEADERS = {
  // Per-user data: never stored by a shared cache or the browser's back-forward cache.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function json(status: number, body: unknown): ApiResponse {
  return { status, headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

type Handler = (store: DashboardStore, p: Principal, q: ApiRequest['query'], params: string[]) => Promise<ApiResponse>;

const ROUTES: [RegExp, Handler][] = [
  [/^\/api\/me$/, async (s, p) => json(200, await meView(s, p))],
  [/^\/api\/overview$/, async (s, p, q) => json(200, await overviewView(s, p, {
    period: periodParam(q), region: tokenParam(q, 'region'), segment: tokenParam(q, 'segment'), programme: tokenParam(q, 'programme'),
  }))],
  [/^\/api\/programmes$/, async (s, p, q) => json(200, await programmesView(s, p, { period: periodParam(q), region: tokenParam(q, 'region') }))],
  [/^\/api\/alerts$/, async (s, p, q) => json(200, await alertsView(s, p, { region: tokenParam(q, 'region') }))],
  [/^\/api\/branches\/([^/]+)\/series$/, async (s, p, q, [b]) => json(200, await seriesView(s, p, branchId(b!), oneOf(q, 'kind', ['Q', 'Y'] as const, 'Q')))],
  [/^\/api\/branches\/([^/]+)\/results$/, async (s, p, q, [b]) => json(200, await branchResultsView(s, p, branchId(b!), periodParam(q)))],
  [/^\/api\/branches\/([^/]+)\/alerts$/, async (s, p, _q, [b]) => json(200, await branchAlertsView(s, p, branchId(b!)))],
  [/^\/api\/branches\/([^/]+)\/drops$/, async (s, p, _q, [b]) => json(200, await dropsView(s, p, branchId(b!)))],
  [/^\/api\/branches\/([^/]+)\/comments$/, async (s, p, q, [b]) => json(200, await commentsView(s, p, branchId(b!), periodParam(q)))],
  [/^\/api\/export\/([a-z-]+)\.csv$/, async (s, p, q, [table]) => {
    const out = await exportCsv(table!, s, p, q);
    return {
      status: 200,
      headers: {
        ...BASE_HEADERS,
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${safeFileName(out.fileName)}"`,
      },
      body: out.csv,
    };
  }],
];

export interface AppOptions {
  /** Where unexpected errors go (their details never reach the client). */
  onError?: (e: unknown, req: ApiRequest) => void;
}

export async function handleApiRequest(req: ApiRequest, store: DashboardStore, opts: AppOptions = {}): Promise<ApiResponse> {
  try {
    // Authentication first: an anonymous caller learns nothing, not even which paths exist.
    const principal = principalFromClaims(req.claims);
    for (const [re, h] of ROUTES) {
      const m = re.exec(req.path);
      if (!m) continue;
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, `${req.method} is not allowed on ${req.path}`);
      return await h(store, principal, req.query, m.slice(1));
    }
    throw new ApiError(404, `no such endpoint: ${req.path.slice(0, 100)}`);
  } catch (e) {
    if (e instanceof AuthError || e instanceof ApiError) {
      const r = json(e.status, { error: e.message, status: e.status });
      if (e.status === 401) r.headers['www-authenticate'] = 'Bearer';
      if (e.status === 405) r.headers.allow = 'GET, HEAD';
      return r;
    }
    opts.onError?.(e, req);
    return json(500, { error: 'internal error', status: 500 });
  }
}
