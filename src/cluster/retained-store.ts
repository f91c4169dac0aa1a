import type { Redis } from 'ioredis';
import { decodeMessage, encodeMessage, isExpired, type BusMessage } from '../message/envelope.js';
import type { Logger } from '../log.js';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

/**
 * Cluster-wide retained messages. The accepting side writes here after RocketMQ's SEND_OK, and
 * before it acknowledges; an edge loads all of them at start and then follows the delivery topic.
 */
export interface RetainedStore {
  /**
   * Keeps `message` as its topic's retained message unless a newer one (by publishedAt) is there;
   * an empty payload clears the topic. False when a newer one won.
   */
  put(message: BusMessage): Promise<boolean>;
  /** Every retained message that has not expired (expired ones are removed). */
  all(): Promise<BusMessage[]>;
}

/** In Redis: one hash of encoded messages and one of their publication times, changed by Lua. */
export class RedisRetainedStore implements RetainedStore {
  private readonly scripts: RedisScripts;

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys, private readonly log: Logger) {
    this.scripts = new RedisScripts(redis);
  }

  async put(message: BusMessage): Promise<boolean> {
    const body = encodeMessage(message);
    const cleared = message.payload.length === 0 ? '1' : '0';
    const r = await this.scripts.run('retained-set-if-newer-2', [this.keys.retained(), this.keys.retainedClock()],
      [message.topic, String(message.publishedAt), body, cleared]);
    return r === 1;
  }

  /** Every retained message that has not expired. */
  async all(): Promise<BusMessage[]> {
    const entries = await this.redis.hgetallBuffer(this.keys.retained());
    const now = Date.now();
    const out: BusMessage[] = [];
    for (const [topic, value] of Object.entries(entries)) {
      let m: BusMessage;
      try {
        m = decodeMessage(value);
      } catch (err) {
        // One damaged entry must not keep an edge from starting; it stays in Redis for inspection.
        this.log.error('undecodable retained message skipped', { topic, error: String(err) });
        continue;
      }
      if (!isExpired(m, now)) { out.push(m); continue; }
      await this.scripts.run('retained-delete-if-same-2', [this.keys.retained(), this.keys.retainedClock()], [m.topic, String(m.publishedAt)]);
    }
    return out;
  }
}
