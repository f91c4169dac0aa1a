import type { Redis } from 'ioredis';
import { decodeMessage, encodeMessage, isExpired, type BusMessage } from '../bus/envelope.js';
import type { Logger } from '../log.js';
import type { RedisKeys } from './keys.js';

// Set the retained message of a topic unless a newer one is there; an empty payload clears it.
const SET_IF_NEWER = `
local clock = redis.call('HGET', KEYS[2], ARGV[1])
if clock and tonumber(clock) > tonumber(ARGV[2]) then return 0 end
if ARGV[4] == '1' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

// Remove an expired retained message unless a newer one replaced it meanwhile.
const DELETE_IF_SAME = `
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return 0`;

/**
 * Cluster-wide retained messages. The accepting side writes here after RocketMQ's SEND_OK, and
 * before it acknowledges; an edge loads all of them at start and then follows the delivery topic.
 */
export class RetainedStore {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys, private readonly log: Logger) {}

  async put(message: BusMessage): Promise<boolean> {
    const body = encodeMessage(message);
    const cleared = message.payload.length === 0 ? '1' : '0';
    const r = await this.redis.eval(SET_IF_NEWER, 2, this.keys.retained(), this.keys.retainedClock(),
      message.topic, String(message.publishedAt), body, cleared);
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
      await this.redis.eval(DELETE_IF_SAME, 2, this.keys.retained(), this.keys.retainedClock(), m.topic, String(m.publishedAt));
    }
    return out;
  }
}
