import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisKeys } from './keys.js';

/**
 * What an edge reports about itself every second (EDGE_LOAD_REPORT_MS): the one message between
 * edges and whoever assigns devices to them. Parsed when read, so a report of an older or newer
 * version of the edge is skipped instead of misread.
 */
export const edgeLoad = z.object({
  edgeId: z.string(),
  /**
   * `ready` takes devices; `unready` failed its readiness checks (Redis, RocketMQ, consumer) and gets
   * none until it passes again; `draining` is on its way out and never gets new ones.
   */
  state: z.enum(['ready', 'unready', 'draining']),
  connections: z.number().int().min(0),
  /** Connections it accepts before answering CONNACK 3 (EDGE_CAPACITY). */
  capacity: z.number().int().positive(),
  /** Publishes received plus deliveries written, per second, over the last interval. */
  messagesPerSecond: z.number().min(0),
  /** The event loop's worst delay over the last interval (p99, ms). */
  eventLoopLagMs: z.number().min(0),
  /** CPU time over the last interval, in cores (1 = one core busy). */
  cpu: z.number().min(0),
  rssBytes: z.number().int().min(0),
  /** Where devices connect; an absent listener is null. */
  addresses: z.object({ mqtt: z.string(), mqtts: z.string().nullable(), ws: z.string().nullable() }),
  reportedAt: z.number().int(),
  /**
   * The newest rebalance shed the edge was asked for (by its `requestedAt`) and how many of its
   * connections are still to close: a rebalance round waits for 0 before it looks again.
   */
  shed: z.object({ requestedAt: z.number().int(), remaining: z.number().int().min(0) }).optional(),
});

export type EdgeLoad = z.infer<typeof edgeLoad>;

/** The edges' load reports: written by each edge every interval, read by the API and the autoscaler. */
export interface EdgeLoadStore {
  report(load: EdgeLoad): Promise<void>;
  /** Every report that can be read. */
  list(): Promise<EdgeLoad[]>;
  remove(edgeId: string): Promise<void>;
}

/** In Redis: one hash field per edge; an unreadable report is left for its edge to overwrite. */
export class RedisEdgeLoadStore implements EdgeLoadStore {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async report(load: EdgeLoad): Promise<void> {
    await this.redis.hset(this.keys.edgeLoads(), load.edgeId, JSON.stringify(load));
  }

  /** Every report that parses; unreadable ones are left for their edge to overwrite. */
  async list(): Promise<EdgeLoad[]> {
    const all = await this.redis.hgetall(this.keys.edgeLoads());
    const loads: EdgeLoad[] = [];
    for (const raw of Object.values(all)) {
      try {
        const parsed = edgeLoad.safeParse(JSON.parse(raw));
        if (parsed.success) loads.push(parsed.data);
      } catch { /* not JSON: skipped like any unreadable report */ }
    }
    return loads;
  }

  async remove(edgeId: string): Promise<void> {
    await this.redis.hdel(this.keys.edgeLoads(), edgeId);
  }
}
