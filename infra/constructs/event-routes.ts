// EVENT_ROUTES on AWS: S3 "Object Created" -> EventBridge rule (bucket, key suffixes) -> SQS -> handler.
// SQS between EventBridge and Lambda gives retries with backoff, per-message failure reporting and a dead-letter
// queue that can be redriven after a fix. The local stack reads the same routes (shared/layout/events.ts routesFor).
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_ROUTES, type BucketKey, type HandlerName } from '../../shared/layout/resources';
import { FUNCTIONS, INGEST_QUEUE } from '../config';
import type { SatmonFunction } from './satmon-function';

type Route = (typeof EVENT_ROUTES)[number];

/** EventBridge wildcard matching exactly "starts with prefix and ends with suffix" (only * and \ need escaping). */
export function keyWildcard(prefix: string, suffix: string): string {
  const esc = (s: string) => s.replace(/[\\*]/g, (c) => `\\${c}`);
  return `${esc(prefix)}*${esc(suffix)}`;
}

/**
 * The event pattern of one route: the bucket, and a key ending in one of the route's suffixes in any case
 * (`.xlsx`, `.XLSX`, `.Xlsx`). EventBridge cannot require a prefix and a case-insensitive suffix of one field
 * together (a wildcard is case-sensitive, and the matchers of a field are alternatives), so the prefix is checked
 * by the handler (routesFor, the same check as the local stack's), which logs and skips any other key. S3 puts the
 * object key URL-encoded in the event; the suffixes contain no characters that encoding changes (asserted in the
 * tests).
 */
export function routePattern(route: Route, bucketName: string): events.EventPattern {
  return {
    source: ['aws.s3'],
    detailType: ['Object Created'],
    detail: {
      bucket: { name: [bucketName] },
      object: { key: route.suffixes.flatMap((s: string) => events.Match.suffixEqualsIgnoreCase(s)) },
    },
  };
}

export interface HandlerQueue {
  queue: sqs.Queue;
  dlq: sqs.Queue;
}

export class EventRoutes extends Construct {
  /** One queue (and dead-letter queue) per routed handler. */
  readonly queues: Partial<Record<HandlerName, HandlerQueue>> = {};
  readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: { buckets: Record<BucketKey, s3.IBucket>; functions: Record<HandlerName, SatmonFunction> }) {
    super(scope, id);
    EVENT_ROUTES.forEach((route: Route, i) => {
      const q = this.queueFor(route.handler, props.functions[route.handler]);
      const rule = new events.Rule(this, `Route${i}`, {
        description: `s3://${route.bucket}/${route.prefix}*{${route.suffixes.join(',')}} (any case) -> ${route.handler}`,
        eventPattern: routePattern(route, props.buckets[route.bucket].bucketName),
      });
      // If EventBridge cannot deliver to the queue, the event goes to the same DLQ (same body: the S3 event).
      rule.addTarget(new targets.SqsQueue(q.queue, { deadLetterQueue: q.dlq, retryAttempts: 185, maxEventAge: Duration.hours(24) }));
      this.rules.push(rule);
    });
  }

  private queueFor(handler: HandlerName, fn: SatmonFunction): HandlerQueue {
    const existing = this.queues[handler];
    if (existing) return existing;
    const name = handler[0]!.toUpperCase() + handler.slice(1);
    const dlq = new sqs.Queue(this, `${name}Dlq`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(INGEST_QUEUE.dlqRetentionDays),
    });
    const queue = new sqs.Queue(this, `${name}Queue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(FUNCTIONS[handler].timeoutSeconds * INGEST_QUEUE.visibilityTimeoutFactor),
      deadLetterQueue: { queue: dlq, maxReceiveCount: INGEST_QUEUE.maxReceiveCount },
    });
    fn.fn.addEventSource(new SqsEventSource(queue, { batchSize: INGEST_QUEUE.batchSize, reportBatchItemFailures: true }));
    const hq = { queue, dlq };
    this.queues[handler] = hq;
    return hq;
  }
}
