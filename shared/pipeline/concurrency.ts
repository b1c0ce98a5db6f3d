// One bounded-concurrency map for the pipeline's I/O (curated puts, batch writes, the local runner's recompute
// lanes): at most `limit` calls in flight, results in input order, the first error rejects (after the calls in
// flight have settled). `lane` (0 .. limit-1) says which of the parallel lanes runs the call, for callers that keep
// one resource per lane (a worker thread).
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number, lane: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const lane = async (k: number) => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i, k);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, k) => lane(k)));
  if (failed) throw failed.error;
  return out;
}
