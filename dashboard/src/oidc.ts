// The pure parts of signing in with Cognito's hosted UI (OAuth 2.0 authorization code + PKCE, RFC 7636): the
// site configuration, PKCE verifier and challenge, the authorize / token / revoke / logout requests, reading the
// ID token's claims and deciding whether a stored session can be used, refreshed or needs a new sign-in.
// No DOM here (the tests run it in Node; WebCrypto is globalThis.crypto in both); ./auth.ts does the browser part.
//
// The ID token's signature is not checked here: the browser only uses the token, API Gateway's JWT authorizer
// verifies it on every call. The claim checks below catch a token meant for another pool or client early.

/** `/config.json` of the deployed site, written at deploy time from the stack's values (infra/constructs/dashboard.ts). */
export interface SiteConfig {
  /** Base URL of the HTTP API; calls go to `${apiBaseUrl}api/...`. */
  apiBaseUrl: string;
  region: string;
  userPoolId: string;
  /** App client (public: no secret; PKCE). */
  clientId: string;
  /** Hosted UI base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  cognitoDomain: string;
  /** Where Cognito sends the browser back after sign-in and sign-out: the site's root URL. */
  redirectUri: string;
}

export const SITE_CONFIG_KEYS = ['apiBaseUrl', 'region', 'userPoolId', 'clientId', 'cognitoDomain', 'redirectUri'] as const satisfies readonly (keyof SiteConfig)[];

/** Scopes asked for: the ID token (openid) with the email and profile claims. */
export const SCOPES = ['openid', 'email', 'profile'];

/** Refresh (or sign in again) when the ID token has less than this left, so no call goes out with a dying token. */
export const REFRESH_SKEW_SEC = 300;

export class SignInError extends Error {}

/** Plain http is accepted only for a loopback host (tests and local trials); everything else must be https. */
function checkUrl(name: string, v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new SignInError(`config.json: ${name} is not a URL: ${v.slice(0, 100)}`);
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) throw new SignInError(`config.json: ${name} must be an https URL: ${v.slice(0, 100)}`);
  return v;
}

/** Validate `/config.json`; the error names the field. */
export function parseSiteConfig(x: unknown): SiteConfig {
  if (!x || typeof x !== 'object' || Array.isArray(x)) throw new SignInError('config.json: expected a JSON object');
  const o = x as Record<string, unknown>;
  for (const k of SITE_CONFIG_KEYS) {
    if (typeof o[k] !== 'string' || !(o[k] as string).trim()) throw new SignInError(`config.json: ${k} is missing or not a string`);
  }
  const cfg = Object.fromEntries(SITE_CONFIG_KEYS.map((k) => [k, (o[k] as string).trim()])) as unknown as SiteConfig;
  for (const k of ['apiBaseUrl', 'cognitoDomain', 'redirectUri'] as const) checkUrl(k, cfg[k]);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(cfg.region)) throw new SignInError(`config.json: region is not an AWS region: ${cfg.region}`);
  if (!cfg.userPoolId.startsWith(`${cfg.region}_`)) throw new SignInError(`config.json: userPoolId ${cfg.userPoolId} is not in region ${cfg.region}`);
  return { ...cfg, cognitoDomain: cfg.cognitoDomain.replace(/\/+$/, '') };
}

/** The `iss` claim of this pool's tokens. */
export function issuer(cfg: Pick<SiteConfig, 'region' | 'userPoolId'>): string {
  return `https://cognito-idp.${cfg.region}.amazonaws.com/${cfg.userPoolId}`;
}

// ----------------------------------------------------------------------------------------------------- PKCE

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64urlDecode(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  return atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
}

/** A random URL-safe string of `bytes` random bytes (32 bytes: 43 characters, a valid PKCE verifier). */
export function randomToken(bytes = 32): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(bytes)));
}

/** RFC 7636 §4.1: 43-128 characters of [A-Z a-z 0-9 - . _ ~]. */
export function isValidVerifier(v: string): boolean {
  return /^[A-Za-z0-9\-._~]{43,128}$/.test(v);
}

/** S256 code challenge: BASE64URL(SHA-256(ASCII(verifier))) (RFC 7636 §4.2). */
export async function pkceChallenge(verifier: string): Promise<string> {
  if (!isValidVerifier(verifier)) throw new Error('PKCE verifier must be 43-128 unreserved characters');
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

// ------------------------------------------------------------------------------------------------ requests

/** What the browser keeps between leaving for the hosted UI and coming back. */
export interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  /** Path and hash to return to (Cognito returns to redirectUri, without the hash). */
  returnTo: string;
  /** When the sign-in started (s), to refuse a stale one. */
  startedAt: number;
}

export function authorizeUrl(cfg: SiteConfig, p: { state: string; codeChallenge: string; nonce: string }): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: cfg.redirectUri,
    scope: SCOPES.join(' '),
    state: p.state,
    nonce: p.nonce,
    code_challenge: p.codeChallenge,
    code_challenge_method: 'S256',
  });
  return `${cfg.cognitoDomain}/oauth2/authorize?${q}`;
}

/** Cognito's logout endpoint: ends the hosted UI session, then returns to logout_uri (one of the client's LogoutURLs). */
export function logoutUrl(cfg: SiteConfig): string {
  return `${cfg.cognitoDomain}/logout?${new URLSearchParams({ client_id: cfg.clientId, logout_uri: cfg.redirectUri })}`;
}

export interface FormRequest { url: string; body: URLSearchParams }

/** Code for tokens at /oauth2/token (a public client: client_id and the verifier, no secret). */
export function codeExchangeRequest(cfg: SiteConfig, code: string, verifier: string): FormRequest {
  return {
    url: `${cfg.cognitoDomain}/oauth2/token`,
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: cfg.clientId, code, redirect_uri: cfg.redirectUri, code_verifier: verifier }),
  };
}

export function refreshRequest(cfg: SiteConfig, refreshToken: string): FormRequest {
  return { url: `${cfg.cognitoDomain}/oauth2/token`, body: new URLSearchParams({ grant_type: 'refresh_token', client_id: cfg.clientId, refresh_token: refreshToken }) };
}

/** Revoking the refresh token at sign-out: no new ID tokens from it. */
export function revokeRequest(cfg: SiteConfig, refreshToken: string): FormRequest {
  return { url: `${cfg.cognitoDomain}/oauth2/revoke`, body: new URLSearchParams({ token: refreshToken, client_id: cfg.clientId }) };
}

export type Callback =
  | { kind: 'none' }
  | { kind: 'code'; code: string; state: string }
  | { kind: 'error'; error: string; description: string; state: string | null };

/** The query Cognito appends to redirectUri: `?code=&state=` or `?error=&error_description=&state=`. */
export function parseCallback(search: string): Callback {
  const q = new URLSearchParams(search);
  const error = q.get('error');
  if (error) return { kind: 'error', error, description: q.get('error_description') ?? '', state: q.get('state') };
  const code = q.get('code');
  const state = q.get('state');
  if (code && state) return { kind: 'code', code, state };
  return { kind: 'none' };
}

/** Sign-ins older than this are refused on return (the hosted UI's own session lasts about as long). */
export const PENDING_MAX_AGE_SEC = 3600;

/** True when the returned state is the one sent (compared in full, without an early exit) and the sign-in is recent. */
export function checkState(pending: Pick<PendingSignIn, 'state' | 'startedAt'> | undefined, returned: string | null, nowSec: number): boolean {
  if (!pending || typeof pending.state !== 'string' || typeof pending.startedAt !== 'number' || !returned) return false;
  if (pending.state.length < 16 || returned.length !== pending.state.length) return false;
  let diff = 0;
  for (let i = 0; i < returned.length; i++) diff |= returned.charCodeAt(i) ^ pending.state.charCodeAt(i);
  return diff === 0 && nowSec - pending.startedAt <= PENDING_MAX_AGE_SEC && pending.startedAt <= nowSec + 60;
}

// ------------------------------------------------------------------------------------------------- tokens

/** The payload of a JWT, unverified; undefined if it is not one. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const json = decodeURIComponent(Array.from(base64urlDecode(parts[1]), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''));
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface Session {
  idToken: string;
  accessToken?: string;
  refreshToken?: string;
  /** The ID token's `exp` (s since the epoch). */
  expiresAt: number;
  /** When the session was created by a sign-in (s); refreshes keep it. */
  signedInAt: number;
}

export interface TokenResponse { id_token?: string; access_token?: string; refresh_token?: string; expires_in?: number; token_type?: string }

/**
 * A session from a /oauth2/token response, after checking the ID token was issued by this pool, for this client,
 * is an ID token, is not expired and (after a sign-in) carries the nonce sent. A refresh keeps the refresh token
 * (Cognito returns a new one only with rotation on).
 */
export function sessionFromTokens(cfg: SiteConfig, r: TokenResponse, opts: { nowSec: number; nonce?: string; previous?: Session }): Session {
  if (!r.id_token) throw new SignInError('the token endpoint returned no ID token');
  const c = decodeJwtClaims(r.id_token);
  if (!c) throw new SignInError('the ID token is not a JWT');
  if (c.iss !== issuer(cfg)) throw new SignInError(`the ID token was issued by ${String(c.iss)}, not ${issuer(cfg)}`);
  const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!aud.includes(cfg.clientId)) throw new SignInError('the ID token is for another app client');
  if (c.token_use !== 'id') throw new SignInError('the token is not an ID token');
  if (typeof c.exp !== 'number' || c.exp <= opts.nowSec) throw new SignInError('the ID token has expired');
  if (opts.nonce !== undefined && c.nonce !== opts.nonce) throw new SignInError('the ID token does not carry the nonce of this sign-in');
  return {
    idToken: r.id_token,
    accessToken: r.access_token ?? opts.previous?.accessToken,
    refreshToken: r.refresh_token ?? opts.previous?.refreshToken,
    expiresAt: c.exp,
    signedInAt: opts.previous?.signedInAt ?? opts.nowSec,
  };
}

/** A stored session, if it has the shape of one (sessionStorage is user-editable). */
export function parseSession(json: string | null): Session | undefined {
  if (!json) return undefined;
  try {
    const s = JSON.parse(json) as Partial<Session>;
    if (typeof s.idToken !== 'string' || typeof s.expiresAt !== 'number' || typeof s.signedInAt !== 'number') return undefined;
    if (s.refreshToken !== undefined && typeof s.refreshToken !== 'string') return undefined;
    return s as Session;
  } catch {
    return undefined;
  }
}

export type SessionDecision = 'use' | 'refresh' | 'signin';

/** Use the ID token while it has more than `skewSec` left; then refresh if there is a refresh token, else sign in. */
export function sessionDecision(s: Session | undefined, nowSec: number, skewSec = REFRESH_SKEW_SEC): SessionDecision {
  if (!s) return 'signin';
  if (s.expiresAt - nowSec > skewSec) return 'use';
  return s.refreshToken ? 'refresh' : 'signin';
}

/** After a sign-in this recent, a 401 is not fixed by signing in again (it would loop): show it instead. */
export const FRESH_SIGN_IN_SEC = 60;

/** On a 401 (after a refresh was tried): send the user to sign in again, unless they just did. */
export function signInAgainOn401(s: Session | undefined, nowSec: number): boolean {
  return !s || nowSec - s.signedInAt > FRESH_SIGN_IN_SEC;
}

/** Who is signed in, for the header: name, else email, else the subject. */
export function displayName(idToken: string): string {
  const c = decodeJwtClaims(idToken) ?? {};
  for (const k of ['name', 'email', 'cognito:username', 'sub']) if (typeof c[k] === 'string' && c[k]) return c[k] as string;
  return 'signed in';
}
