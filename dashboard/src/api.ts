// Calls to the dashboard API. Locally the dev token rides in an HttpOnly cookie on the same origin; on AWS
// ./auth.ts sets the API's base URL, `authHeader` (the Cognito ID token, sent as Bearer) and the hooks that
// refresh the token before a call and react to a 401.
import type { ApiError } from '../../shared/api/types';

export let authHeader: (() => string | undefined) | undefined;
export function setAuthHeader(f: () => string | undefined): void {
  authHeader = f;
}

export interface AuthHooks {
  /** Runs before every call (refreshes a token about to expire). */
  beforeRequest?: () => Promise<void>;
  /** After a 401: true to retry the call once (a token was refreshed); may also leave the page to sign in. */
  onUnauthorized?: (attempt: number) => Promise<boolean>;
}
let hooks: AuthHooks = {};
export function setAuthHooks(h: AuthHooks): void {
  hooks = h;
}

/** '' locally (same origin); on AWS the HTTP API's URL without its trailing slash. */
let apiBase = '';
export function setApiBase(url: string): void {
  apiBase = url.replace(/\/+$/, '');
}

/** A refused call: its status, the API's English message and its answer (code and params, for the reader's words). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly body: Partial<ApiError> = {}) {
    super(message);
  }
}

export function apiUrl(path: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `${apiBase}/api/${path}${s ? `?${s}` : ''}`;
}

/** fetch with the Bearer token (if any); a 401 goes to the auth hook, which may refresh and have it retried once. */
export async function apiFetch(url: string, accept = 'application/json'): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    await hooks.beforeRequest?.();
    const token = authHeader?.();
    const r = await fetch(url, { headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) }, credentials: 'same-origin' });
    if (r.status !== 401 || !hooks.onUnauthorized) return r;
    // First 401: the hook may refresh the token and ask for a retry. Second: the refreshed token was refused too.
    const retry = await hooks.onUnauthorized(attempt);
    if (!retry || attempt > 0) return r;
  }
}

const cache = new Map<string, Promise<unknown>>();

export async function get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const url = apiUrl(path, params);
  let p = cache.get(url) as Promise<T> | undefined;
  if (!p) {
    p = (async () => {
      const r = await apiFetch(url);
      if (!r.ok) {
        let msg = `${r.status} ${r.statusText}`;
        let body: Partial<ApiError> = {};
        try {
          body = (await r.json()) as Partial<ApiError> & { message?: string };
          msg = body.error ?? (body as { message?: string }).message ?? msg;
        } catch { /* not JSON */ }
        throw new HttpError(r.status, msg, body);
      }
      return (await r.json()) as T;
    })();
    cache.set(url, p);
    p.catch(() => cache.delete(url));
  }
  return p;
}

export function clearCache(): void {
  cache.clear();
}

/** Link to a CSV export of a table with the current filters. */
export function exportUrl(table: string, params: Record<string, string | undefined>): string {
  return apiUrl(`export/${table}.csv`, params);
}
