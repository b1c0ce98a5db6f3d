// shared/config.ts: the declarations, parsing (defaults, valid and bad values with their messages, env maps) and
// README.md's settings table.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/assess/recompute';
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_LINE_BYTES } from '../../../shared/survey/csv-records';
import { settingsFor } from '../../../shared/assess/units';
import {
  CONFIG_GROUPS, ConfigError, childEnv, configTable, declarations, loadConfig, loadGroup, loadGroups, requireResources, withDefaults,
} from '../../../shared/config';
import { BUCKETS, TABLE, TOPICS } from '../../../shared/layout/resources';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The message loadGroups throws for `env`, or undefined. */
function errorOf(env: Record<string, string>): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
}

afterEach(() => vi.unstubAllEnvs());

describe('declarations', () => {
  const decls = declarations();

  it('declares each variable once, with a default and a one-line description', () => {
    const names = decls.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of decls) {
      expect(d.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(d.description, d.name).toMatch(/^\S.*\.$/);
      expect(d.default.length, d.name).toBeGreaterThan(0);
      for (const s of [d.description, d.default]) expect(s, d.name).not.toMatch(/[|\n]/); // a table cell each
    }
  });

  it('takes the resource and topic variables from shared/layout/resources.ts', () => {
    expect(Object.keys(CONFIG_GROUPS.resources.vars)).toEqual([TABLE.envVar, BUCKETS.raw.envVar, BUCKETS.curated.envVar]);
    expect(Object.keys(CONFIG_GROUPS.alerts.vars)).toContain(TOPICS.alerts.envVar);
  });

  it('has the recompute defaults of shared/assess/recompute.ts', () => {
    const r = loadGroup('recompute', {});
    expect({ nboot: r.nboot, seed: r.seed, minN: r.minN, workers: r.workers, bca: r.bca }).toEqual({
      nboot: DEFAULT_SETTINGS.nboot, seed: DEFAULT_SETTINGS.seed, minN: DEFAULT_SETTINGS.minN, workers: DEFAULT_SETTINGS.workers, bca: DEFAULT_SETTINGS.bca,
    });
  });

  it('covers every SATMON_* variable the code names', () => {
    const declared = new Set(decls.map((d) => d.name));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        if (e === 'node_modules' || e.startsWith('.')) continue;
        const p = path.join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|mjs)$/.test(e)) files.push(p);
      }
    };
    for (const d of ['shared', 'lambdas', 'infra', 'cli', 'bench', 'test', 'scripts', 'bin', 'dashboard/src']) walk(path.join(ROOT, d));
    const undeclared = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bSATMON_[A-Z0-9_]*[A-Z0-9]\b/g)) if (!declared.has(m[0])) undeclared.add(`${m[0]} (${path.relative(ROOT, f)})`);
    }
    expect([...undeclared]).toEqual([]);
  });
});

describe('defaults', () => {
  it('fills every group from an empty environment', () => {
    const c = loadConfig({});
    expect(c.resources).toEqual({ table: undefined, raw: undefined, curated: undefined });
    expect(c.aws).toEqual({ region: undefined, s3Endpoint: undefined, dynamodbEndpoint: undefined, forcePathStyle: false, checksumWhenRequired: false });
    expect(c.survey).toEqual({
      instrumentJson: undefined, instrumentKey: undefined, branchesKey: undefined, maxLineBytes: DEFAULT_MAX_LINE_BYTES, maxFieldBytes: DEFAULT_MAX_FIELD_BYTES,
    });
    expect(c.recompute).toEqual({ nboot: 5000, nbootAggregate: 200, seed: 20240101, minN: 30, workers: 1, bca: false, permutations: 200, restRows: 1000 });
    expect(c.ingest).toEqual({ leaseSeconds: 60 });
    expect(c.alerts).toEqual({ metrics: ['TRUST'], ikmBand: true, topicArn: undefined, webhook: undefined });
    expect(c.logging).toEqual({ level: undefined });
    expect(c.runtime).toEqual({ onLambda: false });
    expect(c.local).toEqual({ port: 8080, dataDir: '.satmon/data' });
    expect(c.java).toEqual({ dynamodbLocalDir: undefined, java: undefined, javaHome: undefined });
    expect(c.cli).toEqual({ debug: false });
    expect(c.cdk).toEqual({ account: undefined, outdir: undefined });
    expect(c.tests).toEqual({ chromium: '/usr/bin/chromium', stubMissingHandlers: false });
  });

  it('treats an empty or blank value as unset', () => {
    const c = loadConfig({ SATMON_NBOOT: '', SATMON_BCA: '  ', SATMON_ALERT_METRICS: '', TABLE_NAME: '', SATMON_DEBUG: '' });
    expect(c.recompute.nboot).toBe(5000);
    expect(c.recompute.bca).toBe(false);
    expect(c.alerts.metrics).toEqual(['TRUST']);
    expect(c.resources.table).toBeUndefined();
    expect(c.cli.debug).toBe(false);
  });
});

describe('valid values', () => {
  it('parses whole numbers, flags, lists, URLs, choices, ARNs and JSON', () => {
    const c = loadConfig({
      SATMON_NBOOT: '200', SATMON_NBOOT_AGGREGATE: ' 100 ', SATMON_SEED: '-7', SATMON_MIN_N: '1', SATMON_WORKERS: '4', SATMON_BCA: 'yes',
      SATMON_PATH_PERMUTATIONS: '0', SATMON_PATH_REST_ROWS: '5000',
      SATMON_INGEST_LEASE_SECONDS: '90', SATMON_PORT: '0',
      SATMON_ALERT_METRICS: 'TRUST, SAT ,LOY', SATMON_ALERT_WEBHOOK: 'https://hooks.example.org/a?b=1',
      ALERT_TOPIC_ARN: 'arn:aws:sns:ap-southeast-3:000000000000:alerts',
      POWERTOOLS_LOG_LEVEL: 'warn', AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
      SATMON_INSTRUMENT_JSON: '{"id":"x","items":[1]}', SATMON_INSTRUMENT_KEY: 'config/instrument.json', SATMON_BRANCHES_KEY: 'config/b.json',
      SATMON_MAX_LINE_BYTES: '4194304', SATMON_MAX_FIELD_BYTES: '8192',
      AWS_LAMBDA_FUNCTION_NAME: 'satmon-recompute', SATMON_DEBUG: '1', SATMON_DEV_STUB_MISSING_HANDLERS: 'TRUE',
      TABLE_NAME: 't', RAW_BUCKET: 'r', CURATED_BUCKET: 'c',
    });
    expect(c.recompute).toEqual({ nboot: 200, nbootAggregate: 100, seed: -7, minN: 1, workers: 4, bca: true, permutations: 0, restRows: 5000 });
    expect(c.ingest.leaseSeconds).toBe(90);
    expect(c.local.port).toBe(0);
    expect(c.alerts).toEqual({ metrics: ['TRUST', 'SAT', 'LOY'], ikmBand: true, webhook: 'https://hooks.example.org/a?b=1', topicArn: 'arn:aws:sns:ap-southeast-3:000000000000:alerts' });
    expect(c.logging.level).toBe('WARN');
    expect(c.aws.checksumWhenRequired).toBe(true);
    expect(c.survey).toEqual({
      instrumentJson: { id: 'x', items: [1] }, instrumentKey: 'config/instrument.json', branchesKey: 'config/b.json', maxLineBytes: 4 << 20, maxFieldBytes: 8192,
    });
    expect(c.runtime.onLambda).toBe(true);
    expect(c.cli.debug).toBe(true);
    expect(c.tests.stubMissingHandlers).toBe(true);
    expect(c.resources).toEqual({ table: 't', raw: 'r', curated: 'c' });
  });

  it.each([['1', true], ['true', true], ['On', true], ['YES', true], ['0', false], ['false', false], ['off', false], ['No', false]])(
    'flag %s is %s', (v, want) => expect(loadGroup('recompute', { SATMON_BCA: v }).bca).toBe(want),
  );

  it('resolves the SDK endpoints: SATMON_* first, then the service variable, then AWS_ENDPOINT_URL', () => {
    const all = { AWS_ENDPOINT_URL: 'http://all:1', AWS_ENDPOINT_URL_S3: 'http://s3:2', SATMON_S3_ENDPOINT: 'http://satmon-s3:3' };
    expect(loadGroup('aws', all)).toMatchObject({ s3Endpoint: 'http://satmon-s3:3', dynamodbEndpoint: 'http://all:1' });
    expect(loadGroup('aws', { ...all, SATMON_S3_ENDPOINT: '', AWS_ENDPOINT_URL_DYNAMODB: 'http://ddb:4' })).toMatchObject({ s3Endpoint: 'http://s3:2', dynamodbEndpoint: 'http://ddb:4' });
    expect(loadGroup('aws', { AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(loadGroup('aws', { AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'ap-southeast-3' }).region).toBe('ap-southeast-3');
    // Path-style addressing (s3rver) also limits checksums to where they are required.
    expect(loadGroup('aws', { SATMON_S3_FORCE_PATH_STYLE: 'true' })).toMatchObject({ forcePathStyle: true, checksumWhenRequired: true });
  });
});

describe('bad values: one error naming the variable, its value and what is expected', () => {
  it.each([
    [{ SATMON_NBOOT: 'abc' }, "SATMON_NBOOT must be a whole number >= 2, got 'abc'"],
    [{ SATMON_NBOOT: '1' }, "SATMON_NBOOT must be a whole number >= 2, got '1'"],
    [{ SATMON_NBOOT: '2.5' }, "SATMON_NBOOT must be a whole number >= 2, got '2.5'"],
    [{ SATMON_NBOOT: '1e3' }, "SATMON_NBOOT must be a whole number >= 2, got '1e3'"],
    [{ SATMON_NBOOT_AGGREGATE: '-200' }, "SATMON_NBOOT_AGGREGATE must be a whole number >= 2, got '-200'"],
    [{ SATMON_SEED: '2147483648' }, "SATMON_SEED must be a whole number from -2147483647 to 2147483647, got '2147483648'"],
    [{ SATMON_MIN_N: '0' }, "SATMON_MIN_N must be a whole number >= 1, got '0'"],
    [{ SATMON_WORKERS: 'many' }, "SATMON_WORKERS must be a whole number from 1 to 1024, got 'many'"],
    [{ SATMON_PORT: '65536' }, "SATMON_PORT must be a whole number from 0 to 65535, got '65536'"],
    [{ SATMON_MAX_LINE_BYTES: '1000' }, "SATMON_MAX_LINE_BYTES must be a whole number from 1024 to 268435456, got '1000'"],
    [{ SATMON_INGEST_LEASE_SECONDS: '0' }, "SATMON_INGEST_LEASE_SECONDS must be a whole number >= 1, got '0'"],
    [{ SATMON_BCA: 'maybe' }, "SATMON_BCA must be 1, true, yes or on (or 0, false, no, off), got 'maybe'"],
    [{ SATMON_S3_FORCE_PATH_STYLE: '2' }, "SATMON_S3_FORCE_PATH_STYLE must be 1, true, yes or on (or 0, false, no, off), got '2'"],
    [{ SATMON_ALERT_WEBHOOK: 'hooks.example.org' }, "SATMON_ALERT_WEBHOOK must be an http(s) URL, got 'hooks.example.org'"],
    [{ SATMON_ALERT_WEBHOOK: 'ftp://hooks.example.org' }, "SATMON_ALERT_WEBHOOK must be an http(s) URL, got 'ftp://hooks.example.org'"],
    [{ AWS_ENDPOINT_URL_S3: '127.0.0.1:4569' }, "AWS_ENDPOINT_URL_S3 must be an http(s) URL, got '127.0.0.1:4569'"],
    [{ SATMON_ALERT_METRICS: 'TRUST;SAT' }, "SATMON_ALERT_METRICS must be comma-separated names (letters, digits, _), got 'TRUST;SAT'"],
    [{ SATMON_ALERT_METRICS: ' , ' }, "SATMON_ALERT_METRICS must be comma-separated names (letters, digits, _), got ' , '"],
    [{ ALERT_TOPIC_ARN: 'alerts' }, "ALERT_TOPIC_ARN must be an SNS ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got 'alerts'"],
    [{ POWERTOOLS_LOG_LEVEL: 'loud' }, "POWERTOOLS_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got 'loud'"],
    [{ AWS_REQUEST_CHECKSUM_CALCULATION: 'NEVER' }, "AWS_REQUEST_CHECKSUM_CALCULATION must be one of WHEN_SUPPORTED, WHEN_REQUIRED, got 'NEVER'"],
    [{ SATMON_INSTRUMENT_JSON: '{id:1}' }, "SATMON_INSTRUMENT_JSON must be an instrument as JSON text, got '{id:1}' (Expected property name or '}' in JSON at position 1"],
  ])('%j', (env, message) => {
    expect(errorOf(env)).toContain(message);
  });

  it('names every bad variable in one error, the first one first', () => {
    try {
      loadGroups(['recompute', 'local'], { SATMON_NBOOT: 'abc', SATMON_PORT: 'http', SATMON_SEED: '5' });
      expect.unreachable();
    } catch (e) {
      const err = e as ConfigError;
      expect(err.name).toBe('ConfigError');
      expect(err.issues.map((i) => [i.name, i.value])).toEqual([['SATMON_NBOOT', 'abc'], ['SATMON_PORT', 'http']]);
      expect(err.message).toBe("SATMON_NBOOT must be a whole number >= 2, got 'abc'; SATMON_PORT must be a whole number from 0 to 65535, got 'http'");
    }
  });

  it('shortens a long value', () => {
    expect(errorOf({ SATMON_NBOOT: 'x'.repeat(200) })).toBe(`SATMON_NBOOT must be a whole number >= 2, got '${'x'.repeat(57)}...'`);
  });

  it('checks only the groups asked for', () => {
    expect(loadGroup('recompute', { SATMON_PORT: 'http' }).nboot).toBe(5000);
    expect(() => loadGroup('local', { SATMON_PORT: 'http' })).toThrow(ConfigError);
  });
});

describe('env maps and process.env', () => {
  it('reads a given env map, not process.env', () => {
    vi.stubEnv('SATMON_NBOOT', 'abc');
    expect(loadGroup('recompute', { SATMON_NBOOT: '300' }).nboot).toBe(300);
    expect(loadGroup('recompute', {}).nboot).toBe(5000);
  });

  it('reads process.env when given no map', () => {
    vi.stubEnv('SATMON_NBOOT', '300');
    expect(loadGroup('recompute').nboot).toBe(300);
    vi.stubEnv('SATMON_NBOOT', 'abc');
    expect(() => loadConfig()).toThrow("SATMON_NBOOT must be a whole number >= 2, got 'abc'");
  });

  it('withDefaults: the environment over a program default, blank counting as unset', () => {
    expect(loadGroup('recompute', withDefaults({ SATMON_NBOOT: '1000' }, {})).nboot).toBe(1000);
    expect(loadGroup('recompute', withDefaults({ SATMON_NBOOT: '1000' }, { SATMON_NBOOT: '' })).nboot).toBe(1000);
    expect(loadGroup('recompute', withDefaults({ SATMON_NBOOT: '1000' }, { SATMON_NBOOT: '40' })).nboot).toBe(40);
    vi.stubEnv('SATMON_NBOOT', '50');
    expect(loadGroup('recompute', withDefaults({ SATMON_NBOOT: '1000' })).nboot).toBe(50);
  });

  it('childEnv: the process environment with overrides, to hand on', () => {
    vi.stubEnv('SATMON_PORT', '9000');
    const env = childEnv({ SATMON_DEBUG: '' });
    expect(env.SATMON_PORT).toBe('9000');
    expect(env.SATMON_DEBUG).toBe('');
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('requireResources names every missing variable', () => {
    expect(requireResources({ table: 't', raw: undefined, curated: 'c' }, 'table', 'curated')).toEqual({ table: 't', curated: 'c' });
    expect(() => requireResources({ table: undefined, raw: 'r', curated: undefined }, 'table', 'raw', 'curated'))
      .toThrow("environment variables TABLE_NAME, CURATED_BUCKET not set (names of the stack's resources)");
    expect(() => requireResources({ table: 't', raw: undefined, curated: 'c' }, 'table', 'raw'))
      .toThrow("environment variable RAW_BUCKET not set (names of the stack's resources)");
  });
});

describe('settingsFor (shared/assess/units.ts) from the recompute group', () => {
  const s = loadGroup('recompute', { SATMON_NBOOT: '300', SATMON_NBOOT_AGGREGATE: '50', SATMON_WORKERS: '3', SATMON_BCA: '1', SATMON_SEED: '9', SATMON_MIN_N: '20' });

  it('branches: SATMON_NBOOT, BCa when asked, the worker threads', () => {
    expect(settingsFor({ kind: 'branch', id: 'BR01' }, s, false)).toEqual({ ...DEFAULT_SETTINGS, nboot: 300, seed: 9, minN: 20, workers: 3, bca: true });
  });

  it('regions and the network: SATMON_NBOOT_AGGREGATE, never BCa', () => {
    expect(settingsFor({ kind: 'region', id: 'R1' }, s, false)).toMatchObject({ nboot: 50, bca: false, workers: 3 });
    expect(settingsFor({ kind: 'network' }, s, false)).toMatchObject({ nboot: 50, bca: false });
  });

  it('one thread on Lambda', () => {
    expect(settingsFor({ kind: 'branch', id: 'BR01' }, s, true).workers).toBe(1);
  });
});

// README.md's settings table is pasted by hand from `npx tsx scripts/config-table.ts`; these checks fail until it is.
describe('README.md settings table (paste the output of `npx tsx scripts/config-table.ts`)', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const rows = new Map<string, string[]>();
  for (const line of readme.split('\n')) {
    const m = /^\| `([A-Z][A-Z0-9_]*)` \| (.*) \|\s*$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.split(' | '));
  }

  it('lists every declared variable with its default', () => {
    const wrong = declarations().filter((d) => rows.get(d.name)?.[0] !== d.default).map((d) => `${d.name} (${rows.has(d.name) ? `default '${rows.get(d.name)![0]}', declared '${d.default}'` : 'missing'})`);
    expect(wrong, 'README.md is out of date: paste the table printed by `npx tsx scripts/config-table.ts`').toEqual([]);
  });

  it('mentions no SATMON_* variable that shared/config.ts does not declare', () => {
    const declared = new Set(declarations().map((d) => d.name));
    const unknown = [...new Set(readme.match(/\bSATMON_[A-Z0-9_]*[A-Z0-9]\b/g) ?? [])].filter((n) => !declared.has(n));
    expect(unknown, 'declare these in shared/config.ts (or drop them from README.md), then paste `npx tsx scripts/config-table.ts`').toEqual([]);
  });

  it('the table the script prints has a row per variable', () => {
    expect(configTable().split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(declarations().length);
  });
});
