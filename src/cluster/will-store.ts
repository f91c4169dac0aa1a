import type { Redis } from 'ioredis';
import { decodeMessage, encodeMessage, type BusMessage } from '../message/envelope.js';
import type { Logger } from '../log.js';
import type { RedisKeys } from './keys.js';

/**
 * The wills of the devices connected to each edge, so that a live edge can publish them when an
 * edge dies without saying goodbye (the dead edge's memory is gone with it).
 */
export interface WillStore {
  put(edgeId: string, will: BusMessage): Promise<void>;
  remove(edgeId: string, clientId: string): Promise<void>;
  /** The wills of the devices connected to an edge (unreadable ones logged and left out). */
  all(edgeId: string): Promise<BusMessage[]>;
  clear(edgeId: string): Promise<void>;
}

/** In Redis: one hash of encoded wills per edge. */
export class RedisWillStore implements WillStore {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys, private readonly log: Logger) {}

  async put(edgeId: string, will: BusMessage): Promise<void> {
    await this.redis.hset(this.keys.edgeWills(edgeId), will.clientId, encodeMessage(will));
  }

  async remove(edgeId: string, clientId: string): Promise<void> {
    await this.redis.hdel(this.keys.edgeWills(edgeId), clientId);
  }

  async all(edgeId: string): Promise<BusMessage[]> {
    const entries = await this.redis.hgetallBuffer(this.keys.edgeWills(edgeId));
    return Object.entries(entries).flatMap(([clientId, v]) => {
      try {
        return [decodeMessage(v)];
      } catch (err) {
        this.log.error('undecodable will skipped', { edgeId, clientId, error: String(err) });
        return [];
      }
    });
  }

  async clear(edgeId: string): Promise<void> {
    await this.redis.del(this.keys.edgeWills(edgeId));
  }
}
