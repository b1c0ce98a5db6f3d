// Every environment variable the code reads, declared once: name, type (a zod schema), default and what it does,
// grouped by what they configure. Pure (no AWS SDK). Handlers, the local runner, the CLI, the CDK app and the tests
// read their settings through here, from process.env or from an env map they were handed (the local runner gives
// handlers and worker threads env maps), so no other module parses environment variables.
//
//   const { resources, aws, recompute } = loadGroups(['resources', 'aws', 'recompute'], env);
//   loadConfig();                       // every group, from process.env
//
// An empty (or blank) value counts as unset. Bad values fail with one ConfigError naming each variable, its value
// and what is expected. README.md's settings table is generated from these declarations (scripts/config-table.ts;
// test/unit/shared/config.test.ts checks the two agree).
import * as z from 'zod';
import { DEFAULT_LOCALE, LOCALES } from './i18n/locale';
import { S3_LAYOUT } from './layout/keys';
import { BUCKETS, TABLE, TOPICS } from './layout/resources';

export type EnvMap = Readonly<Record<string, string | undefined>>;

/** One declared variable: `schema` turns the raw value (undefined when unset or blank) into the typed one. */
export interface VarDecl<T = unknown> {
  schema: z.ZodType<T>;
  /** What a valid value looks like, for the error message ("a whole number >= 2"). */
  expected: string;
  /** The default as the README shows it. */
  default: string;
  /** One line: what the variable does. */
  description: string;
}

type Doc = { description: string; default?: string };

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function decl<T>(schema: z.ZodType<T>, expected: string, doc: Doc, shownDefault: string): VarDecl<T> {
  return { schema: z.preprocess(blankIsUnset, schema) as z.ZodType<T>, expected, default: doc.default ?? shownDefault, description: doc.description };
}

/** Free text (a name, a key, a path). */
function text(doc: Doc): VarDecl<string | undefined>;
function text(doc: Doc, fallback: string): VarDecl<string>;
function text(doc: Doc, fallback?: string): VarDecl<string | undefined> {
  const s = z.string();
  return decl(fallback === undefined ? s.optional() : s.default(fallback), 'a non-empty text', doc, fallback === undefined ? 'unset' : `\`${fallback}\``);
}

function whole(range: { min: number; max?: number }, fallback: number, doc: Doc): VarDecl<number> {
  const { min, max } = range;
  const n = max === undefined ? z.int().min(min) : z.int().min(min).max(max);
  const expected = max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
  return decl(z.string().trim().regex(/^[+-]?\d+$/).transform(Number).pipe(n).default(fallback), expected, doc, String(fallback));
}

/** 1/true/yes/on or 0/false/no/off (zod's stringbool, any case); off unless `fallback` says otherwise. */
function flag(doc: Doc, fallback = false): VarDecl<boolean> {
  return decl(z.stringbool().default(fallback), '1, true, yes or on (or 0, false, no, off)', doc, fallback ? '`1`' : '`0`');
}

function httpUrl(doc: Doc): VarDecl<string | undefined> {
  return decl(z.url({ protocol: /^https?$/ }).optional(), 'an http(s) URL', doc, 'unset');
}

function oneOf<const V extends readonly [string, ...string[]]>(values: V, doc: Doc): VarDecl<V[number] | undefined> {
  const schema = z.string().trim().transform((s) => s.toUpperCase()).pipe(z.enum(values)).optional();
  return decl(schema, `one of ${values.join(', ')}`, doc, 'unset');
}

/** JSON text, parsed (what it must contain is checked by whoever reads it). */
function json(doc: Doc, what: string): VarDecl<unknown> {
  const schema = z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });
  return decl(schema.optional(), `${what} as JSON text`, doc, 'unset');
}

/** Comma-separated names, e.g. metric names. */
function names(fallback: string[], doc: Doc): VarDecl<string[]> {
  const schema = z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/)).min(1))
    .default(fallback);
  return decl(schema, 'comma-separated names (letters, digits, _)', doc, `\`${fallback.join(',')}\``);
}

function arn(service: string, doc: Doc): VarDecl<string | undefined> {
  const schema = z.string().trim().regex(new RegExp(`^arn:[a-z-]+:${service}:[a-z0-9-]+:\\d{12}:\\S+$`)).optional();
  return decl(schema, `an ${service.toUpperCase()} ARN (arn:aws:${service}:REGION:ACCOUNT:NAME)`, doc, 'unset');
}

type Values<V> = { [K in keyof V]: V[K] extends VarDecl<infer T> ? T : never };

interface Group<V extends Record<string, VarDecl<any>>, R> {
  title: string;
  vars: V;
  derive: (v: Values<V>) => R;
}

function group<V extends Record<string, VarDecl<any>>, R>(title: string, vars: V, derive: (v: Values<V>) => R): Group<V, R> {
  return { title, vars, derive };
}

/** The variables, by group. Resource and topic names come from shared/layout/resources.ts (the stacks set them). */
export const CONFIG_GROUPS = {
  resources: group('Resources (set by the CDK stack and the local stack)', {
    [TABLE.envVar]: text({ description: 'DynamoDB table of the pipeline (every handler).', default: 'unset (required by the handlers)' }),
    [BUCKETS.raw.envVar]: text({ description: 'Bucket branches upload survey drops to (the ingest handler).', default: 'unset (required by ingest)' }),
    [BUCKETS.curated.envVar]: text({
      description: 'Bucket of clean rows, manifests, results and config/ (every handler); with the table set, `satmon assess` uses them instead of the embedded stack.',
      default: 'unset (required by the handlers)',
    }),
  }, (v) => ({ table: v[TABLE.envVar], raw: v[BUCKETS.raw.envVar], curated: v[BUCKETS.curated.envVar] })),

  aws: group('AWS SDK clients (the local stack points them at DynamoDB Local and s3rver)', {
    AWS_REGION: text({ description: 'Region of the SDK clients.', default: "`AWS_DEFAULT_REGION`, else the SDK's (profile)" }),
    AWS_DEFAULT_REGION: text({ description: 'Region when AWS_REGION is unset.' }),
    AWS_ENDPOINT_URL: httpUrl({ description: 'Endpoint of every AWS service (an emulator).', default: "AWS's endpoints" }),
    AWS_ENDPOINT_URL_S3: httpUrl({ description: 'S3 endpoint.', default: '`AWS_ENDPOINT_URL`' }),
    AWS_ENDPOINT_URL_DYNAMODB: httpUrl({ description: 'DynamoDB endpoint.', default: '`AWS_ENDPOINT_URL`' }),
    SATMON_S3_ENDPOINT: httpUrl({ description: 'S3 endpoint of the handlers, before AWS_ENDPOINT_URL_S3.', default: '`AWS_ENDPOINT_URL_S3`' }),
    SATMON_DYNAMODB_ENDPOINT: httpUrl({ description: 'DynamoDB endpoint of the handlers, before AWS_ENDPOINT_URL_DYNAMODB.', default: '`AWS_ENDPOINT_URL_DYNAMODB`' }),
    SATMON_S3_FORCE_PATH_STYLE: flag({ description: 'Path-style bucket addressing and checksums only where required (s3rver, emulators on an IP address).' }),
    AWS_REQUEST_CHECKSUM_CALCULATION: oneOf(['WHEN_SUPPORTED', 'WHEN_REQUIRED'], {
      description: 'WHEN_REQUIRED: S3 request checksums only where an operation requires them.',
      default: '`WHEN_SUPPORTED`',
    }),
  }, (v) => ({
    region: v.AWS_REGION ?? v.AWS_DEFAULT_REGION,
    s3Endpoint: v.SATMON_S3_ENDPOINT ?? v.AWS_ENDPOINT_URL_S3 ?? v.AWS_ENDPOINT_URL,
    dynamodbEndpoint: v.SATMON_DYNAMODB_ENDPOINT ?? v.AWS_ENDPOINT_URL_DYNAMODB ?? v.AWS_ENDPOINT_URL,
    forcePathStyle: v.SATMON_S3_FORCE_PATH_STYLE,
    // s3rver stores aws-chunked framing verbatim unless checksums are limited to where they are required.
    checksumWhenRequired: v.AWS_REQUEST_CHECKSUM_CALCULATION === 'WHEN_REQUIRED' || v.SATMON_S3_FORCE_PATH_STYLE,
  })),

  survey: group('Survey configuration (read from the curated bucket)', {
    SATMON_INSTRUMENT_JSON: json({ description: 'The survey instrument as inline JSON; takes precedence over SATMON_INSTRUMENT_KEY.', default: 'the built-in instrument' }, 'an instrument'),
    SATMON_INSTRUMENT_KEY: text({ description: 'Key of an instrument JSON in the curated bucket (under config/), read on every invocation.', default: 'the built-in instrument' }),
    SATMON_BRANCHES_KEY: text({
      description: 'Key of the branch directory (id, region, name) in the curated bucket; when set, the object must exist.',
      default: `\`${S3_LAYOUT.branches}\` if present`,
    }),
    // Defaults equal shared/survey/csv-records.ts DEFAULT_MAX_LINE_BYTES / DEFAULT_MAX_FIELD_BYTES (config.test.ts
    // checks); at most 256 MiB, as the reader holds a record of up to that size as one string.
    SATMON_MAX_LINE_BYTES: whole({ min: 1024, max: 1 << 28 }, 1 << 20, {
      description: 'Longest survey row read, in bytes; a longer row is rejected as LINE_TOO_LONG (only its start kept), a longer header refuses the drop.',
    }),
    SATMON_MAX_FIELD_BYTES: whole({ min: 64, max: 1 << 28 }, 64 << 10, {
      description: 'Longest cell of a survey row, in bytes; a row with a longer one is rejected as LINE_TOO_LONG.',
    }),
  }, (v) => ({
    instrumentJson: v.SATMON_INSTRUMENT_JSON, instrumentKey: v.SATMON_INSTRUMENT_KEY, branchesKey: v.SATMON_BRANCHES_KEY,
    // Named as ReaderOptions (cleanDrop's `reader`).
    maxLineBytes: v.SATMON_MAX_LINE_BYTES, maxFieldBytes: v.SATMON_MAX_FIELD_BYTES,
  })),

  // Defaults equal shared/assess/recompute.ts DEFAULT_SETTINGS (test/unit/shared/config.test.ts checks).
  recompute: group('Recompute (bootstrap) settings', {
    SATMON_NBOOT: whole({ min: 2 }, 5000, { description: 'Bootstrap resamples per branch.', default: '5000 (`npm start`: 1000)' }),
    SATMON_NBOOT_AGGREGATE: whole({ min: 2 }, 200, { description: 'Bootstrap resamples per region and for the network (their n is large, the bootstrap SE small).' }),
    SATMON_SEED: whole({ min: -2147483647, max: 2147483647 }, 20240101, { description: "Bootstrap seed (R's set.seed): the same seed gives the same results." }),
    SATMON_MIN_N: whole({ min: 1 }, 30, { description: 'Respondents below which a unit\'s models are not estimated (simple indices still are).' }),
    SATMON_WORKERS: whole({ min: 1, max: 1024 }, 1, { description: 'Bootstrap worker threads per recompute (always 1 on Lambda).' }),
    SATMON_BCA: flag({ description: 'BCa intervals for branches (a jackknife, about 40 % more time); percentile intervals are always there.' }),
    SATMON_PATH_PERMUTATIONS: whole({ min: 0 }, 200, { description: "Permutations of the test whether a branch's paths differ from the rest of the network's and from its year before (0: no path tests)." }),
    SATMON_PATH_REST_ROWS: whole({ min: 30 }, 1000, { description: 'Largest rest-of-network group in the path test (a larger rest is a seeded random sample of this size).' }),
  }, (v) => ({
    nboot: v.SATMON_NBOOT, nbootAggregate: v.SATMON_NBOOT_AGGREGATE, seed: v.SATMON_SEED, minN: v.SATMON_MIN_N, workers: v.SATMON_WORKERS, bca: v.SATMON_BCA,
    permutations: v.SATMON_PATH_PERMUTATIONS, restRows: v.SATMON_PATH_REST_ROWS,
  })),

  ingest: group('Ingest', {
    SATMON_INGEST_LEASE_SECONDS: whole({ min: 1 }, 60, {
      description: "How long an ingest's claim on a drop holds unless its owner renews it (every third of it, while working); a crashed owner's drop is taken over after it. The same on AWS and locally.",
    }),
  }, (v) => ({ leaseSeconds: v.SATMON_INGEST_LEASE_SECONDS })),

  privacy: group('Personal data (pseudonyms of respondent ids; see README "Personal data")', {
    SATMON_PSEUDONYM_KEY_SECRET: text({
      description: 'Secrets Manager secret (ARN or name) holding the pseudonym keyring `{"current":"k1","k1":"<secret>"}` (set by the CDK stack; readable by ingest and forget only).',
    }),
    SATMON_PSEUDONYM_KEY_FILE: text({
      description: 'Keyring file of the local runs (same JSON), created with a random key at first start when absent (relative to the package root).',
      default: '`.satmon/pseudonym-key.json`',
    }),
  }, (v) => ({ keySecret: v.SATMON_PSEUDONYM_KEY_SECRET, keyFile: v.SATMON_PSEUDONYM_KEY_FILE })),

  // Read by the CDK app at synth (lifecycle rules, log groups) and by the handlers (expiry of table items).
  retention: group('Retention (days; README "Personal data")', {
    SATMON_RETENTION_RAW_DAYS: whole({ min: 1 }, 2557, { description: 'Raw survey drops (the evidence behind every published figure, with the participants\' identities), then deleted by an S3 lifecycle rule.' }),
    SATMON_RETENTION_CURATED_DAYS: whole({ min: 1 }, 1827, { description: 'Curated rows (clean parts, rejects, manifests) and the respondent index (pseudonyms), then deleted (lifecycle rule, table TTL).' }),
    SATMON_RETENTION_RESULTS_DAYS: whole({ min: 1 }, 3653, { description: 'Model results and assessments in the curated bucket (aggregates, no respondent data), then deleted.' }),
    SATMON_RETENTION_LOG_DAYS: whole({ min: 1 }, 90, { description: 'CloudWatch Logs of the handlers, state machine and API (rounded up to a period CloudWatch accepts).' }),
  }, (v) => ({ rawDays: v.SATMON_RETENTION_RAW_DAYS, curatedDays: v.SATMON_RETENTION_CURATED_DAYS, resultsDays: v.SATMON_RETENTION_RESULTS_DAYS, logDays: v.SATMON_RETENTION_LOG_DAYS })),

  language: group('Language', {
    SATMON_LOCALE: decl(z.string().trim().toLowerCase().pipe(z.enum(LOCALES)).default(DEFAULT_LOCALE), 'id or en', {
      description: 'Default language of the dashboard (each reader can switch), the alert texts, the exports and the CLI\'s tables.',
    }, `\`${DEFAULT_LOCALE}\``),
  }, (v) => ({ locale: v.SATMON_LOCALE })),

  alerts: group('Alerts (the assess handler)', {
    SATMON_ALERT_METRICS: names(['TRUST'], { description: 'Indices tested for a decline every quarter (any stored series: TRUST, SAT, IKM, NRR_U4, ...).' }),
    SATMON_ALERT_IKM_BAND: flag({ description: "Alert when a branch's IKM grade (mutu pelayanan A-D) is worse than in the quarter before." }, true),
    [TOPICS.alerts.envVar]: arn('sns', { description: 'SNS topic new alerts are published to (set by the CDK stack).' }),
    SATMON_ALERT_WEBHOOK: httpUrl({ description: 'URL new alerts are also POSTed to as JSON.' }),
    [TOPICS.watches.envVar]: arn('sns', {
      description: `SNS topic new watches (a small branch's own decline, not a network alert) are published to, with the branch in the message attribute \`${TOPICS.watches.branchAttribute}\` that each manager's subscription filters on (set by the CDK stack). Never the alert topic or webhook.`,
    }),
  }, (v) => ({
    metrics: v.SATMON_ALERT_METRICS, ikmBand: v.SATMON_ALERT_IKM_BAND, topicArn: v[TOPICS.alerts.envVar], webhook: v.SATMON_ALERT_WEBHOOK,
    watchTopicArn: v[TOPICS.watches.envVar],
  })),

  logging: group('Logging', {
    POWERTOOLS_LOG_LEVEL: oneOf(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'], {
      description: "Log level of the handlers' Powertools logger.",
      default: '`INFO` (local stack: `WARN`)',
    }),
  }, (v) => ({ level: v.POWERTOOLS_LOG_LEVEL })),

  // Read by lambdas/aws/observability.ts and passed to Powertools explicitly; Powertools reads the same names itself.
  observability: group('Logs, metrics and traces of the handlers (Powertools; metrics and traces on Lambda only)', {
    POWERTOOLS_SERVICE_NAME: text({
      description: "Service of the handler's log lines, metrics (dimension `service`) and traces (set by the CDK stack).",
      default: '`satmon-` and the handler (`satmon-ingest`, ...)',
    }),
    POWERTOOLS_METRICS_NAMESPACE: text({ description: 'CloudWatch namespace of the handlers\' metrics (embedded metric format in the logs).' }, 'Satmon'),
    POWERTOOLS_METRICS_DISABLED: flag({ description: 'No metrics are written on Lambda (elsewhere they never are).' }),
    POWERTOOLS_TRACE_ENABLED: flag({ description: 'X-Ray subsegments for the handler and its AWS SDK calls on Lambda (0: none; the function\'s own X-Ray segment remains).' }, true),
  }, (v) => ({
    serviceName: v.POWERTOOLS_SERVICE_NAME,
    namespace: v.POWERTOOLS_METRICS_NAMESPACE,
    metricsEnabled: !v.POWERTOOLS_METRICS_DISABLED,
    tracingEnabled: v.POWERTOOLS_TRACE_ENABLED,
  })),

  runtime: group('Runtime', {
    AWS_LAMBDA_FUNCTION_NAME: text({ description: 'Set by Lambda: the code runs on Lambda (bootstrap in the handler\'s thread: the bundle has no worker module).' }),
  }, (v) => ({ onLambda: v.AWS_LAMBDA_FUNCTION_NAME !== undefined })),

  local: group('Local runner (`npm start`)', {
    SATMON_PORT: whole({ min: 0, max: 65535 }, 8080, { description: 'Port of the dashboard and its API.' }),
    SATMON_DATA_DIR: text({ description: 'Where `npm start` keeps the local stack\'s data (relative to the package root).' }, '.satmon/data'),
  }, (v) => ({ port: v.SATMON_PORT, dataDir: v.SATMON_DATA_DIR })),

  java: group('Embedded stack: DynamoDB Local', {
    SATMON_DYNAMODB_LOCAL_DIR: text({ description: 'Folder holding DynamoDBLocal.jar.', default: 'found in node_modules' }),
    SATMON_JAVA: text({ description: 'Java executable for DynamoDB Local.', default: 'JAVA_HOME/bin/java, else `java`' }),
    JAVA_HOME: text({ description: 'A JDK/JRE 11+ whose bin/java runs DynamoDB Local.', default: '`java` on PATH' }),
  }, (v) => ({ dynamodbLocalDir: v.SATMON_DYNAMODB_LOCAL_DIR, java: v.SATMON_JAVA, javaHome: v.JAVA_HOME })),

  cli: group('CLI', {
    SATMON_DEBUG: flag({ description: 'The CLI prints stack traces (source-mapped to the TypeScript sources).' }),
  }, (v) => ({ debug: v.SATMON_DEBUG })),

  cdk: group('CDK app (set by the CDK CLI)', {
    CDK_DEFAULT_ACCOUNT: text({ description: 'Account the stack is synthesized for.', default: 'unset (environment-agnostic)' }),
    CDK_OUTDIR: text({ description: 'Set when the CDK CLI runs the app: infra/dev/synth-with-stubs.ts then takes context and output folder from it.' }),
  }, (v) => ({ account: v.CDK_DEFAULT_ACCOUNT, outdir: v.CDK_OUTDIR })),

  tests: group('Tests', {
    SATMON_CHROMIUM: text({ description: 'Chromium binary of the browser tests.' }, '/usr/bin/chromium'),
    SATMON_DEV_STUB_MISSING_HANDLERS: flag({ description: 'The CDK tests synthesize stub handlers for handler files that do not exist yet.' }),
  }, (v) => ({ chromium: v.SATMON_CHROMIUM, stubMissingHandlers: v.SATMON_DEV_STUB_MISSING_HANDLERS })),
};

export type GroupName = keyof typeof CONFIG_GROUPS;
export type Config = { [G in GroupName]: ReturnType<(typeof CONFIG_GROUPS)[G]['derive']> };
export type Resources = Config['resources'];
export type AwsSettings = Config['aws'];
export type SurveySettings = Config['survey'];
export type RecomputeEnvSettings = Config['recompute'];

export interface ConfigIssue {
  name: string;
  value: string | undefined;
  expected: string;
  /** A parser's own words, e.g. where JSON text breaks. */
  detail?: string;
}

const shown = (v: string | undefined) => (v === undefined ? 'nothing' : `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`);

function formatIssue(i: ConfigIssue): string {
  return `${i.name} must be ${i.expected}, got ${shown(i.value)}${i.detail ? ` (${i.detail})` : ''}`;
}

/** Every bad variable of a load, in one error (its message starts with the first one). */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('; '));
    this.name = 'ConfigError';
  }
}

/** A group with its types erased, for the code that walks every group. */
type AnyGroup = { title: string; vars: Record<string, VarDecl>; derive: (v: never) => unknown };

function parseGroup(name: GroupName, env: EnvMap, issues: ConfigIssue[]): unknown {
  const g: AnyGroup = CONFIG_GROUPS[name];
  const values: Record<string, unknown> = {};
  for (const [v, d] of Object.entries(g.vars)) {
    const raw = env[v];
    const r = d.schema.safeParse(raw);
    if (r.success) values[v] = r.data;
    else {
      const custom = r.error.issues.find((i) => i.code === 'custom');
      issues.push({ name: v, value: raw, expected: d.expected, ...(custom ? { detail: custom.message } : {}) });
    }
  }
  return g.derive(values as never);
}

/** The settings of the named groups, from `env` (default: process.env). Throws one ConfigError for every bad variable. */
export function loadGroups<const G extends GroupName>(groups: readonly G[], env: EnvMap = process.env): Pick<Config, G> {
  const issues: ConfigIssue[] = [];
  const out = {} as Record<G, unknown>;
  for (const g of groups) out[g] = parseGroup(g, env, issues);
  if (issues.length) throw new ConfigError(issues);
  return out as Pick<Config, G>;
}

export function loadGroup<G extends GroupName>(group: G, env?: EnvMap): Config[G] {
  return loadGroups([group], env)[group];
}

/** Every group. */
export function loadConfig(env?: EnvMap): Config {
  return loadGroups(Object.keys(CONFIG_GROUPS) as GroupName[], env);
}

const RESOURCE_VARS = { table: TABLE.envVar, raw: BUCKETS.raw.envVar, curated: BUCKETS.curated.envVar } as const;

/** The named resources, or one error naming every variable that is not set. */
export function requireResources<K extends keyof Resources>(r: Resources, ...keys: K[]): { [P in K]: string } {
  const missing = keys.filter((k) => !r[k]).map((k) => RESOURCE_VARS[k]);
  if (missing.length) throw new Error(`environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not set (names of the stack's resources)`);
  return Object.fromEntries(keys.map((k) => [k, r[k]])) as { [P in K]: string };
}

/** `env` (default: process.env) over `defaults`: a program's own defaults where a variable is unset or blank. */
export function withDefaults(defaults: EnvMap, env: EnvMap = process.env): EnvMap {
  const out: Record<string, string | undefined> = { ...defaults };
  for (const [k, v] of Object.entries(env)) if (blankIsUnset(v) !== undefined || !(k in defaults)) out[k] = v;
  return out;
}

/** The process environment with overrides: for a child process or worker thread, which inherits it unparsed. */
export function childEnv(overrides: EnvMap = {}): Record<string, string | undefined> {
  return { ...process.env, ...overrides };
}

/** Every declared variable, in group order. */
export function declarations(): ({ group: GroupName; title: string; name: string } & VarDecl)[] {
  return (Object.entries(CONFIG_GROUPS) as [GroupName, AnyGroup][]).flatMap(([group, g]) =>
    Object.entries(g.vars).map(([name, d]) => ({ group, title: g.title, name, ...d })));
}

/** One README table row: | `NAME` | default | what it does | */
function tableRow(d: Pick<VarDecl, 'default' | 'description'> & { name: string }): string {
  return `| \`${d.name}\` | ${d.default} | ${d.description} |`;
}

/** The README's settings table (name | default | what it does), a bold row before each group. */
export function configTable(): string {
  const lines = ['| Variable | Default | What it does |', '|---|---|---|'];
  let title = '';
  for (const d of declarations()) {
    if (d.title !== title) lines.push(`| **${(title = d.title)}** | | |`);
    lines.push(tableRow(d));
  }
  return lines.join('\n');
}
