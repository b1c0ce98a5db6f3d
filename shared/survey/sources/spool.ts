// A zip archive cannot be read front to back (its directory is at the end, and Excel writes the shared strings
// after the sheets), so a workbook drop is gathered first: in memory up to SPOOL_MEMORY_BYTES, else in a
// temporary file (Lambda's /tmp, the CLI's tmpdir) removed afterwards. The sha256 is computed on the way.
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

/** Drops up to this size are held in memory while read; larger ones go to a temporary file. */
export const SPOOL_MEMORY_BYTES = 64 << 20;

export interface Spooled {
  bytes: number;
  sha256: string;
  /** The whole drop when it was small enough. */
  buffer?: Buffer;
  /** Otherwise the temporary file holding it. */
  file?: string;
  /** Removes the temporary file (no-op for a buffer). */
  dispose(): Promise<void>;
}

export async function spool(chunks: AsyncIterable<Buffer>, memoryBytes = SPOOL_MEMORY_BYTES): Promise<Spooled> {
  const hash = createHash('sha256');
  let held: Buffer[] = [];
  let bytes = 0;
  let dir: string | null = null;
  let out: WriteStream | null = null;
  try {
    for await (const c of chunks) {
      hash.update(c);
      bytes += c.length;
      if (out === null) {
        held.push(c);
        if (bytes <= memoryBytes) continue;
        dir = await mkdtemp(join(tmpdir(), 'satmon-drop-'));
        out = createWriteStream(join(dir, 'drop.bin'));
        const first = held;
        held = [];
        for (const h of first) if (!out.write(h)) await once(out, 'drain');
      } else if (!out.write(c)) await once(out, 'drain');
    }
    if (out !== null) {
      out.end();
      await once(out, 'finish');
    }
  } catch (e) {
    out?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const sha256 = hash.digest('hex');
  if (dir === null) return { bytes, sha256, buffer: Buffer.concat(held, bytes), dispose: async () => {} };
  const d = dir;
  return { bytes, sha256, file: join(d, 'drop.bin'), dispose: () => rm(d, { recursive: true, force: true }) };
}
