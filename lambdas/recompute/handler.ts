// Recompute Lambda: one unit and period per invocation. Invoked by the assessment state machine's Distributed
// Map with {period, branch} (or {period, unit: {kind: 'region', id} | {kind: 'network'}}), and locally by
// infra/local/assessment-runner.ts with the same shapes.
import { loadGroups, requireResources, type EnvMap } from '../../shared/config';
import type { Unit } from '../../shared/layout/keys';
import { recomputeOne, type RecomputeDeps, type RecomputeOutcome } from '../../shared/pipeline/recompute';
import { CleanPartCache } from '../../shared/pipeline/part-cache';
import { branchesFor, instrumentFor } from '../../shared/pipeline/survey-config';
import { lambdaHandler, observability, recomputeMetrics, type Observability } from '../aws/observability';
import { storageFor } from '../aws/storage';

export interface RecomputeEvent { period: string; branch?: string; unit?: Unit }

const obs = () => observability('recompute');
/** One per container: the clean parts this container parsed, for the next units that read them. */
const partCache = new CleanPartCache();

/** Dependencies from the configuration (shared/config.ts) read from `env` (default: process.env), once per invocation. */
export async function depsFromEnv(env?: EnvMap): Promise<RecomputeDeps> {
  const cfg = loadGroups(['resources', 'aws', 'survey', 'recompute', 'runtime'], env);
  const { table, curated: curatedBucket } = requireResources(cfg.resources, 'table', 'curated');
  const storage = storageFor(cfg.aws, table);
  const [instrument, branches] = await Promise.all([instrumentFor(cfg.survey, storage.objects, curatedBucket), branchesFor(cfg.survey, storage.objects, curatedBucket)]);
  return {
    storage, curatedBucket, instrument, ...(branches ? { branches } : {}),
    settings: cfg.recompute, onLambda: cfg.runtime.onLambda, partCache,
  };
}

export function unitOf(e: RecomputeEvent): Unit {
  if (e.unit) return e.unit;
  if (e.branch) return { kind: 'branch', id: e.branch };
  throw new Error('recompute: the event names neither a branch nor a unit');
}

export function makeHandler(getDeps: () => Promise<RecomputeDeps>, o: () => Observability = obs) {
  return async (event: RecomputeEvent): Promise<RecomputeOutcome> => {
    if (!event || typeof event.period !== 'string') throw new Error('recompute: the event has no period');
    const unit = unitOf(event);
    o().annotate('period', event.period);
    o().annotate('unit', unit.kind === 'network' ? 'network' : `${unit.kind}:${unit.id}`);
    const out = await recomputeOne(await getDeps(), { unit, period: event.period });
    o().logger.info('recomputed', { ...out });
    o().record(recomputeMetrics(out), { unitKind: unit.kind });
    return out;
  };
}

export const handler = lambdaHandler(obs, makeHandler(() => depsFromEnv()));
