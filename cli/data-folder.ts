// The data a CLI command works on, for `satmon assess` and `satmon forget`: the configured AWS resources when
// TABLE_NAME and CURATED_BUCKET are set, else the embedded stack over a persisted data folder (default .satmon/data,
// which `npm start` and `satmon pipeline --data-dir` fill). Do not use a data folder another process has open.
import { existsSync } from 'node:fs';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { CliError } from './errors';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import { childEnv, loadGroup } from '../shared/config';

export interface DataFolder {
  /** The embedded stack this opened (stop it when done), or undefined for configured resources. */
  stack?: LocalStack;
  /** The environment for the handlers and worker threads. */
  env: Record<string, string | undefined>;
}

export async function openData(dataDirFlag: string | undefined): Promise<DataFolder> {
  const resources = loadGroup('resources');
  if (resources.table && resources.curated) return { env: childEnv() };
  const dataDir = dataDirFlag ?? '.satmon/data';
  if (!existsSync(dataDir)) throw new CliError(`${dataDir}: no data folder (run npm start or satmon pipeline --data-dir ${dataDir} first)`);
  const stack = await startLocalStack({ dataDir });
  const env = childEnv();
  // The instrument `satmon pipeline --instrument` stored applies to later recomputes too.
  if (!env.SATMON_INSTRUMENT_KEY && !env.SATMON_INSTRUMENT_JSON) {
    const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.names.buckets.curated, Key: 'config/instrument.json' })).catch(() => undefined);
    if (head) env.SATMON_INSTRUMENT_KEY = 'config/instrument.json';
  }
  return { stack, env };
}
