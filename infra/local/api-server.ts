// The dashboard locally: one node:http server that serves the built front end (dashboard/dist) and hands /api/*
// to the API Lambda's handler as an HTTP API (payload 2.0) event, with the claims API Gateway's Cognito JWT
// authorizer would put in requestContext.authorizer.jwt.claims. Sign-in is replaced by signed dev tokens
// (HS256 with a secret generated at start) and a user switcher:
//
//   GET /auth/dev-users                 who one can be: head office and a manager per branch (JSON)
//   GET /auth/dev-login?user=<id>       sets the dev token cookie and redirects to `next` (a local path) or /
//   GET /auth/dev-token?user=<id>       the token itself, for curl and tests: Authorization: Bearer <token>
//   GET /auth/dev-logout                clears the cookie
//   GET /local/status                   progress of the pipeline filling the data (npm start), when given
//
// User ids: `head-office`, or `manager:<BRANCH>`. The first visit to a page without a token signs in as
// `autoLogin` (head office by default) so `npm start` opens on the report; API calls without a valid token get
// 401, as behind API Gateway.
//
// The server listens on 127.0.0.1 and answers only requests addressed to it by a loopback name (Host: localhost,
// 127.0.0.1 or [::1] with its port); anything else gets 421 and no token. Without that check a web page on any
// site could reach it by DNS rebinding (its own name resolving to 127.0.0.1) and read tokens and data, since the
// browser would treat the server as that site.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AUTH } from '../../shared/layout/resources';
import { contentSecurityPolicy } from '../../shared/api/csp';

export type ApiHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<APIGatewayProxyStructuredResultV2>;

export interface DevUser { id: string; label: string; role: 'head-office' | 'branch-manager'; branch?: string }

export interface ApiServerOptions {
  /** Directory of the built dashboard (index.html, app.js, app.css). */
  staticDir: string;
  /** Default 0: a free port. */
  port?: number;
  host?: string;
  /** The API Lambda's handler; default lambdas/api/handler.ts (configured from process.env through shared/config.ts). */
  handler?: ApiHandler;
  /** HMAC secret of the dev tokens; default 32 random bytes (tokens die with the server). */
  secret?: Buffer;
  /** User signed in on a first page visit without a token; false: none. Default 'head-office'. */
  autoLogin?: string | false;
  /** Dev token lifetime (s), default 12 h. */
  tokenTtlSec?: number;
  /** Progress of a local pipeline run, served as JSON at /local/status for the dashboard's banner (npm start). */
  status?: () => unknown;
  /** More Host header values to answer besides the loopback names with the server's port, e.g. 'devbox.lan:8080'. */
  allowedHosts?: string[];
}

export interface ApiServer {
  url: string;
  port: number;
  server: Server;
  /** A signed token for a dev user id (head-office, manager:BR05). */
  tokenFor(userId: string): string;
  /** Claims of a dev user as a Cognito ID token would carry them. */
  claimsFor(userId: string): Record<string, unknown>;
  close(): Promise<void>;
}

const COOKIE = 'satmon_dev_token';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function signDevToken(claims: Record<string, unknown>, secret: Buffer): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** The claims of a valid, unexpired dev token; undefined for anything else. */
export function verifyDevToken(token: string, secret: Buffer, nowSec = Math.floor(Date.now() / 1000)): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts as [string, string, string];
  const want = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
  try {
    const h = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: string };
    if (h.alg !== 'HS256') return undefined;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.exp !== 'number' || claims.exp < nowSec) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/** Parse a dev user id: `head-office` or `manager:<BRANCH>`. */
export function devUser(id: string): DevUser | undefined {
  if (id === 'head-office') return { id, label: 'Head office', role: 'head-office' };
  const m = /^manager:([A-Za-z0-9_-]{1,64})$/.exec(id);
  if (!m) return undefined;
  const branch = m[1]!.toUpperCase();
  return { id: `manager:${branch}`, label: `Branch manager ${branch}`, role: 'branch-manager', branch };
}

function claimsOf(u: DevUser, ttlSec: number): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: `dev-${u.id.replace(':', '-').toLowerCase()}`,
    name: u.label,
    token_use: 'id',
    iss: 'satmon-local',
    iat: now,
    exp: now + ttlSec,
    [AUTH.groupsClaim]: [u.role === 'head-office' ? AUTH.groups.headOffice : AUTH.groups.branchManager],
    ...(u.branch ? { [AUTH.branchClaim]: u.branch } : {}),
  };
}

/** What API Gateway's JWT authorizer hands the Lambda: every claim a string, arrays as "[a b]". */
export function gatewayClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : String(v);
  return out;
}

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // A malformed escape in someone's cookie is no token, not a server error.
    }
  }
  return out;
}

/** The Host header values naming this server on `port`: the loopback names (and without the port on port 80). */
export function loopbackHosts(port: number): Set<string> {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  return new Set([...names.map((n) => `${n}:${port}`), ...(port === 80 ? names : [])]);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy': contentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer = ''): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function localPath(next: string | null): string {
  // Only same-site paths: never an open redirect.
  return next && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/';
}

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const secret = opts.secret ?? randomBytes(32);
  const ttl = opts.tokenTtlSec ?? 12 * 3600;
  const handler: ApiHandler = opts.handler ?? ((await import('../../lambdas/api/handler')).handler as ApiHandler);
  const staticDir = path.resolve(opts.staticDir);
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`${staticDir}: no index.html; build the dashboard first (node dashboard/build.mjs)`);
  }
  const autoLogin = opts.autoLogin === undefined ? 'head-office' : opts.autoLogin;

  const tokenFor = (id: string) => {
    const u = devUser(id);
    if (!u) throw new Error(`unknown dev user '${id}' (head-office or manager:<BRANCH>)`);
    return signDevToken(claimsOf(u, ttl), secret);
  };
  const setCookie = (token: string) => `${COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ttl}`;

  function claimsOfRequest(req: IncomingMessage): Record<string, unknown> | undefined {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : cookies(req)[COOKIE];
    return token ? verifyDevToken(token, secret) : undefined;
  }

  let seq = 0;
  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const claims = claimsOfRequest(req);
    // API Gateway's authorizer refuses a missing or invalid token before the Lambda runs.
    if (!claims) return send(res, 401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, JSON.stringify({ message: 'Unauthorized' }));
    const now = new Date();
    const query = Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k).join(',')]));
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v ?? '']));
    const event = {
      version: '2.0',
      routeKey: 'ANY /{proxy+}',
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      pathParameters: { proxy: url.pathname.replace(/^\//, '') },
      isBase64Encoded: false,
      requestContext: {
        accountId: 'local', apiId: 'local', domainName: url.host, domainPrefix: 'local',
        http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: String(req.headers['user-agent'] ?? '') },
        requestId: `local-${++seq}`, routeKey: 'ANY /{proxy+}', stage: '$default',
        time: now.toISOString(), timeEpoch: now.getTime(),
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: gatewayClaims(claims), scopes: null } },
      },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
    const out = await handler(event);
    const body = out.isBase64Encoded ? Buffer.from(out.body ?? '', 'base64') : Buffer.from(out.body ?? '', 'utf8');
    const h = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k, String(v)]));
    send(res, out.statusCode ?? 200, h, req.method === 'HEAD' ? '' : body);
  }

  async function devUsers(): Promise<DevUser[]> {
    // The branch list as head office sees it, through the API itself.
    const token = tokenFor('head-office');
    const claims = verifyDevToken(token, secret)!;
    const out = await handler({
      version: '2.0', rawPath: '/api/me', rawQueryString: '', headers: {}, isBase64Encoded: false, routeKey: 'ANY /{proxy+}',
      requestContext: { http: { method: 'GET', path: '/api/me' }, authorizer: { jwt: { claims: gatewayClaims(claims), scopes: null } } },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer);
    const branches = out.statusCode === 200 ? (JSON.parse(out.body ?? '{}') as { branches?: { id: string; name: string }[] }).branches ?? [] : [];
    // (label: English for logs; the page words it from id and name in the reader's language)
    return [devUser('head-office')!, ...branches.map((b) => ({ ...devUser(`manager:${b.id}`)!, label: `Branch manager ${b.id} (${b.name})`, name: b.name }))];
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, { 'content-type': 'text/plain' }, 'bad path');
    }
    let file = path.resolve(staticDir, `.${rel}`);
    if (!file.startsWith(staticDir + path.sep) && file !== staticDir) return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    const isFile = existsSync(file) && statSync(file).isFile();
    if (!isFile) {
      // Client-side routes get the app (as CloudFront's error responses do); a missing asset is a 404.
      if (path.extname(rel)) return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
      file = path.join(staticDir, 'index.html');
    }
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    };
    if (file.endsWith('index.html') && autoLogin && !claimsOfRequest(req)) headers['set-cookie'] = setCookie(tokenFor(autoLogin));
    res.writeHead(200, { ...SECURITY_HEADERS, ...headers });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  let hosts = new Set<string>();
  const server = createServer((req, res) => {
    // Before anything else (DNS rebinding): a request addressed to another name gets neither a token nor data.
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      return send(res, 421, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' },
        JSON.stringify({ error: `this server answers only http://localhost:${(server.address() as AddressInfo).port} (Host '${host.slice(0, 100)}' refused)` }));
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const run = async () => {
      if (url.pathname.startsWith('/api/')) return api(req, res, url);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }, 'method not allowed');
      if (url.pathname === '/auth/dev-users') {
        const current = claimsOfRequest(req);
        const users = await devUsers();
        const me = current ? users.find((u) => (u.branch ?? null) === ((current[AUTH.branchClaim] as string | undefined) ?? null)) : undefined;
        return send(res, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, JSON.stringify({ users, current: me?.id ?? null }));
      }
      if (url.pathname === '/auth/dev-login' || url.pathname === '/auth/dev-token') {
        const u = devUser(url.searchParams.get('user') ?? '');
        if (!u) return send(res, 400, { 'content-type': 'application/json' }, JSON.stringify({ error: "user must be 'head-office' or 'manager:<BRANCH>'" }));
        const token = tokenFor(u.id);
        if (url.pathname === '/auth/dev-token') return send(res, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, JSON.stringify({ token, user: u }));
        return send(res, 302, { location: localPath(url.searchParams.get('next')), 'set-cookie': setCookie(token), 'cache-control': 'no-store' });
      }
      if (url.pathname === '/local/status' && opts.status) {
        return send(res, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, JSON.stringify(opts.status()));
      }
      if (url.pathname === '/auth/dev-logout') {
        return send(res, 302, { location: '/', 'set-cookie': `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` });
      }
      serveStatic(req, res, url);
    };
    run().catch((e) => {
      console.error(`api-server: ${req.method} ${url.pathname}: ${(e as Error)?.stack ?? e}`);
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = new Set([...loopbackHosts(port), ...(opts.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  return {
    url: `http://localhost:${port}`,
    port,
    server,
    tokenFor,
    claimsFor: (id) => {
      const u = devUser(id);
      if (!u) throw new Error(`unknown dev user '${id}'`);
      return claimsOf(u, ttl);
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
