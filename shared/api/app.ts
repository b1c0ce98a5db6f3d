// The dashboard API as one function: request (method, path, query, JWT claims) in, response out. The Lambda
// (lambdas/api/handler.ts) and the local server (infra/local/api-server.ts) only translate to and from it.
//
//   GET /api/me                                  the user, visible branches, regions, periods, programmes, segments
//   GET /api/overview?period=&region=&segment=|programme=   annual/quarterly report of the network or a region
//   GET /api/programmes?period=&region=          per-branch x programme satisfaction (Rufani et al. 2023, Table 1)
//   GET /api/alerts?region=                      open alerts and open watches (the second tier), newest first
//   GET /api/branches/{id}/series?kind=Q|Y       every index of a branch by quarter (or year), with network/region
//   GET /api/branches/{id}/results?period=       a branch's model results for a period
//   GET /api/branches/{id}/alerts                a branch's open and past alerts, and its watches
//   GET /api/branches/{id}/drops                 drops that delivered the branch's rows, with rejected counts
//   GET /api/branches/{id}/comments?period=      what participants wrote (free-text columns), as plain text
//   GET /api/skm?period=&region=|branch=         the SKM report (Permenpan RB 14/2017) of the network, a region or a branch
//   GET /api/skm/export?period=&region=|branch=&format=csv|excel-id|xlsx&lang=   that report as a file (./skm-export.ts)
//   GET /api/export/{table}.csv?...&lang=&format= any table above as Excel-safe CSV (see ./exports.ts), in English or
//                                                Indonesian (lang=en|id), comma/point or Indonesian Excel (format=excel-id)
//
// Errors are JSON { error (English), status, code, params }: the dashboard shows `code` in the reader's language.
// The deployment's language (SATMON_LOCALE, AppOptions.defaultLocale) is /api/me's defaultLocale and the exports'.
import { AuthError, principalFromClaims, type Claims, type Principal } from '../auth';
import { loadGroup } from '../config';
import { translator, type MessageKey, type Params } from '../i18n/catalogue';
import type { Locale } from '../i18n/locale';
import { commentsView } from './comments';
import { safeFileName } from './csv';
import { exportCsv } from './exports';
import { skmView } from './skm';
import { skmExport } from './skm-export';
import { ApiError, oneOf, periodParam, readableBranch, tokenParam } from './params';
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
  /** The body is base64 of binary content (an .xlsx). */
  isBase64Encoded?: boolean;
}

const BASE_HEADERS = {
  // Per-user data: never stored by a shared cache or the browser's back-forward cache.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const english = translator('en');

function json(status: number, body: unknown): ApiResponse {
  return { status, headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

interface Ctx { defaultLocale: Locale }
type Handler = (store: DashboardStore, p: Principal, q: ApiRequest['query'], params: string[], ctx: Ctx) => Promise<ApiResponse>;


const ROUTES: [RegExp, Handler][] = [
  [/^\/api\/me$/, async (s, p, _q, _m, ctx) => json(200, await meView(s, p, ctx.defaultLocale))],
  [/^\/api\/overview$/, async (s, p, q) => json(200, await overviewView(s, p, {
    period: periodParam(q), region: tokenParam(q, 'region'), segment: tokenParam(q, 'segment'), programme: tokenParam(q, 'programme'),
  }))],
  [/^\/api\/programmes$/, async (s, p, q) => json(200, await programmesView(s, p, { period: periodParam(q), region: tokenParam(q, 'region') }))],
  [/^\/api\/alerts$/, async (s, p, q) => json(200, await alertsView(s, p, { region: tokenParam(q, 'region') }))],
  [/^\/api\/branches\/([^/]+)\/series$/, async (s, p, q, [b]) => json(200, await seriesView(s, p, readableBranch(p, b!), oneOf(q, 'kind', ['Q', 'Y'] as const, 'Q')))],
  [/^\/api\/branches\/([^/]+)\/results$/, async (s, p, q, [b]) => json(200, await branchResultsView(s, p, readableBranch(p, b!), periodParam(q)))],
  [/^\/api\/branches\/([^/]+)\/alerts$/, async (s, p, _q, [b]) => json(200, await branchAlertsView(s, p, readableBranch(p, b!)))],
  [/^\/api\/branches\/([^/]+)\/drops$/, async (s, p, _q, [b]) => json(200, await dropsView(s, p, readableBranch(p, b!)))],
  [/^\/api\/branches\/([^/]+)\/comments$/, async (s, p, q, [b]) => json(200, await commentsView(s, p, readableBranch(p, b!), periodParam(q)))],
  [/^\/api\/skm$/, async (s, p, q) => {
    const branch = q.branch ? readableBranch(p, q.branch) : undefined;
    return json(200, await skmView(s, p, { period: periodParam(q), ...(branch ? { branch } : {}), ...(q.region ? { region: tokenParam(q, 'region') } : {}) }));
  }],
  [/^\/api\/skm\/export$/, async (s, p, q, _m, ctx) => {
    const out = await skmExport(s, p, q, ctx.defaultLocale);
    const binary = typeof out.body !== 'string';
    return {
      status: 200,
      headers: { ...BASE_HEADERS, 'content-type': out.contentType, 'content-disposition': `attachment; filename="${safeFileName(out.fileName)}"` },
      body: binary ? (out.body as Buffer).toString('base64') : (out.body as string),
      ...(binary ? { isBase64Encoded: true } : {}),
    };
  }],
  [/^\/api\/export\/([a-z-]+)\.csv$/, async (s, p, q, [table], ctx) => {
    const out = await exportCsv(table!, s, p, q, ctx.defaultLocale);
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
  /** The deployment's language; default SATMON_LOCALE of the environment (shared/config.ts, group language). */
  defaultLocale?: Locale;
}

function errorJson(status: number, code: MessageKey, params: Params = {}, error = english(code, params)): ApiResponse {
  return json(status, { error, status, code, params });
}

export async function handleApiRequest(req: ApiRequest, store: DashboardStore, opts: AppOptions = {}): Promise<ApiResponse> {
  try {
    // Authentication first: an anonymous caller learns nothing, not even which paths exist.
    const principal = principalFromClaims(req.claims);
    const ctx: Ctx = { defaultLocale: opts.defaultLocale ?? loadGroup('language').locale };
    for (const [re, h] of ROUTES) {
      const m = re.exec(req.path);
      if (!m) continue;
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'api.error.methodNotAllowed', { method: req.method.slice(0, 10), path: req.path.slice(0, 100) });
      return await h(store, principal, req.query, m.slice(1), ctx);
    }
    throw new ApiError(404, 'api.error.noEndpoint', { path: req.path.slice(0, 100) });
  } catch (e) {
    let r: ApiResponse | undefined;
    if (e instanceof ApiError) r = errorJson(e.status, e.code, e.params, e.message);
    // ../auth.ts's own refusals (no token, no role): its English text, with a code for the reader's language.
    else if (e instanceof AuthError) r = errorJson(e.status, e.status === 401 ? 'api.error.notSignedIn' : 'api.error.forbidden', {}, e.message);
    if (r) {
      if (r.status === 401) r.headers['www-authenticate'] = 'Bearer';
      if (r.status === 405) r.headers.allow = 'GET, HEAD';
      return r;
    }
    opts.onError?.(e, req);
    return errorJson(500, 'api.error.internal');
  }
}
