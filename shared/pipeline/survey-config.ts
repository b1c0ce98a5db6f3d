// The survey configuration every handler reads the same way, from the settings of shared/config.ts (group `survey`):
// - instrument: SATMON_INSTRUMENT_JSON (inline JSON), else SATMON_INSTRUMENT_KEY (a JSON object in the curated
//   bucket, read on every invocation so an update applies at once), else the default instrument;
// - branch directory (id, region, name): the curated bucket's SATMON_BRANCHES_KEY, else its config/branches.json
//   when there is one, else none (any well-formed branch id is accepted and belongs to no region).
import type { SurveySettings } from '../config';
import { defaultInstrument, loadInstrument, parseBranchDirectory, type BranchInfo, type Instrument } from '../survey';
import { S3_LAYOUT } from '../layout/keys';
import type { ObjectStore } from './storage';

/** The JSON object at `key`; undefined when absent. */
async function readJson(objects: ObjectStore, bucket: string, key: string, what: string): Promise<unknown> {
  const text = await objects.text(bucket, key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`s3://${bucket}/${key}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function instrumentFor(survey: SurveySettings, objects: ObjectStore, curatedBucket: string): Promise<Instrument> {
  // Parsed as JSON by the config module; loadInstrument checks what it holds.
  if (survey.instrumentJson !== undefined) return loadInstrument(survey.instrumentJson, 'SATMON_INSTRUMENT_JSON');
  if (survey.instrumentKey) {
    const key = survey.instrumentKey;
    const json = await readJson(objects, curatedBucket, key, 'instrument');
    if (json === undefined) throw new Error(`s3://${curatedBucket}/${key}: the instrument (SATMON_INSTRUMENT_KEY) does not exist`);
    return loadInstrument(json, `s3://${curatedBucket}/${key}`);
  }
  return defaultInstrument;
}

export async function branchesFor(survey: SurveySettings, objects: ObjectStore, curatedBucket: string): Promise<Map<string, BranchInfo> | undefined> {
  const key = survey.branchesKey ?? S3_LAYOUT.branches;
  const json = await readJson(objects, curatedBucket, key, 'branch directory');
  if (json === undefined) {
    if (!survey.branchesKey) return undefined;
    throw new Error(`s3://${curatedBucket}/${key}: the branch directory (SATMON_BRANCHES_KEY) does not exist`);
  }
  return parseBranchDirectory(json, `s3://${curatedBucket}/${key}`);
}
