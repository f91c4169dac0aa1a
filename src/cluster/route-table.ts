import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/**
 * The route table: for each edge, the topic filters its devices subscribe to, and one version
 * number that grows with every change so that readers can tell when to reload.
 */
export interface RouteTable {
  add(edgeId: string, filter: string): Promise<void>;
  remove(edgeId: string, filter: string): Promise<void>;
  /** Adds and removes filters of one edge in one step (one version change). */
  change(edgeId: string, adds: readonly string[], removes: readonly string[]): Promise<void>;
  /** The edge is gone: its filters with it. */
  clear(edgeId: string): Promise<void>;
  /** Makes the edge's filters equal to `filters` when they differ; true when they had to be rewritten. */
  reconcile(edgeId: string, filters: string[]): Promise<boolean>;
  version(): Promise<number>;
  /** Every edge's filters, read with the version they belong to. */
  snapshot(): Promise<{ version: number; routes: Map<string, string[]> }>;
}

/** In Redis: a set of filters per edge, the set of edges, and a version counter. */
export class RedisRouteTable implements RouteTable {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async add(edgeId: string, filter: string): Promise<void> {
    await this.redis.multi().sadd(this.keys.routedEdges(), edgeId).sadd(this.keys.routes(edgeId), filter).incr(this.keys.routesVersion()).exec();
  }

  async remove(edgeId: string, filter: string): Promise<void> {
    await this.redis.multi().srem(this.keys.routes(edgeId), filter).incr(this.keys.routesVersion()).exec();
  }

  async change(edgeId: string, adds: readonly string[], removes: readonly string[]): Promise<void> {
    if (adds.length === 0 && removes.length === 0) return;
    const tx = this.redis.multi();
    if (removes.length > 0) tx.srem(this.keys.routes(edgeId), ...removes);
    if (adds.length > 0) tx.sadd(this.keys.routedEdges(), edgeId).sadd(this.keys.routes(edgeId), ...adds);
    await tx.incr(this.keys.routesVersion()).exec();
  }

  async clear(edgeId: string): Promise<void> {
    await this.redis.multi().srem(this.keys.routedEdges(), edgeId).del(this.keys.routes(edgeId)).incr(this.keys.routesVersion()).exec();
  }

  /**
   * Makes the edge's route set equal to `filters` when it differs (after a Redis restart lost it,
   * say); true when it had to be rewritten.
   */
  async reconcile(edgeId: string, filters: string[]): Promise<boolean> {
    const stored = await this.redis.smembers(this.keys.routes(edgeId));
    const want = new Set(filters);
    if (stored.length === want.size && stored.every((f) => want.has(f))) return false;
    const tx = this.redis.multi().del(this.keys.routes(edgeId));
    if (filters.length > 0) tx.sadd(this.keys.routedEdges(), edgeId).sadd(this.keys.routes(edgeId), ...filters);
    await tx.incr(this.keys.routesVersion()).exec();
    return true;
  }

  async version(): Promise<number> {
    return Number((await this.redis.get(this.keys.routesVersion())) ?? 0);
  }

  /** Every registered edge's filters, read with the version they belong to. */
  async snapshot(): Promise<{ version: number; routes: Map<string, string[]> }> {
    const version = await this.version();
    const edgeIds = await this.redis.smembers(this.keys.routedEdges());
    const pipeline = this.redis.pipeline();
    for (const id of edgeIds) pipeline.smembers(this.keys.routes(id));
    const results = (await pipeline.exec()) ?? [];
    const routes = new Map<string, string[]>();
    edgeIds.forEach((id, i) => {
      const [err, filters] = results[i] ?? [null, []];
      if (!err) routes.set(id, filters as string[]);
    });
    return { version, routes };
  }
}
