import { describe, expect, it } from 'vitest';
import { AuthError, assertBranch, canReadBranch, parseGroups, principalFromClaims, visibleBranches } from '../../../shared/auth';

describe('parseGroups', () => {
  it('reads the forms a groups claim arrives in', () => {
    expect(parseGroups('[head-office]')).toEqual(['head-office']); // API Gateway HTTP API JWT authorizer
    expect(parseGroups('[head-office branch-manager]')).toEqual(['head-office', 'branch-manager']);
    expect(parseGroups(['branch-manager'])).toEqual(['branch-manager']);
    expect(parseGroups('["a","b"]')).toEqual(['a', 'b']);
    expect(parseGroups('a,b')).toEqual(['a', 'b']);
    expect(parseGroups('[]')).toEqual([]);
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups(42)).toEqual([]);
  });
});

describe('principalFromClaims', () => {
  const status = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof AuthError ? e.status : -1;
    }
    return 0;
  };

  it('head office, with a name', () => {
    expect(principalFromClaims({ sub: 's1', 'cognito:groups': '[head-office]', email: 'a@b.id' })).toEqual({ sub: 's1', role: 'head-office', name: 'a@b.id' });
  });

  it('a branch manager with their branch (upper-cased); head office wins when in both groups', () => {
    expect(principalFromClaims({ sub: 's2', 'cognito:groups': '[branch-manager]', 'custom:branch': 'br05' })).toEqual({ sub: 's2', role: 'branch-manager', branch: 'BR05' });
    expect(principalFromClaims({ sub: 's3', 'cognito:groups': '[branch-manager head-office]', 'custom:branch': 'BR05' }).role).toBe('head-office');
  });

  it('401 without claims or subject; 403 without a known group or a valid branch claim', () => {
    expect(status(() => principalFromClaims(undefined))).toBe(401);
    expect(status(() => principalFromClaims({ 'cognito:groups': '[head-office]' }))).toBe(401);
    expect(status(() => principalFromClaims({ sub: 'x' }))).toBe(403);
    expect(status(() => principalFromClaims({ sub: 'x', 'cognito:groups': '[admins]' }))).toBe(403);
    expect(status(() => principalFromClaims({ sub: 'x', 'cognito:groups': '[branch-manager]' }))).toBe(403);
    expect(status(() => principalFromClaims({ sub: 'x', 'cognito:groups': '[branch-manager]', 'custom:branch': 'BR/../01' }))).toBe(403);
  });
});

describe('what a principal may read', () => {
  const head = { sub: 'h', role: 'head-office' as const };
  const mgr = { sub: 'm', role: 'branch-manager' as const, branch: 'BR05' };
  const dir = [{ id: 'BR01' }, { id: 'BR05' }, { id: 'BR07' }];

  it('head office every branch; a manager only theirs', () => {
    expect(visibleBranches(head, dir)).toEqual(dir);
    expect(visibleBranches(mgr, dir)).toEqual([{ id: 'BR05' }]);
    expect(canReadBranch(mgr, 'br05')).toBe(true);
    expect(canReadBranch(mgr, 'BR07')).toBe(false);
    expect(() => assertBranch(mgr, 'BR07')).toThrow(/no access to branch BR07/);
    expect(() => assertBranch(head, 'BR07')).not.toThrow();
  });
});
