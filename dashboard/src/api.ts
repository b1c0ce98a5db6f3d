// Calls to the dashboard API. Locally the dev token rides in an HttpOnly cookie; on AWS a sign-in module would
// set `authHeader` to the Cognito ID token (see the README section).
import type { ApiError } from '../../shared/api/types';

export let authHeader: (() => string | undefined) | undefined;
export function setAuthHeader(f: () => string | undefined): void {
  authHeader = f;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function apiUrl(path: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `/api/${path}${s ? `?${s}` : ''}`;
}

const cache = new Map<string, Promise<unknown>>();

export async function get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const url = apiUrl(path, params);
  let p = cache.get(url) as Promise<T> | undefined;
  if (!p) {
    p = (async () => {
      const token = authHeader?.();
      const r = await fetch(url, { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, credentials: 'same-origin' });
      if (!r.ok) {
        let msg = `${r.status} ${r.statusText}`;
        try {
          const body = (await r.json()) as Partial<ApiError> & { message?: string };
          msg = body.error ?? body.message ?? msg;
        } catch { /* not JSON */ }
        throw new HttpError(r.status, msg);
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
