import { randomUUID } from 'node:crypto';
import type { PushEventStream, StoredPushEvent } from '../cluster/push-event-stream.js';
import type { Logger } from '../log.js';
import { backoffMs, sleep } from '../timing.js';
import { legacyWebhookSignature, webhookCallId, webhookSignatures, type WebhookSecret } from './webhook-signature.js';

export interface WebhookOptions {
  url: string;
  /** Every call is signed with each of them (rotation); the first also keys the legacy header. */
  secrets: WebhookSecret[];
  /** Also send the deprecated X-Rocketpush-Timestamp / X-Rocketpush-Signature headers. */
  legacyHeaders: boolean;
  maxAttempts: number;
  /** Most events in one call. */
  batch: number;
}

/** One event as the webhook receives it. */
export interface WebhookEvent {
  /** Unique and increasing (the stream entry id): a receiver drops ids it has seen. */
  id: string;
  type: 'push.acknowledged' | 'push.expired';
  pushId: string;
  deviceId?: string;
  deviceIds?: string[];
  at: string;
}

/** Events a dead API process had read and not delivered are taken over after this long. */
const CLAIM_IDLE_MS = 30_000;
const CALL_TIMEOUT_MS = 10_000;

/**
 * Sends push events (acknowledged, expired) from the push event stream to the configured URL, in
 * order, signed as Standard Webhooks specifies, a batch per call. A call that fails is retried with exponential backoff; the
 * events leave the stream's pending list only when the receiver answered 2xx (or after the last
 * attempt, logged). Every API process with a webhook joins one consumer group of the stream.
 */
export class WebhookDispatcher {
  private readonly consumer = `api-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  /** Ends a backoff wait early (stop). */
  private wake: (() => void) | null = null;
  readonly stats = { webhookCalls: 0, webhookEvents: 0, webhookFailures: 0, webhookDropped: 0 };

  constructor(private readonly stream: PushEventStream, private readonly opts: WebhookOptions, private readonly log: Logger) {}

  async start(): Promise<void> {
    await this.stream.join();
    this.running = true;
    this.loop = this.run();
  }

  /** Events in a call that has not succeeded yet stay pending in the stream for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.stream.close();
  }

  private async run(): Promise<void> {
    let lastClaim = 0;
    while (this.running) {
      try {
        const { stream, consumer, opts } = this;
        let entries = await stream.pending(consumer, opts.batch);
        if (entries.length === 0 && Date.now() - lastClaim > CLAIM_IDLE_MS / 2) {
          lastClaim = Date.now();
          await stream.claimStale(consumer, CLAIM_IDLE_MS, opts.batch);
          entries = await stream.pending(consumer, opts.batch);
        }
        if (entries.length === 0) entries = await stream.next(consumer, opts.batch, 1000);
        if (entries.length > 0) await this.deliver(entries);
      } catch (err) {
        if (!this.running) break;
        this.log.warn('webhook loop error', { error: String(err) });
        await sleep(1000);
      }
    }
  }

  private async deliver(entries: StoredPushEvent[]): Promise<void> {
    const events = entries.map(toWebhookEvent);
    const body = JSON.stringify({ events });
    const callId = webhookCallId(entries[0]!.id, entries[entries.length - 1]!.id);
    for (let attempt = 1; ; attempt++) {
      const error = await this.call(callId, body);
      if (error === null) {
        this.stats.webhookCalls++;
        this.stats.webhookEvents += events.length;
        break;
      }
      this.stats.webhookFailures++;
      if (attempt >= this.opts.maxAttempts) {
        this.stats.webhookDropped += events.length;
        this.log.error('webhook events dropped after the last attempt', { attempts: attempt, events: events.length, first: events[0]?.id, error });
        break;
      }
      const backoff = backoffMs(attempt, { firstMs: 500, maxMs: 60_000 });
      this.log.warn('webhook call failed, retrying', { attempt, backoffMs: backoff, events: events.length, error });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = null;
      if (!this.running) return;
    }
    await this.stream.ack(entries.map((e) => e.id));
  }

  /** null when the receiver took the events, else why not. */
  private async call(id: string, body: string): Promise<string | null> {
    // Each attempt is signed anew: a receiver refuses timestamps older than its tolerance (5 minutes
    // in the specification's libraries), and retries go on for longer than that.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { secrets, legacyHeaders } = this.opts;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': webhookSignatures(secrets, id, timestamp, body),
    };
    if (legacyHeaders) {
      headers['x-rocketpush-timestamp'] = timestamp;
      headers['x-rocketpush-signature'] = legacyWebhookSignature(secrets[0]!, timestamp, body);
    }
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      return String(err);
    }
  }
}

function toWebhookEvent({ id, event }: StoredPushEvent): WebhookEvent {
  const at = new Date(event.at).toISOString();
  return event.type === 'push.expired'
    ? { id, type: event.type, pushId: event.pushId, deviceIds: event.deviceIds, at }
    : { id, type: event.type, pushId: event.pushId, deviceId: event.deviceId, at };
}
