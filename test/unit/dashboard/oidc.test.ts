// The pure sign-in logic of the dashboard (dashboard/src/oidc.ts): PKCE against RFC 7636's own example, the
// hosted UI URLs and token requests Cognito expects from a public client, the ID token checks, and when a
// stored session is used, refreshed or replaced by a new sign-in. Node 20's WebCrypto is the browser's API.
import { describe, expect, it } from 'vitest';
import {
  authorizeUrl, base64url, checkState, codeExchangeRequest, decodeJwtClaims, displayName, isValidVerifier, issuer,
  logoutUrl, parseCallback, parseSession, parseSiteConfig, pkceChallenge, randomToken, refreshRequest, REFRESH_SKEW_SEC,
  revokeRequest, sessionDecision, sessionFromTokens, signInAgainOn401, SignInError, SITE_CONFIG_KEYS, type Session, type SiteConfig,
} from '../../../dashboard/src/oidc';

const CFG: SiteConfig = {
  apiBaseUrl: 'https://abc123.execute-api.ap-southeast-3.amazonaws.com/',
  region: 'ap-southeast-3',
  userPoolId: 'ap-southeast-3_AbCdEf123',
  clientId: '1example23456789abcdefghij',
  cognitoDomain: 'https://satmon-123456789012.auth.ap-southeast-3.amazoncognito.com',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/',
};
const NOW = 1_800_000_000;

/** An unsigned JWT with these claims (the browser never checks signatures; API Gateway does). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(claims)}.c2ln`;
}
const idClaims = (over: Record<string, unknown> = {}) => ({
  sub: 'u-1', iss: issuer(CFG), aud: CFG.clientId, token_use: 'id', exp: NOW + 3600, iat: NOW, nonce: 'n-123',
  email: 'budi@example.go.id', 'cognito:groups': ['branch-manager'], 'custom:branch': 'BR07', ...over,
});

describe('PKCE (RFC 7636)', () => {
  it('derives the S256 challenge of the appendix B example', async () => {
    // RFC 7636 appendix B: the verifier hashes to these 32 octets, whose base64url is E9Melhoa...-cM (checked
    // against the RFC text and node:crypto's createHash('sha256').digest('base64url')).
    const hash = [19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195];
    expect(base64url(new Uint8Array(hash))).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('base64url-encodes the appendix B verifier octets to the verifier (no padding, - and _)', () => {
    // RFC 7636 appendix B: the 32 random octets behind the verifier above.
    const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
    expect(base64url(new Uint8Array(octets))).toBe('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('makes random verifiers of 43 unreserved characters, different each time', () => {
    const a = randomToken(32);
    const b = randomToken(32);
    expect(a).toHaveLength(43);
    expect(isValidVerifier(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it('refuses verifiers outside 43-128 unreserved characters', async () => {
    expect(isValidVerifier('a'.repeat(42))).toBe(false);
    expect(isValidVerifier('a'.repeat(129))).toBe(false);
    expect(isValidVerifier(`${'a'.repeat(42)}+`)).toBe(false);
    expect(isValidVerifier('a'.repeat(128))).toBe(true);
    await expect(pkceChallenge('short')).rejects.toThrow(/43-128/);
  });
});

describe('hosted UI requests', () => {
  it('sends the browser to /oauth2/authorize with code, S256 challenge, state, nonce and the three scopes', () => {
    const u = new URL(authorizeUrl(CFG, { state: 's'.repeat(32), codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', nonce: 'n-123' }));
    expect(`${u.origin}${u.pathname}`).toBe(`${CFG.cognitoDomain}/oauth2/authorize`);
    expect(Object.fromEntries(u.searchParams)).toEqual({
      response_type: 'code', client_id: CFG.clientId, redirect_uri: CFG.redirectUri, scope: 'openid email profile',
      state: 's'.repeat(32), nonce: 'n-123', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    });
  });

  it('signs out at /logout with the client id and the site as logout_uri', () => {
    const u = new URL(logoutUrl(CFG));
    expect(`${u.origin}${u.pathname}`).toBe(`${CFG.cognitoDomain}/logout`);
    expect(Object.fromEntries(u.searchParams)).toEqual({ client_id: CFG.clientId, logout_uri: CFG.redirectUri });
  });

  it('exchanges the code form-encoded with the verifier and no secret; refreshes and revokes the same way', () => {
    const x = codeExchangeRequest(CFG, 'the-code', 'v'.repeat(43));
    expect(x.url).toBe(`${CFG.cognitoDomain}/oauth2/token`);
    expect(Object.fromEntries(x.body)).toEqual({ grant_type: 'authorization_code', client_id: CFG.clientId, code: 'the-code', redirect_uri: CFG.redirectUri, code_verifier: 'v'.repeat(43) });
    const r = refreshRequest(CFG, 'rt');
    expect(r.url).toBe(`${CFG.cognitoDomain}/oauth2/token`);
    expect(Object.fromEntries(r.body)).toEqual({ grant_type: 'refresh_token', client_id: CFG.clientId, refresh_token: 'rt' });
    const v = revokeRequest(CFG, 'rt');
    expect(v.url).toBe(`${CFG.cognitoDomain}/oauth2/revoke`);
    expect(Object.fromEntries(v.body)).toEqual({ token: 'rt', client_id: CFG.clientId });
    for (const req of [x, r, v]) expect(req.body.has('client_secret')).toBe(false);
  });

  it('reads the redirect back: a code with its state, an error, or nothing', () => {
    expect(parseCallback('?code=abc&state=xyz')).toEqual({ kind: 'code', code: 'abc', state: 'xyz' });
    expect(parseCallback('?error=access_denied&error_description=User+cancelled&state=xyz')).toEqual({ kind: 'error', error: 'access_denied', description: 'User cancelled', state: 'xyz' });
    expect(parseCallback('')).toEqual({ kind: 'none' });
    expect(parseCallback('?code=abc')).toEqual({ kind: 'none' });
  });
});

describe('state check', () => {
  const pending = { state: 'S'.repeat(32), startedAt: NOW - 30 };

  it('accepts the state sent, from a recent sign-in', () => {
    expect(checkState(pending, 'S'.repeat(32), NOW)).toBe(true);
  });

  it('refuses another state, a missing one, no pending sign-in, a stale sign-in, a trivially short state', () => {
    expect(checkState(pending, `${'S'.repeat(31)}T`, NOW)).toBe(false);
    expect(checkState(pending, 'S'.repeat(31), NOW)).toBe(false);
    expect(checkState(pending, null, NOW)).toBe(false);
    expect(checkState(undefined, 'S'.repeat(32), NOW)).toBe(false);
    expect(checkState({ ...pending, startedAt: NOW - 3601 }, 'S'.repeat(32), NOW)).toBe(false);
    expect(checkState({ state: 'abc', startedAt: NOW }, 'abc', NOW)).toBe(false);
    // sessionStorage is user-editable: a malformed pending sign-in is refused, not a crash
    expect(checkState({} as never, 'S'.repeat(32), NOW)).toBe(false);
    expect(checkState({ state: 'S'.repeat(32) } as never, 'S'.repeat(32), NOW)).toBe(false);
  });
});

describe('ID token and session', () => {
  it('decodes JWT claims, UTF-8 included, and refuses what is not a JWT', () => {
    expect(decodeJwtClaims(jwt({ name: 'Budi Santoso – Jakarta Timur', n: 1 }))).toEqual({ name: 'Budi Santoso – Jakarta Timur', n: 1 });
    expect(decodeJwtClaims('abc')).toBeUndefined();
    expect(decodeJwtClaims('a.!!!.c')).toBeUndefined();
    expect(decodeJwtClaims(`a.${Buffer.from('[1]').toString('base64url')}.c`)).toBeUndefined();
  });

  it('makes a session from a sign-in: the ID token exp, all three tokens, signed in now', () => {
    const id = jwt(idClaims());
    expect(sessionFromTokens(CFG, { id_token: id, access_token: 'at', refresh_token: 'rt', expires_in: 3600 }, { nowSec: NOW, nonce: 'n-123' })).toEqual({
      idToken: id, accessToken: 'at', refreshToken: 'rt', expiresAt: NOW + 3600, signedInAt: NOW,
    });
  });

  it('keeps the refresh token and the sign-in time across a refresh (Cognito returns no new refresh token)', () => {
    const prev: Session = { idToken: jwt(idClaims()), accessToken: 'at0', refreshToken: 'rt', expiresAt: NOW + 100, signedInAt: NOW - 3000 };
    const id2 = jwt(idClaims({ exp: NOW + 3600, nonce: undefined }));
    const s = sessionFromTokens(CFG, { id_token: id2, access_token: 'at1' }, { nowSec: NOW, previous: prev });
    expect(s).toEqual({ idToken: id2, accessToken: 'at1', refreshToken: 'rt', expiresAt: NOW + 3600, signedInAt: NOW - 3000 });
  });

  it('refuses a token of another pool or client, an access token, an expired token, a wrong nonce, no token', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ iss: 'https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Other' }, /issued by/],
      [{ aud: 'another-client' }, /another app client/],
      [{ token_use: 'access' }, /not an ID token/],
      [{ exp: NOW }, /expired/],
      [{ nonce: 'n-999' }, /nonce/],
    ];
    for (const [over, msg] of bad) {
      expect(() => sessionFromTokens(CFG, { id_token: jwt(idClaims(over)) }, { nowSec: NOW, nonce: 'n-123' }), JSON.stringify(over)).toThrow(msg);
    }
    expect(() => sessionFromTokens(CFG, { access_token: 'at' }, { nowSec: NOW })).toThrow(SignInError);
    expect(() => sessionFromTokens(CFG, { id_token: 'not-a-jwt' }, { nowSec: NOW })).toThrow(/not a JWT/);
  });

  it('uses a token with more than the skew left, then refreshes, then signs in', () => {
    const s = (expiresIn: number, refresh = true): Session => ({ idToken: 'x', refreshToken: refresh ? 'rt' : undefined, expiresAt: NOW + expiresIn, signedInAt: NOW - 10 });
    expect(REFRESH_SKEW_SEC).toBe(300);
    expect(sessionDecision(undefined, NOW)).toBe('signin');
    expect(sessionDecision(s(3600), NOW)).toBe('use');
    expect(sessionDecision(s(301), NOW)).toBe('use');
    expect(sessionDecision(s(300), NOW)).toBe('refresh');
    expect(sessionDecision(s(-60), NOW)).toBe('refresh');
    expect(sessionDecision(s(300, false), NOW)).toBe('signin');
    expect(sessionDecision(s(3600, false), NOW)).toBe('use');
    expect(sessionDecision(s(10), NOW, 0)).toBe('use');
  });

  it('on a 401 signs in again, except right after a sign-in (no loop)', () => {
    const s = (ago: number): Session => ({ idToken: 'x', expiresAt: NOW + 3600, signedInAt: NOW - ago });
    expect(signInAgainOn401(undefined, NOW)).toBe(true);
    expect(signInAgainOn401(s(600), NOW)).toBe(true);
    expect(signInAgainOn401(s(5), NOW)).toBe(false);
  });

  it('reads back only well-formed stored sessions', () => {
    const ok: Session = { idToken: 'x', refreshToken: 'rt', expiresAt: NOW, signedInAt: NOW };
    expect(parseSession(JSON.stringify(ok))).toEqual(ok);
    for (const bad of [null, '', '{', '[]', '{"idToken":1,"expiresAt":1,"signedInAt":1}', '{"idToken":"x","expiresAt":"1","signedInAt":1}', '{"idToken":"x","expiresAt":1,"signedInAt":1,"refreshToken":5}']) {
      expect(parseSession(bad), String(bad)).toBeUndefined();
    }
  });

  it('shows the name, else the email, of the signed-in user', () => {
    expect(displayName(jwt({ name: 'Budi', email: 'b@x.id' }))).toBe('Budi');
    expect(displayName(jwt({ email: 'b@x.id', sub: 's' }))).toBe('b@x.id');
    expect(displayName('garbage')).toBe('signed in');
  });
});

describe('site configuration (/config.json)', () => {
  it('accepts the deployed shape and trims a trailing slash off the hosted UI domain', () => {
    expect(parseSiteConfig({ ...CFG, cognitoDomain: `${CFG.cognitoDomain}/` })).toEqual(CFG);
    expect([...SITE_CONFIG_KEYS].sort()).toEqual(Object.keys(CFG).sort());
  });

  it('names the field that is missing or wrong', () => {
    for (const k of SITE_CONFIG_KEYS) {
      const { [k]: _, ...rest } = CFG;
      expect(() => parseSiteConfig(rest), k).toThrow(new RegExp(`config.json: ${k} is missing`));
    }
    expect(() => parseSiteConfig({ ...CFG, apiBaseUrl: 'http://api.example.com/' })).toThrow(/apiBaseUrl must be an https URL/);
    expect(() => parseSiteConfig({ ...CFG, redirectUri: 'not a url' })).toThrow(/redirectUri is not a URL/);
    expect(() => parseSiteConfig({ ...CFG, region: 'jakarta' })).toThrow(/region/);
    expect(() => parseSiteConfig({ ...CFG, userPoolId: 'us-east-1_X' })).toThrow(/not in region/);
    expect(() => parseSiteConfig([])).toThrow(/JSON object/);
  });

  it('allows plain http only on a loopback host (browser tests)', () => {
    const local = { ...CFG, apiBaseUrl: 'http://127.0.0.1:5000/', cognitoDomain: 'http://127.0.0.1:5000', redirectUri: 'http://localhost:4000/' };
    expect(parseSiteConfig(local)).toEqual(local);
  });
});
