// Sign-in for the deployed dashboard: Cognito's hosted UI with the authorization code grant and PKCE, written out
// by hand (a few hundred bytes, where an auth library would add tens of KB). The decisions are in ./oidc.ts.
//
//   /config.json absent (404, or CloudFront's index.html fallback)  -> local: the dev cookie of infra/local.
//   present -> API calls go to its apiBaseUrl with `Authorization: Bearer <ID token>`:
//     no usable session    -> remember {state, verifier, nonce, hash} and go to <cognitoDomain>/oauth2/authorize
//     back with ?code&state -> check state, exchange the code at /oauth2/token (form-encoded, no secret), check
//                              the ID token's issuer, audience, use and nonce, drop ?code from the URL
//     token about to expire -> refresh with the refresh token before the call; a 401 refreshes once, then signs in
//     Sign out             -> clear the session, revoke the refresh token, go to <cognitoDomain>/logout
//
// Tokens live in sessionStorage (this tab only, gone when it closes), never in localStorage. A new tab signs in
// again, silently while the hosted UI's own session lasts.
import { setApiBase, setAuthHeader, setAuthHooks } from './api';
import { t } from './i18n';
import {
  authorizeUrl, checkState, codeExchangeRequest, displayName, logoutUrl, parseCallback, parseSession, parseSiteConfig,
  pkceChallenge, randomToken, refreshRequest, revokeRequest, sessionDecision, sessionFromTokens, signInAgainOn401,
  SignInError, type FormRequest, type PendingSignIn, type Session, type SiteConfig, type TokenResponse,
} from './oidc';

const SESSION_KEY = 'satmon.session';
const PENDING_KEY = 'satmon.signin';

export type Auth =
  | { mode: 'local' }
  | { mode: 'redirecting' }
  | { mode: 'cognito'; user: string; signIn(): Promise<void>; signOut(): Promise<void> }
  | { mode: 'failed'; error: Error; signIn(): Promise<void> };

const nowSec = () => Math.floor(Date.now() / 1000);

/** The site's config.json on AWS; undefined when there is none (the local server, or a site deployed without it). */
export async function loadConfig(): Promise<SiteConfig | undefined> {
  const r = await fetch('/config.json', { cache: 'no-store', headers: { accept: 'application/json' } });
  // CloudFront answers a missing object with index.html (its SPA fallback): not JSON, so no config.
  if (!r.ok || !(r.headers.get('content-type') ?? '').includes('json')) return undefined;
  return parseSiteConfig(await r.json());
}

async function postForm(req: FormRequest, timeoutMs = 15_000): Promise<TokenResponse> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const r = await fetch(req.url, {
      method: 'POST', body: req.body, signal: ctl.signal, credentials: 'omit',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    const body = (await r.json().catch(() => ({}))) as TokenResponse & { error?: string; error_description?: string };
    if (!r.ok) throw new SignInError(`${new URL(req.url).pathname}: ${r.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim());
    return body;
  } finally {
    clearTimeout(timer);
  }
}

export async function initAuth(): Promise<Auth> {
  const cfg = await loadConfig();
  if (!cfg) return { mode: 'local' };
  setApiBase(cfg.apiBaseUrl);

  let session = parseSession(sessionStorage.getItem(SESSION_KEY));
  const save = (s: Session | undefined) => {
    session = s;
    if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else sessionStorage.removeItem(SESSION_KEY);
  };

  const signIn = async (): Promise<void> => {
    const pending: PendingSignIn = { state: randomToken(24), verifier: randomToken(32), nonce: randomToken(24), returnTo: location.hash, startedAt: nowSec() };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    location.assign(authorizeUrl(cfg, { state: pending.state, nonce: pending.nonce, codeChallenge: await pkceChallenge(pending.verifier) }));
    // The page is leaving: never settle, so nothing renders an error in the meantime.
    return new Promise<void>(() => {});
  };
  const failed = (error: unknown): Auth => ({ mode: 'failed', error: error instanceof Error ? error : new Error(String(error)), signIn });

  // Back from the hosted UI?
  const cb = parseCallback(location.search);
  if (cb.kind !== 'none') {
    let pending: PendingSignIn | undefined;
    try {
      pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | undefined ?? undefined;
    } catch { /* unreadable: treated as absent */ }
    sessionStorage.removeItem(PENDING_KEY);
    const hash = pending?.returnTo && pending.returnTo.startsWith('#') ? pending.returnTo : location.hash;
    history.replaceState(null, '', `${location.pathname}${hash}`); // the code is single-use; keep it out of history
    if (cb.kind === 'error') return failed(new SignInError(t('dash.auth.failed', { message: `${cb.error}${cb.description ? ` (${cb.description})` : ''}` })));
    if (!pending || typeof pending.verifier !== 'string' || !checkState(pending, cb.state, nowSec())) {
      return failed(new SignInError(t('dash.auth.stateMismatch')));
    }
    try {
      const tokens = await postForm(codeExchangeRequest(cfg, cb.code, pending.verifier));
      save(sessionFromTokens(cfg, tokens, { nowSec: nowSec(), nonce: pending.nonce }));
    } catch (e) {
      save(undefined);
      return failed(e);
    }
  }

  let refreshing: Promise<boolean> | undefined;
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      const s = session;
      if (!s?.refreshToken) return false;
      try {
        save(sessionFromTokens(cfg, await postForm(refreshRequest(cfg, s.refreshToken)), { nowSec: nowSec(), previous: s }));
        return true;
      } catch {
        return false; // expired or revoked refresh token: the caller signs in again
      }
    })().finally(() => { refreshing = undefined; });
    return refreshing;
  };

  const decision = sessionDecision(session, nowSec());
  if (decision === 'signin' || (decision === 'refresh' && !(await refresh()))) {
    save(undefined);
    await signIn();
    return { mode: 'redirecting' };
  }

  setAuthHeader(() => session?.idToken);
  setAuthHooks({
    beforeRequest: async () => {
      const d = sessionDecision(session, nowSec());
      if (d === 'use' || (d === 'refresh' && (await refresh()))) return;
      if (sessionDecision(session, nowSec(), 0) === 'use') return; // not expired yet: a 401 will say if it matters
      await signIn();
    },
    onUnauthorized: async (attempt) => {
      if (attempt === 0 && (await refresh())) return true;
      // Signing in again right after signing in would loop (e.g. a misconfigured authorizer): show the 401 instead.
      if (signInAgainOn401(session, nowSec())) {
        save(undefined);
        await signIn();
      }
      return false;
    },
  });

  return {
    mode: 'cognito',
    user: displayName(session!.idToken),
    signIn,
    signOut: async () => {
      const s = session;
      save(undefined);
      sessionStorage.removeItem(PENDING_KEY);
      // Revoking the refresh token ends refreshes (API Gateway checks ID tokens offline: one already issued lives
      // until its exp); the logout endpoint ends the hosted UI's session so the next visit asks for the password.
      if (s?.refreshToken) await postForm(revokeRequest(cfg, s.refreshToken), 3000).catch(() => undefined);
      location.assign(logoutUrl(cfg));
      return new Promise<void>(() => {});
    },
  };
}
