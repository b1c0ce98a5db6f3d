// Recompute Lambda: one unit and period per invocation. Invoked by the assessment state machine's Distributed
// Map with {period, branch} (or {period, unit: {kind: 'region', id} | {kind: 'network'}}), and locally by
// infra/local/assessment-runner.ts with the same shapes.
import { Logger } from '@aws-lambda-powertools/logger';
import { TABLE, BUCKETS } from '../../shared/store/resources';
import type { Unit } from '../../shared/store/keys';
import { clientsFromEnv } from '../shared/clients';
import { branchesFromEnv, instrumentFromEnv } from '../shared/config';
import { recomputeOne, type RecomputeDeps, type RecomputeOutcome } from './recompute';

export interface RecomputeEvent { period: string; branch?: string; unit?: Unit }

let cachedLogger: Logger | undefined;
const log = () => (cachedLogger ??= new Logger({ serviceName: 'satmon-recompute' }));

export async function depsFromEnv(env: Record<string, string | undefined> = process.env): Promise<RecomputeDeps> {
  const table = env[TABLE.envVar];
  const curatedBucket = env[BUCKETS.curated.envVar];
  if (!table || !curatedBucket) throw new Error(`environment variables ${TABLE.envVar} and ${BUCKETS.curated.envVar} must be set`);
  const { s3, ddb } = clientsFromEnv(env);
  const [instrument, branches] = await Promise.all([instrumentFromEnv(env, s3, curatedBucket), branchesFromEnv(env, s3, curatedBucket)]);
  return { s3, ddb, table, curatedBucket, instrument, ...(branches ? { branches } : {}), env };
}

export function unitOf(e: RecomputeEvent): Unit {
  if (e.unit) return e.unit;
  if (e.branch) return { kind: 'branch', id: e.branch };
  throw new Error('recompute: the event names neither a branch nor a unit');
}

export function makeHandler(getDeps: () => Promise<RecomputeDeps>) {
  return async (event: RecomputeEvent): Promise<RecomputeOutcome> => {
    if (!event || typeof event.period !== 'string') throw new Error('recompute: the event has no period');
    const out = await recomputeOne(await getDeps(), { unit: unitOf(event), period: event.period });
    log().info('recomputed', { ...out });
    return out;
  };
}

export const handler = makeHandler(() => depsFromEnv());
