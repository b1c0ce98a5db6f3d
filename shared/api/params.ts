// Request parameters of the dashboard API: validation with messages that name the parameter.
import { isPeriod } from '../period';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly status: 400 | 404 | 405, message: string) {
    super(message);
  }
}

/** A required period parameter: a year (2025) or a quarter (2025-Q3). */
export function periodParam(q: Record<string, string | undefined>, name = 'period'): string {
  const v = q[name];
  if (!v) throw new ApiError(400, `query parameter '${name}' is required (a year like 2025 or a quarter like 2025-Q3)`);
  const p = v.trim().toUpperCase();
  if (!isPeriod(p)) throw new ApiError(400, `query parameter '${name}': '${v}' is not a year like 2025 or a quarter like 2025-Q3`);
  return p;
}

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9 _./-]{0,63}$/;

/** An optional identifier-like parameter (region, segment, programme, branch). */
export function tokenParam(q: Record<string, string | undefined>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (!TOKEN.test(v)) throw new ApiError(400, `query parameter '${name}': '${v.slice(0, 40)}' is not a valid value`);
  return v;
}

/** A branch id from a path segment as sent (percent-encoded); a malformed escape (%E0, %zz) is the caller's error. */
export function branchId(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, `'${raw.slice(0, 40)}' is not a branch id (malformed percent-encoding)`);
  }
  const id = decoded.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{0,63}$/.test(id)) throw new ApiError(400, `'${raw.slice(0, 40)}' is not a branch id`);
  return id;
}

export function oneOf<T extends string>(q: Record<string, string | undefined>, name: string, allowed: readonly T[], fallback: T): T {
  const v = q[name];
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new ApiError(400, `query parameter '${name}' must be one of ${allowed.join(', ')}, got '${v.slice(0, 40)}'`);
  return v as T;
}
