import { createHmac, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../cluster/keys.js';
import type { Logger } from '../log.js';
import { redisErrorCode } from '../cluster/redis-connection.js';
import { backoffMs, sleep } from '../timing.js';

export interface WebhookOptions {
  url: string;
  secret: string;
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

const GROUP = 'webhooks';
/** Events a dead API process had read and not delivered are taken over after this long. */
const CLAIM_IDLE_MS = 30_000;
const CALL_TIMEOUT_MS = 10_000;

/** The signature header's value: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends push events (acknowledged, expired) from the Redis stream to the configured URL, in
 * order, signed, a batch per call. A call that fails is retried with exponential backoff; the
 * events leave the stream's pending list only when the receiver answered 2xx (or after the last
 * attempt, logged). Every API process with a webhook joins one stream consumer group.
 */
export class WebhookDispatcher {
  private readonly reader: Redis;
  private readonly consumer = `api-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  /** Ends a backoff wait early (stop). */
  private wake: (() => void) | null = null;
  readonly stats = { webhookCalls: 0, webhookEvents: 0, webhookFailures: 0, webhookDropped: 0 };

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys, private readonly opts: WebhookOptions, private readonly log: Logger) {
    // Blocking reads get their own connection, so they never hold up other commands.
    this.reader = redis.duplicate({ lazyConnect: true });
    this.reader.on('error', (err) => log.warn('webhook reader redis error', { error: String(err) }));
  }

  async start(): Promise<void> {
    await this.reader.connect();
    try {
      // New deployments start with the events from now on; an existing group keeps its place.
      await this.redis.xgroup('CREATE', this.keys.pushEvents(), GROUP, '$', 'MKSTREAM');
    } catch (err) {
      if (redisErrorCode(err) !== 'BUSYGROUP') throw err;
    }
    this.running = true;
    this.loop = this.run();
  }

  /** Events in a call that has not succeeded yet stay pending in the stream for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.reader.disconnect();
  }

  private async run(): Promise<void> {
    let lastClaim = 0;
    while (this.running) {
      try {
        let entries = await this.read('0');
        if (entries.length === 0 && Date.now() - lastClaim > CLAIM_IDLE_MS / 2) {
          lastClaim = Date.now();
          await this.redis.xautoclaim(this.keys.pushEvents(), GROUP, this.consumer, CLAIM_IDLE_MS, '0-0', 'COUNT', this.opts.batch);
          entries = await this.read('0');
        }
        if (entries.length === 0) entries = await this.read('>');
        if (entries.length > 0) await this.deliver(entries);
      } catch (err) {
        if (!this.running) break;
        this.log.warn('webhook loop error', { error: String(err) });
        await sleep(1000);
      }
    }
  }

  /** '0': this consumer's own pending events (after a failure or restart); '>': new ones, waiting up to 1 s. */
  private async read(from: '0' | '>'): Promise<[string, string[]][]> {
    const args = ['GROUP', GROUP, this.consumer, 'COUNT', this.opts.batch, ...(from === '>' ? ['BLOCK', 1000] : []), 'STREAMS', this.keys.pushEvents(), from];
    const res = await (this.reader as unknown as { xreadgroup(...a: unknown[]): Promise<[string, [string, string[]][]][] | null> }).xreadgroup(...args);
    return res?.[0]?.[1] ?? [];
  }

  private async deliver(entries: [string, string[]][]): Promise<void> {
    const events = entries.map(([id, fields]) => toEvent(id, fields));
    const body = JSON.stringify({ events });
    for (let attempt = 1; ; attempt++) {
      const error = await this.call(body);
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
    await this.redis.xack(this.keys.pushEvents(), GROUP, ...entries.map(([id]) => id));
  }

  /** null when the receiver took the events, else why not. */
  private async call(body: string): Promise<string | null> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-rocketpush-timestamp': timestamp,
          'x-rocketpush-signature': webhookSignature(this.opts.secret, timestamp, body),
        },
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

function toEvent(id: string, fields: string[]): WebhookEvent {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const event: WebhookEvent = {
    id,
    type: f.get('type') === 'push.expired' ? 'push.expired' : 'push.acknowledged',
    pushId: f.get('pushId') ?? '',
    at: new Date(Number(f.get('at') ?? 0)).toISOString(),
  };
  if (f.has('deviceId')) event.deviceId = f.get('deviceId')!;
  if (f.has('deviceIds')) event.deviceIds = JSON.parse(f.get('deviceIds')!) as string[];
  return event;
}

