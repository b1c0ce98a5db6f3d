// Child process of crash-recovery.test.ts: ingests the object an S3 event names, exactly as the ingest Lambda
// does (lambdas/ingest/handler.ts depsFromEnv + ingestObject), against the stack named by its environment. The
// parent kills it with SIGKILL mid-ingest. Run: node --import tsx test/reliability/ingest-child.ts '<S3Event JSON>'
import { depsFromEnv } from '../../lambdas/ingest/handler';
import { eventItems } from '../../shared/layout/events';
import { ingestObject } from '../../shared/pipeline/ingest';

const { items } = eventItems(JSON.parse(process.argv[2] ?? '{}'));
const deps = await depsFromEnv();
const quiet = { info: () => {}, warn: () => {} };
process.stdout.write(`ingest-child ${process.pid} starting\n`);
for (const { ref } of items) {
  const r = await ingestObject({ ...deps, log: quiet }, ref);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
