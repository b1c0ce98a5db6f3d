import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../../shared/pipeline/concurrency';

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight, returns results in input order and names each call’s lane', async () => {
    let running = 0, peak = 0;
    const lanes = new Map<number, number>();
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (x, i, lane) => {
      running++; peak = Math.max(peak, running);
      expect(lanes.get(lane)).toBeUndefined(); // a lane runs one call at a time
      lanes.set(lane, i);
      await new Promise((r) => setTimeout(r, x));
      lanes.delete(lane);
      running--;
      return x * 10 + i;
    });
    expect(peak).toBe(3);
    expect(out).toEqual([50, 11, 42, 23, 34, 5, 66]);
  });

  it('rejects with the first error after the calls in flight settle, and starts no new one', async () => {
    const started: number[] = [];
    await expect(mapLimit([1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      if (x === 2) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 5));
      return x;
    })).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  it('handles an empty list', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
