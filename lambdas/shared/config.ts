// The survey configuration every handler reads the same way, from the settings of shared/config.ts (group `survey`):
// - instrument: SATMON_INSTRUMENT_JSON (inline JSON), else SATMON_INSTRUMENT_KEY (a JSON object in the curated
//   bucket, read on every invocation so an update applies at once), else the default instrument;
// - branch directory (id, region, name): the curated bucket's SATMON_BRANCHES_KEY, else its config/branches.json
//   when there is one, else none (any well-formed branch id is accepted and belongs to no region).
import type { S3Client } from '@aws-sdk/client-s3';
import type { SurveySettings } from '../../shared/config';
import { defaultInstrument, loadInstrument, parseBranchDirectory, type BranchInfo, type Instrument } from '../../shared/survey';
import { S3_LAYOUT } from '../../shared/store/keys';
import { getObjectText, isNotFound } from './s3';

async function readJson(s3: S3Client, bucket: string, key: string, what: string): Promise<unknown> {
  const text = await getObjectText(s3, bucket, key);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`s3://${bucket}/${key}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function instrumentFor(survey: SurveySettings, s3: S3Client, curatedBucket: string): Promise<Instrument> {
  // Parsed as JSON by the config module; loadInstrument checks what it holds.
  if (survey.instrumentJson !== undefined) return loadInstrument(survey.instrumentJson, 'SATMON_INSTRUMENT_JSON');
  if (survey.instrumentKey) {
    const key = survey.instrumentKey;
    return loadInstrument(await readJson(s3, curatedBucket, key, 'instrument'), `s3://${curatedBucket}/${key}`);
  }
  return defaultInstrument;
}

export async function branchesFor(survey: SurveySettings, s3: S3Client, curatedBucket: string): Promise<Map<string, BranchInfo> | undefined> {
  const key = survey.branchesKey ?? S3_LAYOUT.branches;
  let json: unknown;
  try {
    json = await readJson(s3, curatedBucket, key, 'branch directory');
  } catch (e) {
    if (!survey.branchesKey && isNotFound(e)) return undefined;
    throw e;
  }
  return parseBranchDirectory(json, `s3://${curatedBucket}/${key}`);
}
