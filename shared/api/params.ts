// Request parameters of the dashboard API: validation with messages that name the parameter. An error carries its
// catalogue key and values (sent as `code` and `params`, put in the reader's words by the dashboard) and its
// English text (`error`, for logs and scripts).
import { canReadBranch, type Principal } from '../auth';
import { translator, type MessageKey, type Params } from '../i18n/catalogue';
import { isPeriod } from '../period';
import { withheldText } from './reasons';

const english = translator('en');

export class ApiError extends Error {
  override name = 'ApiError';
  /** A param named `reason` is a withheld reason's code (./reasons.ts), in words in the English message. */
  constructor(readonly status: 400 | 403 | 404 | 405, readonly code: MessageKey, readonly params: Params = {}) {
    super(english(code, typeof params.reason === 'string' ? { ...params, reason: withheldText(english, params.reason) } : params));
  }
}

/** A required period parameter: a year (2025) or a quarter (2025-Q3). */
export function periodParam(q: Record<string, string | undefined>, name = 'period'): string {
  const v = q[name];
  if (!v) throw new ApiError(400, 'api.error.periodRequired', { name });
  const p = v.trim().toUpperCase();
  if (!isPeriod(p)) throw new ApiError(400, 'api.error.periodInvalid', { name, value: v.slice(0, 40) });
  return p;
}

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9 _./-]{0,63}$/;

/** An optional identifier-like parameter (region, segment, programme, branch). */
export function tokenParam(q: Record<string, string | undefined>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (!TOKEN.test(v)) throw new ApiError(400, 'api.error.paramInvalid', { name, value: v.slice(0, 40) });
  return v;
}

/** A branch id from a path segment as sent (percent-encoded); a malformed escape (%E0, %zz) is the caller's error. */
export function branchId(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, 'api.error.branchMalformed', { value: raw.slice(0, 40) });
  }
  const id = decoded.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9_-]{0,63}$/.test(id)) throw new ApiError(400, 'api.error.branchInvalid', { value: raw.slice(0, 40) });
  return id;
}

export function oneOf<T extends string>(q: Record<string, string | undefined>, name: string, allowed: readonly T[], fallback: T): T {
  const v = q[name];
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new ApiError(400, 'api.error.oneOf', { name, allowed: allowed.join(', '), value: v.slice(0, 40) });
  return v as T;
}

/**
 * A branch id (path segment or `branch=`) the principal may read. The views check again (../auth.ts assertBranch);
 * this refusal names the branch with a code the dashboard puts in the reader's words.
 */
export function readableBranch(p: Principal, raw: string): string {
  const id = branchId(raw);
  if (!canReadBranch(p, id)) throw new ApiError(403, 'api.error.noBranchAccess', { branch: id });
  return id;
}
