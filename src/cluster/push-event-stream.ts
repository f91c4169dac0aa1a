import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { RedisKeys } from './keys.js';
import { redisErrorCode } from './redis-connection.js';

/** A change of a push the webhook tells of, as the push status store records it. */
export type PushEvent =
  | { type: 'push.acknowledged'; pushId: string; deviceId: string; at: number }
  | { type: 'push.expired'; pushId: string; deviceIds: string[]; at: number };

/** An event with its place in the stream: unique and increasing. */
export interface StoredPushEvent {
  id: string;
  event: PushEvent;
}

/**
 * The events the push status store writes, read by the webhook dispatchers as one consumer group:
 * each event goes to one consumer and stays pending with it until acknowledged; a consumer that
 * died leaves its pending events to be claimed by another.
 */
export interface PushEventStream {
  /** Joins the group; a new group starts at the events written from now on, an existing one keeps its place. */
  join(): Promise<void>;
  /** Events `consumer` read and did not acknowledge (after a failure or a restart), oldest first. */
  pending(consumer: string, count: number): Promise<StoredPushEvent[]>;
  /** Events no consumer has read yet, oldest first, waiting up to `waitMs` for the first. */
  next(consumer: string, count: number, waitMs: number): Promise<StoredPushEvent[]>;
  /** Makes events pending with another consumer for at least `idleMs` pending with `consumer`. */
  claimStale(consumer: string, idleMs: number, count: number): Promise<void>;
  ack(ids: string[]): Promise<void>;
  close(): Promise<void>;
}

const GROUP = 'webhooks';

type StreamEntries = [string, string[]][];

/** In Redis: a stream (written by the push status store's Lua scripts) and its consumer group. */
export class RedisPushEventStream implements PushEventStream {
  private reader: Redis | null = null;

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys, private readonly log: Logger) {}

  async join(): Promise<void> {
    // Blocking reads get their own connection, so they never hold up other commands.
    const reader = this.redis.duplicate({ lazyConnect: true });
    reader.on('error', (err) => this.log.warn('push event reader redis error', { error: String(err) }));
    await reader.connect();
    this.reader = reader;
    try {
      await this.redis.xgroup('CREATE', this.keys.pushEvents(), GROUP, '$', 'MKSTREAM');
    } catch (err) {
      if (redisErrorCode(err) !== 'BUSYGROUP') throw err;
    }
  }

  pending(consumer: string, count: number): Promise<StoredPushEvent[]> {
    return this.read(consumer, count, '0');
  }

  next(consumer: string, count: number, waitMs: number): Promise<StoredPushEvent[]> {
    return this.read(consumer, count, '>', waitMs);
  }

  async claimStale(consumer: string, idleMs: number, count: number): Promise<void> {
    await this.redis.xautoclaim(this.keys.pushEvents(), GROUP, consumer, idleMs, '0-0', 'COUNT', count);
  }

  async ack(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.keys.pushEvents(), GROUP, ...ids);
  }

  close(): Promise<void> {
    this.reader?.disconnect();
    this.reader = null;
    return Promise.resolve();
  }

  private async read(consumer: string, count: number, from: '0' | '>', waitMs = 0): Promise<StoredPushEvent[]> {
    if (!this.reader) throw new Error('the push event stream was not joined');
    const args = ['GROUP', GROUP, consumer, 'COUNT', count, ...(from === '>' ? ['BLOCK', Math.max(1, waitMs)] : []), 'STREAMS', this.keys.pushEvents(), from];
    const res = await (this.reader as unknown as { xreadgroup(...a: unknown[]): Promise<[string, StreamEntries][] | null> }).xreadgroup(...args);
    return (res?.[0]?.[1] ?? []).map(([id, fields]) => ({ id, event: eventOf(fields) }));
  }
}

function eventOf(fields: string[]): PushEvent {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const pushId = f.get('pushId') ?? '';
  const at = Number(f.get('at') ?? 0);
  return f.get('type') === 'push.expired'
    ? { type: 'push.expired', pushId, deviceIds: JSON.parse(f.get('deviceIds') ?? '[]') as string[], at }
    : { type: 'push.acknowledged', pushId, deviceId: f.get('deviceId') ?? '', at };
}
