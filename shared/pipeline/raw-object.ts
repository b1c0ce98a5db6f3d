// Read a raw drop once to learn its identity (SHA-256) and keep the bytes for cleaning when they are small.
import { createHash } from 'node:crypto';
import type { ObjectRef } from '../layout/events';
import type { ObjectStore } from './storage';

/** Objects up to this size are cleaned from memory; larger ones are streamed a second time (pinned by ETag). */
export const KEEP_IN_MEMORY_BYTES = 32 * 1024 * 1024;

export interface RawObject {
  bucket: string;
  key: string;
  etag?: string;
  versionId?: string;
  size: number;
  sha256: string;
  /** The body again, as a stream of chunks (from memory, or a second GET with If-Match). */
  body(): AsyncIterable<Buffer>;
}

async function* fromMemory(chunks: Buffer[]): AsyncIterable<Buffer> {
  yield* chunks;
}

/**
 * Hash the version of an object the event names (its version id, else its ETag) while streaming it. Tries the
 * decoded key, then the key exactly as the event carried it (a source that did not URL-encode). Undefined when the
 * object no longer exists (deleted since the event); ObjectChangedError when it was overwritten since the event
 * and the bucket keeps no versions (that version's bytes are gone: the caller records it as superseded).
 */
export async function readRawObject(objects: ObjectStore, ref: ObjectRef): Promise<RawObject | undefined> {
  const candidates = ref.eventKey !== ref.key ? [ref.key, ref.eventKey] : [ref.key];
  const pin = { ...(ref.versionId ? { versionId: ref.versionId } : {}), ...(ref.etag ? { etag: ref.etag } : {}) };
  for (const key of candidates) {
    const got = await objects.stream(ref.bucket, key, pin);
    if (!got) continue;
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let size = 0;
    let keep = true;
    for await (const b of got.body) {
      hash.update(b);
      size += b.length;
      if (keep) {
        kept.push(b);
        if (size > KEEP_IN_MEMORY_BYTES) {
          keep = false;
          kept.length = 0;
        }
      }
    }
    const etag = got.etag ?? ref.etag;
    const again = { ...pin, ...(etag ? { etag } : {}) };
    return {
      bucket: ref.bucket,
      key,
      etag,
      ...(ref.versionId ? { versionId: ref.versionId } : {}),
      size,
      sha256: hash.digest('hex'),
      body: keep
        ? () => fromMemory(kept)
        : async function* () {
            const second = await objects.stream(ref.bucket, key, again);
            if (!second) throw new Error(`s3://${ref.bucket}/${key}: deleted while it was being ingested`);
            yield* second.body;
          },
    };
  }
  return undefined;
}
