// Local stand-in for S3 -> EventBridge -> SQS -> Lambda: each object-created event whose bucket/prefix/suffix
// matches EVENT_ROUTES is handed to that route's handler, asynchronously, with SQS-like retries.
import type { S3Event } from 'aws-lambda';
import { decodeEventKey, routesFor, type BucketNames } from '../../shared/layout/events';
import type { HandlerName } from '../../shared/layout/resources';

export type LambdaHandler = (event: S3Event) => Promise<unknown>;

export interface Delivery {
  handler: HandlerName;
  bucket: string;
  key: string;
  eventName: string;
  attempts: number;
  ok: boolean;
  error?: string;
}

export interface RouterOptions {
  names: BucketNames;
  /** Loaders of the handlers by name (e.g. a dynamic import), called once; a route without one is skipped. */
  handlers: Partial<Record<HandlerName, () => LambdaHandler | Promise<LambdaHandler>>>;
  /** Attempts per event before it is dead-lettered (SQS maxReceiveCount). */
  maxAttempts?: number;
  retryDelayMs?: number;
  /**
   * Invocations running at once (an SQS event source's maximum concurrency). Unbounded, a folder of drops
   * uploaded at once would start every ingest together and queue hundreds of requests on the SDK's sockets.
   */
  concurrency?: number;
  log?: (msg: string) => void;
}

export class EventRouter {
  readonly deliveries: Delivery[] = [];
  private pending = new Set<Promise<void>>();
  private resolved = new Map<HandlerName, Promise<LambdaHandler>>();
  private running = 0;
  private waiting: (() => void)[] = [];
  private listeners = new Set<(d: Delivery) => void>();

  constructor(private readonly o: RouterOptions) {}

  private handler(name: HandlerName): Promise<LambdaHandler> | undefined {
    const load = this.o.handlers[name];
    if (!load) return undefined;
    let p = this.resolved.get(name);
    if (!p) {
      p = Promise.resolve().then(load);
      this.resolved.set(name, p);
    }
    return p;
  }

  /** Route every record of an S3Event; resolves when all its deliveries have finished (successfully or not). */
  route(event: S3Event): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      const key = decodeEventKey(record.s3.object.key);
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      for (const name of routesFor(bucket, key, this.o.names)) {
        const loader = this.handler(name);
        if (!loader) continue;
        const d: Delivery = { handler: name, bucket, key, eventName: record.eventName, attempts: 0, ok: false };
        const run = this.deliver(loader, { Records: [record] }, d);
        this.pending.add(run);
        void run.finally(() => this.pending.delete(run));
        runs.push(run);
      }
    }
    return Promise.all(runs).then(() => undefined);
  }

  private async deliver(loader: Promise<LambdaHandler>, event: S3Event, d: Delivery): Promise<void> {
    // Let the S3 request that caused the event finish first, as the asynchronous AWS path would.
    await new Promise((r) => setImmediate(r));
    // A finished invocation hands its slot straight to the next waiting one.
    if (this.running < (this.o.concurrency ?? 4)) this.running++;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      await this.attempt(loader, event, d);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
    this.deliveries.push(d);
    for (const l of this.listeners) l(d);
  }

  /** Be told of every finished delivery (successful or dead-lettered); returns an unsubscribe function. */
  onDelivered(listener: (d: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async attempt(loader: Promise<LambdaHandler>, event: S3Event, d: Delivery): Promise<void> {
    const max = this.o.maxAttempts ?? 3;
    for (;;) {
      d.attempts++;
      try {
        await (await loader)(event);
        d.ok = true;
        d.error = undefined;
        break;
      } catch (e) {
        d.error = (e as Error)?.stack ?? String(e);
        if (d.attempts >= max) {
          this.o.log?.(`[local] ${d.handler} failed ${d.attempts} times on s3://${d.bucket}/${d.key}; dead-lettered: ${d.error}`);
          break;
        }
        await new Promise((r) => setTimeout(r, (this.o.retryDelayMs ?? 200) * d.attempts));
      }
    }
  }

  /** Resolves once no delivery is in flight (including ones started while waiting). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
