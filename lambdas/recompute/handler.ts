// Recompute Lambda: one unit and period per invocation. Invoked by the assessment state machine's Distributed
// Map with {period, branch} (or {period, unit: {kind: 'region', id} | {kind: 'network'}}), and locally by
// infra/local/assessment-runner.ts with the same shapes.
import { Logger } from '@aws-lambda-powertools/logger';
import { loadGroups, requireResources, type EnvMap } from '../../shared/config';
import type { Unit } from '../../shared/layout/keys';
import { recomputeOne, type RecomputeDeps, type RecomputeOutcome } from '../../shared/pipeline/recompute';
import { branchesFor, instrumentFor } from '../../shared/pipeline/survey-config';
import { storageFor } from '../aws/storage';

export interface RecomputeEvent { period: string; branch?: string; unit?: Unit }

let cachedLogger: Logger | undefined;
const log = () => (cachedLogger ??= new Logger({ serviceName: 'satmon-recompute' }));

/** Dependencies from the configuration (shared/config.ts) read from `env` (default: process.env), once per invocation. */
export async function depsFromEnv(env?: EnvMap): Promise<RecomputeDeps> {
  const cfg = loadGroups(['resources', 'aws', 'survey', 'recompute', 'runtime'], env);
  const { table, curated: curatedBucket } = requireResources(cfg.resources, 'table', 'curated');
  const storage = storageFor(cfg.aws, table);
  const [instrument, branches] = await Promise.all([instrumentFor(cfg.survey, storage.objects, curatedBucket), branchesFor(cfg.survey, storage.objects, curatedBucket)]);
  return {
    storage, curatedBucket, instrument, ...(branches ? { branches } : {}),
    settings: cfg.recompute, onLambda: cfg.runtime.onLambda,
  };
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
