import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { RedisKeys } from './keys.js';

export interface EdgeRecord {
  id: string;
  port: number;
  /** Its HTTP port's base URL (health, metrics, client lookups); absent for edges of older versions. */
  httpUrl?: string;
  pid: number;
  startedAt: number;
  seenAt: number;
  /** Counters of the edge at its last heartbeat (messages received from the bus, delivered, expired). */
  stats?: Record<string, number>;
}

/** The edges' records: each edge writes its own at every heartbeat; the API and the reapers read them. */
export interface EdgeRegistry {
  put(record: EdgeRecord): Promise<void>;
  get(edgeId: string): Promise<EdgeRecord | null>;
  list(): Promise<EdgeRecord[]>;
  /** Forgets an edge: its record and its last load report, so assignment never counts it. */
  remove(edgeId: string): Promise<void>;
  /**
   * Takes the right to reap a dead edge for `forMs`: true for the one caller that got it, false
   * while another holds it. Several live edges notice the same dead one; only one reaps it.
   */
  claimReaping(deadEdgeId: string, by: string, forMs: number): Promise<boolean>;
}

/** In Redis: one hash field per edge (and the load report's field, removed with it). */
export class RedisEdgeRegistry implements EdgeRegistry {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async put(record: EdgeRecord): Promise<void> {
    await this.redis.hset(this.keys.edges(), record.id, JSON.stringify(record));
  }

  async get(edgeId: string): Promise<EdgeRecord | null> {
    const raw = await this.redis.hget(this.keys.edges(), edgeId);
    return raw ? JSON.parse(raw) as EdgeRecord : null;
  }

  async list(): Promise<EdgeRecord[]> {
    const all = await this.redis.hgetall(this.keys.edges());
    return Object.values(all).map((v) => JSON.parse(v) as EdgeRecord);
  }

  async remove(edgeId: string): Promise<void> {
    await this.redis.multi().hdel(this.keys.edges(), edgeId).hdel(this.keys.edgeLoads(), edgeId).exec();
  }

  async claimReaping(deadEdgeId: string, by: string, forMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.edgeReaping(deadEdgeId), by, 'PX', forMs, 'NX')) === 'OK';
  }
}

/** An edge announces itself and refreshes `seenAt` (with its counters) every interval; stop() takes it out. */
export class EdgeHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private record: EdgeRecord | null = null;
  private stats: () => Record<string, number> = () => ({});

  constructor(private readonly registry: EdgeRegistry, private readonly log: Logger) {}

  async start(record: Omit<EdgeRecord, 'seenAt' | 'stats'>, everyMs: number, stats?: () => Record<string, number>): Promise<void> {
    if (stats) this.stats = stats;
    this.record = { ...record, seenAt: Date.now() };
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: unknown) => this.log.warn('edge heartbeat failed', { error: String(err) }));
    }, everyMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (!this.record) return;
    this.record.seenAt = Date.now();
    this.record.stats = this.stats();
    await this.registry.put(this.record);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.record) await this.registry.remove(this.record.id).catch(() => undefined);
    this.record = null;
  }
}
