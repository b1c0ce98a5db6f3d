// S3 access the handlers share: streamed reads, buffered and streamed writes, paginated listings.
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type _Object,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export interface ObjectStream {
  body: Readable;
  etag?: string;
  size?: number;
  contentType?: string;
}

function errorName(e: unknown): string | undefined {
  return (e as { name?: string })?.name;
}

/** S3's answer to a read pinned (If-Match) to an ETag the object no longer has. */
export function isPreconditionFailed(e: unknown): boolean {
  return errorName(e) === 'PreconditionFailed' || (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 412;
}

export function isNotFound(e: unknown): boolean {
  const n = errorName(e);
  return n === 'NoSuchKey' || n === 'NotFound' || (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;
}

/**
 * Stream an object. A pin reads one version: `versionId` on a versioned bucket, `etag` as If-Match (an object
 * overwritten since fails with PreconditionFailed instead of mixing versions).
 */
export async function getObjectStream(s3: S3Client, bucket: string, key: string, pin?: { versionId?: string; etag?: string }): Promise<ObjectStream> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: pin?.versionId, IfMatch: pin?.etag }));
  if (!r.Body) throw new Error(`s3://${bucket}/${key}: empty response body`);
  // In Node the SDK's Body is an http.IncomingMessage (a Readable) with helper mixins.
  return { body: r.Body as Readable, etag: r.ETag, size: r.ContentLength, contentType: r.ContentType };
}

export async function getObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { body } = await getObjectStream(s3, bucket, key);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}

export async function getObjectText(s3: S3Client, bucket: string, key: string): Promise<string> {
  return (await getObjectBytes(s3, bucket, key)).toString('utf8');
}

/** The object's metadata, or undefined when it does not exist. */
export async function headObject(s3: S3Client, bucket: string, key: string) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Put a body held in memory; returns the ETag. */
export async function putObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string | Uint8Array,
  contentType = 'application/octet-stream',
): Promise<string | undefined> {
  const r = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  return r.ETag;
}

/**
 * Upload a stream of unknown length: one PutObject when it fits in a part, a multipart upload otherwise
 * (lib-storage buffers one part at a time, so memory stays at partSize x queueSize).
 */
export async function uploadStream(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Readable | AsyncIterable<Uint8Array | string>,
  opts: { contentType?: string; partSize?: number; queueSize?: number } = {},
): Promise<string | undefined> {
  const up = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: body instanceof Readable ? body : Readable.from(body), ContentType: opts.contentType ?? 'application/octet-stream' },
    partSize: opts.partSize ?? 8 * 1024 * 1024,
    queueSize: opts.queueSize ?? 2,
    leavePartsOnError: false,
  });
  const r = await up.done();
  return r.ETag;
}

/** Every object under a prefix, following continuation tokens. */
export async function* listObjects(s3: S3Client, bucket: string, prefix?: string, pageSize?: number): AsyncGenerator<_Object> {
  for await (const page of paginateListObjectsV2({ client: s3, pageSize }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) yield o;
  }
}

export async function listKeys(s3: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of listObjects(s3, bucket, prefix)) if (o.Key !== undefined) out.push(o.Key);
  return out;
}
