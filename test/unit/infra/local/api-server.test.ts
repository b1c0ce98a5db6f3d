// The local dashboard server: dev tokens, the HTTP API event it builds for the handler, static files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devUser, gatewayClaims, signDevToken, startApiServer, verifyDevToken, type ApiServer } from '../../../../infra/local/api-server';

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
});
