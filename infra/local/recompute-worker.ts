// One local "Lambda container" for recompute: a worker thread that runs the recompute handler on the map items it
// is sent, with the environment it was started with. The local runner keeps as many as there are cores, so units
// run side by side as they do on AWS (one Lambda per Distributed Map item).
import { parentPort, workerData } from 'node:worker_threads';

const env = (workerData as { env: Record<string, string | undefined> }).env;
for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
const { handler } = await import('../../lambdas/recompute/handler');

parentPort!.on('message', async (msg: { id: number; item: unknown }) => {
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, out: await handler(msg.item as never) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (e as Error).message });
  }
});
