// Forget Lambda: erasure on request. A data steward invokes it directly (docs/ACCESS.md):
//   aws lambda invoke --function-name <Forget> --payload '{"id":"<participant number>"}' out.json
// The participant number is turned into its pseudonyms at once (the keyring secret, readable by ingest and this
// function only) and never logged or returned. The answer lists what was erased (no identity) and the assessments to
// run again (README "Personal data").
import type { Context } from 'aws-lambda';
import { loadGroups, requireResources, type EnvMap } from '../../shared/config';
import { forgetRespondent, type ForgetDeps, type ForgetResult } from '../../shared/pipeline/forget';
import { pseudonymsOf, type Pseudonyms } from '../../shared/privacy/pseudonym';
import { lambdaHandler, observability, type Observability } from '../aws/observability';
import { keyringFor } from '../aws/pseudonym-key';
import { storageFor } from '../aws/storage';

export interface ForgetEvent {
  /** The participant number as the drops carry it in their id column (it identifies the person in every branch). */
  id: string;
}

const obs = () => observability('forget');

export async function depsFromEnv(env?: EnvMap): Promise<ForgetDeps & { pseudonyms: Pseudonyms }> {
  const cfg = loadGroups(['resources', 'aws', 'privacy', 'retention'], env);
  const { table, curated } = requireResources(cfg.resources, 'table', 'curated');
  return {
    storage: storageFor(cfg.aws, table),
    curatedBucket: curated,
    listDays: cfg.retention.rawDays,
    pseudonyms: pseudonymsOf(await keyringFor(cfg.privacy, cfg.aws)),
  };
}

export function makeHandler(getDeps: () => Promise<ForgetDeps & { pseudonyms: Pseudonyms }>, o: () => Observability = obs) {
  return async (event: ForgetEvent, context?: Context): Promise<ForgetResult> => {
    const id = typeof event?.id === 'string' ? event.id.trim() : '';
    if (!id) throw new Error('forget: the event needs "id", the participant number as the drops carry it');
    const d = await getDeps();
    // Wait for drops being ingested at most until shortly before this invocation times out.
    const remaining = context?.getRemainingTimeInMillis?.();
    if (remaining !== undefined) d.waitMs = Math.max(0, Math.min(d.waitMs ?? 120_000, remaining - 600_000));
    const out = await forgetRespondent(d, { pseudonyms: d.pseudonyms.knownAs(id) });
    o().logger.info('erasure done', { erasureId: out.erasureId, units: out.units.length, cleanRows: out.cleanRows, rejectedRows: out.rejectedRows, reassess: out.reassess });
    return out;
  };
}

export const handler = lambdaHandler(obs, makeHandler(() => depsFromEnv()));
