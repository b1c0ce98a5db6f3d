// Who may read what on the dashboard. Pure: JWT claims in, a principal and yes/no answers out.
//
// Head office reads every branch. A branch manager reads their own branch (the `custom:branch` claim, which only
// an administrator can set) plus the network and region aggregates as benchmarks, but only those that pool enough
// branches and respondents not to give other branches away: that disclosure rule is ./api/disclosure.ts
// (K_BRANCHES, MIN_CELL_N). Anything that lists other branches (ranking, per-branch tables, their alerts) is
// filtered to the visible branches; a request naming another branch is refused with 403.
import { AUTH } from './layout/resources';

export type Role = 'head-office' | 'branch-manager';

export interface Principal {
  sub: string;
  name?: string;
  role: Role;
  /** The manager's branch (upper case); absent for head office. */
  branch?: string;
}

export type Claims = Record<string, unknown>;

export class AuthError extends Error {
  override name = 'AuthError';
  constructor(readonly status: 401 | 403, message: string) {
    super(message);
  }
}

/**
 * Groups as API Gateway hands them over. An HTTP API JWT authorizer flattens a token's array claim into a string
 * like "[head-office branch-manager]"; a hand-built token may carry a real array, a JSON array or a comma list.
 */
export function parseGroups(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof v !== 'string') return [];
  const s = v.trim();
  if (s.startsWith('[') && s.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(s);
      if (Array.isArray(parsed)) return parseGroups(parsed);
    } catch {
      // not JSON: API Gateway's "[a b]" form
    }
    return s.slice(1, -1).split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
  }
  return s.split(/[\s,]+/).filter(Boolean);
}

const BRANCH_ID = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;

/** The principal of a request's claims; 401 when the claims do not make a dashboard user. */
export function principalFromClaims(claims: Claims | undefined | null): Principal {
  if (!claims || typeof claims !== 'object') throw new AuthError(401, 'not signed in');
  const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
  if (!sub) throw new AuthError(401, 'token has no subject');
  const groups = parseGroups(claims[AUTH.groupsClaim]);
  const name = typeof claims.name === 'string' ? claims.name : typeof claims.email === 'string' ? claims.email : undefined;
  // Head office wins when a user is in both groups (precedence 0 in the user pool).
  if (groups.includes(AUTH.groups.headOffice)) return { sub, role: 'head-office', ...(name ? { name } : {}) };
  if (groups.includes(AUTH.groups.branchManager)) {
    const raw = claims[AUTH.branchClaim];
    const branch = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
    if (!BRANCH_ID.test(branch)) throw new AuthError(403, `branch manager without a valid ${AUTH.branchClaim} claim`);
    return { sub, role: 'branch-manager', branch, ...(name ? { name } : {}) };
  }
  throw new AuthError(403, `user is in neither ${AUTH.groups.headOffice} nor ${AUTH.groups.branchManager}`);
}

export function canReadBranch(p: Principal, branch: string): boolean {
  return p.role === 'head-office' || (p.branch !== undefined && p.branch === branch.toUpperCase());
}

/** Throws 403 unless the principal may read the branch. */
export function assertBranch(p: Principal, branch: string): void {
  if (!canReadBranch(p, branch)) throw new AuthError(403, `no access to branch ${branch}`);
}

/** The subset of a branch list the principal may see (order kept). */
export function visibleBranches<T extends { id: string }>(p: Principal, branches: readonly T[]): T[] {
  return branches.filter((b) => canReadBranch(p, b.id));
}

