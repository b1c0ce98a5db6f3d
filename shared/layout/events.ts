// Object-created events as the ingest handler receives them, reduced to the object they name.
// Pure code (types only from @types/aws-lambda): shared by the Lambda and the local event router.
//
// Shapes accepted:
//  - S3Event (S3 -> Lambda, and the local stack): keys are form-URL-encoded ('+' for space).
//  - SQSEvent whose bodies are EventBridge "Object Created" events (S3 -> EventBridge -> SQS -> Lambda, the AWS route),
//    or S3Event JSON (S3 -> SQS notification), or S3's "s3:TestEvent" (ignored).
//  - A bare EventBridge "Object Created" event (EventBridge -> Lambda).
import type { S3Event, S3EventRecord, SQSEvent, SQSRecord, EventBridgeEvent } from 'aws-lambda';
import { EVENT_ROUTES, type BucketKey, type HandlerName } from './resources';

/** One created object, with the key decoded to what S3's API expects. */
export interface ObjectRef {
  bucket: string;
  key: string;
  /** The key exactly as the event carried it (for diagnostics, and as a fallback when a source did not encode). */
  eventKey: string;
  etag?: string;
  /** The version the event is about (versioned buckets): ingest reads exactly this one. */
  versionId?: string;
  size?: number;
  sequencer?: string;
}

/** An object plus the SQS message it came in, so a failure can be reported per message (batchItemFailures). */
export interface EventItem {
  ref: ObjectRef;
  messageId?: string;
}

export interface S3ObjectCreatedDetail {
  version?: string;
  bucket: { name: string };
  object: { key: string; size?: number; etag?: string; sequencer?: string; 'version-id'?: string };
  reason?: string;
}
export type S3ObjectCreatedEvent = EventBridgeEvent<'Object Created', S3ObjectCreatedDetail>;

/** Bytes left as they are by S3's event encoding (application/x-www-form-urlencoded, but '/' kept). */
const UNENCODED = /[A-Za-z0-9._*\-/]/;
const utf8 = new TextEncoder();

/**
 * Encode a key the way S3 event notifications do: UTF-8 percent-encoding, space as '+', '/' kept
 * ("red flower.jpg" -> "red+flower.jpg", "dt=2024" -> "dt%3D2024"). Used by the local stack to imitate AWS.
 */
export function encodeEventKey(key: string): string {
  let out = '';
  for (const ch of key) {
    if (ch === ' ') out += '+';
    else if (UNENCODED.test(ch)) out += ch;
    else for (const b of utf8.encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Inverse of encodeEventKey ('+' is a space; a literal '+' arrives as %2B). Malformed escapes are kept as they are. */
export function decodeEventKey(eventKey: string): string {
  const spaced = eventKey.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function isS3Record(r: unknown): r is S3EventRecord {
  return typeof r === 'object' && r !== null && (r as S3EventRecord).eventSource === 'aws:s3' && !!(r as S3EventRecord).s3;
}

function isSqsRecord(r: unknown): r is SQSRecord {
  return typeof r === 'object' && r !== null && (r as SQSRecord).eventSource === 'aws:sqs';
}

function isObjectCreated(e: unknown): e is S3ObjectCreatedEvent {
  const ev = e as S3ObjectCreatedEvent;
  return typeof e === 'object' && e !== null && ev.source === 'aws.s3' && ev['detail-type'] === 'Object Created' && !!ev.detail?.object;
}

function refFromS3Record(r: S3EventRecord): ObjectRef | undefined {
  if (!r.eventName?.startsWith('ObjectCreated:')) return undefined;
  const o = r.s3.object;
  return {
    bucket: r.s3.bucket.name,
    key: decodeEventKey(o.key),
    eventKey: o.key,
    etag: o.eTag,
    ...(o.versionId ? { versionId: o.versionId } : {}),
    size: o.size,
    sequencer: o.sequencer,
  };
}

function refFromEventBridge(e: S3ObjectCreatedEvent): ObjectRef {
  const o = e.detail.object;
  // EventBridge keys are URL-encoded like S3 notifications; eventKey keeps the raw form for a fallback read.
  return {
    bucket: e.detail.bucket.name, key: decodeEventKey(o.key), eventKey: o.key, etag: o.etag,
    ...(o['version-id'] ? { versionId: o['version-id'] } : {}), size: o.size, sequencer: o.sequencer,
  };
}

/** Objects named by one SQS message body (EventBridge event, S3Event JSON, or an ignorable S3 test event). */
function refsFromSqsBody(body: string, messageId: string): ObjectRef[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`SQS message ${messageId}: body is not JSON`);
  }
  if (isObjectCreated(parsed)) return [refFromEventBridge(parsed)];
  const recs = (parsed as { Records?: unknown[] }).Records;
  if (Array.isArray(recs)) return recs.filter(isS3Record).map(refFromS3Record).filter((r): r is ObjectRef => !!r);
  if ((parsed as { Event?: string }).Event === 's3:TestEvent') return [];
  // An EventBridge event of another type (e.g. Object Deleted) is not ours to handle.
  if ((parsed as { source?: string }).source === 'aws.s3') return [];
  throw new Error(`SQS message ${messageId}: not an S3 or EventBridge "Object Created" event`);
}

export type IngestEvent = S3Event | SQSEvent | S3ObjectCreatedEvent;

/**
 * Flatten any accepted event into the created objects it names. An SQS message that cannot be read becomes an
 * item with an `error` so the caller can report exactly that message as failed.
 */
export function eventItems(event: unknown): { items: EventItem[]; unreadable: { messageId: string; error: string }[] } {
  const items: EventItem[] = [];
  const unreadable: { messageId: string; error: string }[] = [];
  if (isObjectCreated(event)) return { items: [{ ref: refFromEventBridge(event) }], unreadable };
  const records = (event as { Records?: unknown[] } | undefined)?.Records;
  if (!Array.isArray(records)) throw new Error('event has no Records and is not an EventBridge "Object Created" event');
  for (const r of records) {
    if (isS3Record(r)) {
      const ref = refFromS3Record(r);
      if (ref) items.push({ ref });
    } else if (isSqsRecord(r)) {
      try {
        for (const ref of refsFromSqsBody(r.body, r.messageId)) items.push({ ref, messageId: r.messageId });
      } catch (e) {
        unreadable.push({ messageId: r.messageId, error: (e as Error).message });
      }
    }
  }
  return { items, unreadable };
}

/** Bucket names per logical bucket, e.g. from the configuration (RAW_BUCKET, CURATED_BUCKET) or the local stack. */
export type BucketNames = Record<BucketKey, string>;

/** The handlers an object in `bucket` under `key` starts, per EVENT_ROUTES (prefix, and a suffix in any case, on the decoded key). */
export function routesFor(bucket: string, key: string, names: BucketNames): HandlerName[] {
  const out: HandlerName[] = [];
  const lower = key.toLowerCase();
  for (const r of EVENT_ROUTES) {
    if (names[r.bucket] === bucket && key.startsWith(r.prefix) && r.suffixes.some((s: string) => lower.endsWith(s.toLowerCase()))) out.push(r.handler);
  }
  return out;
}
