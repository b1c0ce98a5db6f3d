// The local dashboard server: dev tokens, the HTTP API event it builds for the handler, static files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { devUser, gatewayClaims, loopbackHosts, signDevToken, startApiServer, verifyDevToken, type ApiServer } from '../../../../infra/local/api-server';
import { makeHandler } from '../../../../lambdas/api/handler';
import type { Observability } from '../../../../lambdas/aws/observability';
import type { DashboardStore } from '../../../../shared/api/store';

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function rawGet(port: number, pathAndQuery: string, headers: Record<string, string>, opts: { setHost?: boolean } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathAndQuery, method: 'GET', headers, setHost: opts.setHost ?? true }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dev tokens', () => {
  const secret = Buffer.alloc(32, 7);
  const now = 1_800_000_000;

  it('verify what was signed; refuse a tampered, foreign, expired or malformed token', () => {
    const t = signDevToken({ sub: 'a', exp: now + 60, 'cognito:groups': ['branch-manager'], 'custom:branch': 'BR01' }, secret);
    expect(verifyDevToken(t, secret, now)).toMatchObject({ sub: 'a', 'custom:branch': 'BR01' });
    const [h, b, s] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'a', exp: now + 60, 'cognito:groups': ['head-office'] })).toString('base64url');
    expect(verifyDevToken(`${h}.${forged}.${s}`, secret, now)).toBeUndefined();
    expect(verifyDevToken(t, Buffer.alloc(32, 8), now)).toBeUndefined();
    expect(verifyDevToken(t, secret, now + 61)).toBeUndefined();
    expect(verifyDevToken(`${h}.${b}`, secret, now)).toBeUndefined();
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(verifyDevToken(`${none}.${b}.`, secret, now)).toBeUndefined();
  });

  it('user ids and the claims API Gateway would pass (all strings, arrays as "[a b]")', () => {
    expect(devUser('head-office')!.role).toBe('head-office');
    expect(devUser('manager:br05')).toMatchObject({ id: 'manager:BR05', role: 'branch-manager', branch: 'BR05' });
    expect(devUser('manager:')).toBeUndefined();
    expect(devUser('root')).toBeUndefined();
    expect(gatewayClaims({ 'cognito:groups': ['a', 'b'], exp: 5 })).toEqual({ 'cognito:groups': '[a b]', exp: '5' });
  });
});

describe('startApiServer', () => {
  let dir: string;
  let server: ApiServer;
  const events: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'satmon-site-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(tmpdir(), 'outside.txt'), 'secret');
    server = await startApiServer({
      staticDir: dir,
      handler: async (e) => {
        events.push(e);
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ claims: e.requestContext.authorizer.jwt.claims, path: e.rawPath, q: e.queryStringParameters }) };
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without a status source, /local/status is the app (so the page shows no banner)', async () => {
    const r = await fetch(`${server.url}/local/status`);
    expect(r.headers.get('content-type')).toContain('text/html');
  });

  it('serves the progress of the local pipeline at /local/status, uncached', async () => {
    let status: unknown = { state: 'processing', stage: 'ingest', done: 3, total: 10 };
    const s2 = await startApiServer({ staticDir: dir, handler: async () => ({ statusCode: 200 }), status: () => status });
    try {
      const r = await fetch(`${s2.url}/local/status`);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(await r.json()).toEqual(status);
      status = { state: 'ready' };
      expect(await (await fetch(`${s2.url}/local/status`)).json()).toEqual({ state: 'ready' });
    } finally {
      await s2.close();
    }
  });

  it('401 for /api without a token or with a bad one, as API Gateway would', async () => {
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: 'Bearer x.y.z' } })).status).toBe(401);
    expect(events).toHaveLength(0);
  });

  it('passes a Bearer token\'s claims to the handler in requestContext.authorizer.jwt.claims', async () => {
    const r = await fetch(`${server.url}/api/branches/BR05/series?kind=Y`, { headers: { authorization: `Bearer ${server.tokenFor('manager:BR05')}` } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { claims: Record<string, string>; path: string; q: Record<string, string> };
    expect(body.claims).toMatchObject({ 'cognito:groups': '[branch-manager]', 'custom:branch': 'BR05' });
    expect(body.path).toBe('/api/branches/BR05/series');
    expect(body.q).toEqual({ kind: 'Y' });
    const e = events.at(-1)!;
    expect(e.version).toBe('2.0');
    expect(e.requestContext.http.method).toBe('GET');
  });

  it('dev-login sets an HttpOnly cookie and redirects only to a local path; the cookie authenticates', async () => {
    const r = await fetch(`${server.url}/auth/dev-login?user=manager:BR01&next=${encodeURIComponent('//evil.example/x')}`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/');
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^satmon_dev_token=.+; Path=\/; HttpOnly; SameSite=Strict/);
    const api = await fetch(`${server.url}/api/me`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(((await api.json()) as { claims: Record<string, string> }).claims['custom:branch']).toBe('BR01');
    expect((await fetch(`${server.url}/auth/dev-login?user=root`, { redirect: 'manual' })).status).toBe(400);
  });

  it('serves the app: files, the app for client routes, 404 for missing assets, nothing outside the directory', async () => {
    const js = await fetch(`${server.url}/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toContain("script-src 'self'");
    const index = await fetch(`${server.url}/some/route`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>app</title>');
    // a first visit signs in as head office (npm start opens on the report)
    expect(index.headers.get('set-cookie')).toMatch(/^satmon_dev_token=/);
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/..%2Foutside.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}/app.js`, { method: 'POST' })).status).toBe(405);
  });

  it('answers only requests addressed to a loopback name with its port: no token, cookie or data for another Host (DNS rebinding)', async () => {
    const port = server.port;
    const before = events.length;
    const token = server.tokenFor('head-office');
    for (const host of ['evil.example', `evil.example:${port}`, `localhost:${port + 1}`, `127.0.0.2:${port}`, `localhost.:${port}`, `localhost:${port}.evil.example`]) {
      for (const p of ['/auth/dev-token?user=head-office', '/auth/dev-login?user=head-office', '/', '/index.html', '/api/me', '/auth/dev-users']) {
        const r = await rawGet(port, p, { host, authorization: `Bearer ${token}` });
        expect(r.status, `${host} ${p}`).toBe(421);
        expect(r.headers['set-cookie'], `${host} ${p}`).toBeUndefined();
        expect(r.body, `${host} ${p}`).not.toMatch(/token|<title>/);
      }
    }
    expect(events).toHaveLength(before); // the API handler never ran
    // Without any Host header (HTTP/1.1 requires one): refused too.
    expect((await rawGet(port, '/auth/dev-token?user=head-office', {}, { setHost: false })).status).not.toBe(200);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const r = await rawGet(port, '/auth/dev-token?user=head-office', { host });
      expect(r.status, host).toBe(200);
      expect(JSON.parse(r.body).token, host).toBeTruthy();
    }
    expect(loopbackHosts(80)).toEqual(new Set(['localhost:80', '127.0.0.1:80', '[::1]:80', 'localhost', '127.0.0.1', '[::1]']));
  });

  it('answers an extra Host only when told to (allowedHosts)', async () => {
    const s2 = await startApiServer({ staticDir: dir, handler: async () => ({ statusCode: 200 }), allowedHosts: ['DevBox.lan:9999'] });
    try {
      expect((await rawGet(s2.port, '/auth/dev-token?user=head-office', { host: 'devbox.lan:9999' })).status).toBe(200);
      expect((await rawGet(s2.port, '/auth/dev-token?user=head-office', { host: 'devbox.lan:9998' })).status).toBe(421);
    } finally {
      await s2.close();
    }
  });

  it('treats a cookie with a malformed escape as no token (401), not as a server error', async () => {
    const r = await fetch(`${server.url}/api/me`, { headers: { cookie: 'satmon_dev_token=%E0%A4%A' } });
    expect(r.status).toBe(401);
    expect((await fetch(`${server.url}/`, { headers: { cookie: 'other=%zz' } })).status).toBe(200);
  });
});

describe('a malformed percent-escape in the path', () => {
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
  const obs = () => ({ logger }) as unknown as Observability;
  // The request is refused before any data is read, so no store is needed.
  const handler = makeHandler(() => ({}) as DashboardStore, obs);
  const HEAD = { sub: 'h', 'cognito:groups': '[head-office]' };
  const event = (rawPath: string) => ({
    version: '2.0', routeKey: 'ANY /{proxy+}', rawPath, rawQueryString: '', headers: {}, isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path: rawPath }, authorizer: { jwt: { claims: HEAD, scopes: null } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

  it('is a 400 with a JSON error from the Lambda handler (not a 500 that counts toward the 5xx alarm)', async () => {
    for (const p of ['/api/branches/BR07%E0/series', '/api/branches/%zz/results', '/api/branches/BR07%/alerts', '/api/branches/%C0%AF/drops']) {
      const r = await handler(event(p));
      expect(r.statusCode, p).toBe(400);
      expect(r.headers!['content-type'], p).toMatch(/^application\/json/);
      expect(JSON.parse(r.body!), p).toMatchObject({ status: 400, error: expect.stringMatching(/not a branch id/) });
    }
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('is the same 400 through the local server, which hands the path on as sent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'satmon-site-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    const local = await startApiServer({ staticDir: dir, handler: handler as never });
    try {
      const r = await fetch(`${local.url}/api/branches/BR07%E0/series`, { headers: { authorization: `Bearer ${local.tokenFor('head-office')}` } });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await r.json()) as { error: string }).error).toMatch(/BR07%E0.*malformed percent-encoding/);
    } finally {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
