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
  /** Makes the edge's filters equal to `filters` when they differ; what differed, or null. */
  reconcile(edgeId: string, filters: string[]): Promise<RouteDiff | null>;
  version(): Promise<number>;
  /** Every edge's filters, read with the version they belong to. */
  snapshot(): Promise<{ version: number; routes: Map<string, string[]> }>;
}

/** What a route set held that it should not have (`extra`), and what it lacked (`missing`). */
export interface RouteDiff {
  missing: string[];
  extra: string[];
}

/** The difference between a stored route set and the wanted filters; null when they are equal. */
export function routeDiff(stored: Iterable<string>, wanted: Iterable<string>): RouteDiff | null {
  const have = new Set(stored);
  const want = new Set(wanted);
  // Sorted: a Redis set has no order, and a stable answer reads better in logs and compares in tests.
  const missing = [...want].filter((f) => !have.has(f)).sort();
  const extra = [...have].filter((f) => !want.has(f)).sort();
  return missing.length === 0 && extra.length === 0 ? null : { missing, extra };
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
   * say); what differed, or null.
   */
  async reconcile(edgeId: string, filters: string[]): Promise<RouteDiff | null> {
    const diff = routeDiff(await this.redis.smembers(this.keys.routes(edgeId)), filters);
    if (!diff) return null;
    const tx = this.redis.multi().del(this.keys.routes(edgeId));
    if (filters.length > 0) tx.sadd(this.keys.routedEdges(), edgeId).sadd(this.keys.routes(edgeId), ...filters);
    await tx.incr(this.keys.routesVersion()).exec();
    return diff;
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
