// The deployed sign-in in Debian's chromium: the built dashboard served as CloudFront serves it (unknown paths
// get index.html) with a config.json pointing at a stand-in for Cognito's hosted UI and the HTTP API on
// 127.0.0.1. The stand-in checks what Cognito checks (client, redirect URI, S256 PKCE verifier against the
// challenge, single-use code, refresh token) and, like API Gateway's JWT authorizer, accepts only tokens it
// issued before handing their claims to the real API handler over the unit tests' simulated network.
import { translator } from '../../shared/i18n/catalogue';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../dashboard/build.mjs';
import { issuer, type SiteConfig } from '../../dashboard/src/oidc';
import { handleApiRequest } from '../../shared/api/app';
import { gatewayClaims } from '../../infra/local/api-server';
import { fixture } from '../unit/shared/api/fixture';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from './setup';

// Page-side callbacks (page.evaluate) run in the browser; the project compiles without the DOM library.
declare const sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void; length: number };
declare const localStorage: { length: number };

const CLIENT_ID = 'e2eclient0123456789abcdef';
const REGION = 'ap-southeast-3';
const POOL = `${REGION}_E2eTest01`;
const USER = { sub: 'u-br02', email: 'manager.br02@example.go.id', 'cognito:groups': ['branch-manager'], 'custom:branch': 'BR02' };

interface Recorded { method: string; path: string; query: Record<string, string>; form: Record<string, string>; authorization?: string; status: number }

let dir: string;
let site: Server;
let idp: Server;
let siteUrl: string;
let idpUrl: string;
let browser: Browser;
let cfg: SiteConfig;
const log: Recorded[] = [];
/** API calls (not CORS preflights) from index `from` of the log on. */
const apiCalls = (from = 0) => log.slice(from).filter((r) => r.path.startsWith('/api/') && r.method === 'GET');
/** Codes issued by the authorize stand-in: challenge, nonce, redirect URI; deleted on use. */
const codes = new Map<string, { challenge: string; method: string; nonce: string; redirectUri: string }>();
const idTokens = new Map<string, Record<string, unknown>>();
const refreshTokens = new Set<string>();
/** When false, /oauth2/authorize shows a login page instead of signing in at once. */
let autoApprove = true;

const seen = (p: string) => log.filter((r) => r.path === p);
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function issueIdToken(nonce?: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { ...USER, iss: issuer(cfg), aud: CLIENT_ID, token_use: 'id', iat: now, exp: now + 3600, jti: randomBytes(6).toString('hex'), ...(nonce ? { nonce } : {}) };
  const token = `${b64url({ alg: 'RS256', kid: 'e2e' })}.${b64url(claims)}.${randomBytes(16).toString('base64url')}`;
  idTokens.set(token, claims);
  return token;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body = ''): void {
  res.writeHead(status, headers);
  res.end(body);
}

/** Cognito's hosted UI endpoints and the HTTP API, on one origin (as both are cross-origin to the site). */
async function idpHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', idpUrl);
  const cors = { 'access-control-allow-origin': new URL(siteUrl).origin, vary: 'origin' };
  const rec: Recorded = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), form: {}, authorization: req.headers.authorization, status: 200 };
  log.push(rec);
  const json = (status: number, body: unknown) => { rec.status = status; send(res, status, { ...cors, 'content-type': 'application/json' }, JSON.stringify(body)); };

  if (url.pathname === '/oauth2/authorize') {
    const q = rec.query;
    if (q.client_id !== CLIENT_ID || q.redirect_uri !== cfg.redirectUri || q.response_type !== 'code') return json(400, { error: 'invalid_request' });
    if (!autoApprove) return send(res, 200, { 'content-type': 'text/html' }, '<!doctype html><title>Sign in</title><link rel="icon" href="data:,"><h1>Hosted UI sign-in</h1>');
    const code = randomBytes(16).toString('hex');
    codes.set(code, { challenge: q.code_challenge ?? '', method: q.code_challenge_method ?? '', nonce: q.nonce ?? '', redirectUri: q.redirect_uri });
    rec.status = 302;
    return send(res, 302, { location: `${q.redirect_uri}?${new URLSearchParams({ code, state: q.state ?? '' })}` });
  }
  if (url.pathname === '/logout') {
    rec.status = 302;
    return send(res, 302, { location: rec.query.logout_uri ?? '/' });
  }
  if (req.method === 'POST' && (url.pathname === '/oauth2/token' || url.pathname === '/oauth2/revoke')) {
    rec.form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const f = rec.form;
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || f.client_id !== CLIENT_ID || 'client_secret' in f) return json(400, { error: 'invalid_client' });
    if (url.pathname === '/oauth2/revoke') {
      refreshTokens.delete(f.token ?? '');
      return json(200, {});
    }
    if (f.grant_type === 'authorization_code') {
      const c = codes.get(f.code ?? '');
      codes.delete(f.code ?? '');
      const s256 = createHash('sha256').update(f.code_verifier ?? '').digest('base64url');
      if (!c || c.method !== 'S256' || s256 !== c.challenge || f.redirect_uri !== c.redirectUri) return json(400, { error: 'invalid_grant' });
      const refresh = `rt-${randomBytes(8).toString('hex')}`;
      refreshTokens.add(refresh);
      return json(200, { id_token: issueIdToken(c.nonce), access_token: 'at', refresh_token: refresh, expires_in: 3600, token_type: 'Bearer' });
    }
    if (f.grant_type === 'refresh_token' && refreshTokens.has(f.refresh_token ?? '')) {
      return json(200, { id_token: issueIdToken(), access_token: 'at2', expires_in: 3600, token_type: 'Bearer' });
    }
    return json(400, { error: 'invalid_grant' });
  }
  if (url.pathname.startsWith('/api/')) {
    if (req.method === 'OPTIONS') {
      rec.status = 204;
      return send(res, 204, { ...cors, 'access-control-allow-headers': 'authorization,content-type', 'access-control-allow-methods': 'GET', 'access-control-max-age': '0' });
    }
    // API Gateway's JWT authorizer: only tokens this pool issued, unexpired, for this client.
    const token = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : '';
    const claims = idTokens.get(token);
    if (!claims || (claims.exp as number) < Date.now() / 1000) return json(401, { message: 'Unauthorized' });
    const query = Object.fromEntries(url.searchParams);
    const out = await handleApiRequest({ method: req.method ?? 'GET', path: url.pathname, query, claims: gatewayClaims(claims) }, (await fixture()).store());
    rec.status = out.status;
    return send(res, out.status, { ...out.headers, ...cors }, out.body);
  }
  json(404, { error: 'not found' });
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** The site as CloudFront serves it: files from the bucket, index.html for anything else (403/404 -> 200). */
function siteHandler(req: IncomingMessage, res: ServerResponse): void {
  const name = new URL(req.url ?? '/', siteUrl).pathname.replace(/^\/+/, '');
  const file = ['app.js', 'app.css', 'config.json'].includes(name) ? name : 'index.html';
  send(res, 200, { 'content-type': TYPES[path.extname(file)]!, 'cache-control': 'no-cache' }, readFileSync(path.join(dir, file), 'utf8'));
}

async function listen(s: Server): Promise<string> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  requireChromium();
  dir = mkdtempSync(path.join(tmpdir(), 'satmon-e2e-signin-'));
  await buildDashboard({ outDir: dir });
  site = createServer(siteHandler);
  idp = createServer((req, res) => void idpHandler(req, res).catch((e) => send(res, 500, {}, String(e))));
  siteUrl = `${await listen(site)}/`;
  idpUrl = await listen(idp);
  cfg = { apiBaseUrl: `${idpUrl}/`, region: REGION, userPoolId: POOL, clientId: CLIENT_ID, cognitoDomain: idpUrl, redirectUri: siteUrl };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
  await fixture();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  for (const s of [site, idp]) if (s) { s.closeAllConnections(); await new Promise((r) => s.close(r)); }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ready(p: Page, previous?: unknown): Promise<void> {
  await p.waitForFunction((prev) => {
    const el = (globalThis as any).document.querySelector('.page[data-ready="true"]');
    return !!el && el !== prev;
  }, previous ?? null, { timeout: 20_000 });
}

describe('sign-in with the hosted UI (authorization code + PKCE)', () => {
  let ctx: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    ctx = await browser.newContext();
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterAll(async () => ctx?.close());

  it('sends a visitor without a session to /oauth2/authorize with an S256 challenge, state and nonce', async () => {
    await page.goto(`${siteUrl}#/alerts`);
    await ready(page);
    const [auth] = seen('/oauth2/authorize');
    expect(auth!.query).toMatchObject({
      response_type: 'code', client_id: CLIENT_ID, redirect_uri: siteUrl, scope: 'openid email profile', code_challenge_method: 'S256',
    });
    expect(auth!.query.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth!.query.state!.length).toBeGreaterThanOrEqual(32);
    expect(auth!.query.nonce!.length).toBeGreaterThanOrEqual(32);
  });

  it('exchanges the code with the verifier of that challenge, form-encoded, without a secret', () => {
    const [tok] = seen('/oauth2/token');
    expect(tok!.status).toBe(200);
    expect(Object.keys(tok!.form).sort()).toEqual(['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    expect(tok!.form.grant_type).toBe('authorization_code');
    const challenge = seen('/oauth2/authorize')[0]!.query.code_challenge;
    expect(createHash('sha256').update(tok!.form.code_verifier!).digest('base64url')).toBe(challenge);
  });

  it('calls the API with the ID token as Bearer; the API scopes the user from its custom:branch claim', async () => {
    const api = apiCalls();
    expect(api.map((r) => r.path)).toContain('/api/me');
    const first = [...idTokens.keys()][0]!;
    for (const r of api) expect(r.authorization).toBe(`Bearer ${first}`);
    expect(api.every((r) => r.status === 200)).toBe(true);
    expect(await page.locator('#nav').innerText()).toContain(translator('id')('dash.nav.myBranch')); // the deployment's default: Indonesian
    expect(await page.locator('#user .user-name').innerText()).toBe(USER.email);
    expect(await page.locator('#sign-out').isVisible()).toBe(true);
  });

  it('keeps the tokens in sessionStorage only, and leaves no code in the address bar', async () => {
    expect(page.url()).toBe(`${siteUrl}#/alerts`);
    const stored = await page.evaluate(() => ({ session: sessionStorage.getItem('satmon.session'), pending: sessionStorage.getItem('satmon.signin'), local: localStorage.length }));
    expect(JSON.parse(stored.session!)).toMatchObject({ idToken: [...idTokens.keys()][0], refreshToken: expect.stringMatching(/^rt-/) });
    expect(stored.pending).toBeNull();
    expect(stored.local).toBe(0);
    expect(await ctx.cookies()).toEqual([]);
  });

  it('refreshes a token close to expiry with the refresh token before calling the API', async () => {
    const before = { authorize: seen('/oauth2/authorize').length, tokens: idTokens.size };
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('satmon.session')!);
      sessionStorage.setItem('satmon.session', JSON.stringify({ ...s, expiresAt: Math.floor(Date.now() / 1000) + 60 }));
    });
    const t0 = log.length;
    await page.reload();
    await ready(page);
    const refresh = log.slice(t0).filter((r) => r.path === '/oauth2/token');
    expect(refresh.map((r) => r.form.grant_type)).toEqual(['refresh_token']);
    expect(refresh[0]!.form.refresh_token).toMatch(/^rt-/);
    expect(seen('/oauth2/authorize')).toHaveLength(before.authorize);
    const second = [...idTokens.keys()][before.tokens]!;
    const api = apiCalls(t0);
    expect(api.length).toBeGreaterThan(0);
    for (const r of api) expect(r.authorization).toBe(`Bearer ${second}`);
  });

  it('on a 401 refreshes once and retries the call with the new token', async () => {
    const current = [...idTokens.keys()].at(-1)!;
    idTokens.delete(current); // the API no longer accepts it
    const t0 = log.length;
    const prev = await page.$('.page[data-ready="true"]');
    await page.click('#refresh');
    await ready(page, prev);
    const after = log.slice(t0);
    const me = apiCalls(t0).filter((r) => r.path === '/api/me');
    expect(me.map((r) => r.status)).toEqual([401, 200]);
    expect(after.filter((r) => r.path === '/oauth2/token').map((r) => r.form.grant_type)).toEqual(['refresh_token']);
    expect(me[1]!.authorization).toBe(`Bearer ${[...idTokens.keys()].at(-1)}`);
  });

  it('signs out: revokes the refresh token, clears the session and goes to the hosted UI logout', async () => {
    const refresh = JSON.parse((await page.evaluate(() => sessionStorage.getItem('satmon.session')))!).refreshToken as string;
    autoApprove = false;
    try {
      const t0 = log.length;
      await page.click('#sign-out');
      await page.waitForURL((u) => u.pathname === '/oauth2/authorize', { timeout: 20_000 });
      const after = log.slice(t0).filter((r) => r.path !== '/favicon.ico');
      expect(after.map((r) => r.path)).toEqual(['/oauth2/revoke', '/logout', '/oauth2/authorize']);
      expect(after[0]!.form).toEqual({ token: refresh, client_id: CLIENT_ID });
      expect(after[1]!.query).toEqual({ client_id: CLIENT_ID, logout_uri: siteUrl });
      expect(refreshTokens.has(refresh)).toBe(false);
      expect(await page.locator('h1').innerText()).toBe('Hosted UI sign-in');
    } finally {
      autoApprove = true;
    }
    expect(errors).toEqual([]);
  });
});

describe('a forged or failed return from the hosted UI', () => {
  it('refuses a code whose state this tab did not send, without exchanging it', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const t0 = log.length;
      await page.goto(`${siteUrl}?code=stolen-code&state=${'x'.repeat(32)}`);
      const err = page.locator('.error[data-status="sign-in"]');
      await err.waitFor({ timeout: 20_000 });
      expect(await err.innerText()).toMatch(/state/);
      expect(await page.locator('#sign-in').isVisible()).toBe(true);
      expect(log.slice(t0).filter((r) => r.path === '/oauth2/token')).toEqual([]);
      expect(page.url()).toBe(siteUrl);
    } finally {
      await ctx.close();
    }
  });

  it('shows an error the hosted UI returned (e.g. access_denied) with a way to sign in again', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      await page.goto(`${siteUrl}?error=access_denied&error_description=User+is+disabled&state=x`);
      const err = page.locator('.error[data-status="sign-in"]');
      await err.waitFor({ timeout: 20_000 });
      expect(await err.innerText()).toContain('access_denied (User is disabled)');
      const t0 = log.length;
      await page.click('#sign-in');
      await ready(page);
      expect(log.slice(t0).map((r) => r.path).slice(0, 2)).toEqual(['/oauth2/authorize', '/oauth2/token']);
    } finally {
      await ctx.close();
    }
  });
});
