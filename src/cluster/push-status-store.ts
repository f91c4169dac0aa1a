import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

/** Where one push stands with one device. */
export type DeviceState = 'pending' | 'sent' | 'acked' | 'expired' | 'cancelled' | 'replaced';
export const DEVICE_STATES: readonly DeviceState[] = ['pending', 'sent', 'acked', 'expired', 'cancelled', 'replaced'];

/** scheduled: waiting for its delivery time; accepted: in RocketMQ; cancelled: DELETE was called. */
export type PushState = 'scheduled' | 'accepted' | 'cancelled';

export interface PushMeta {
  id: string;
  target: 'devices' | 'user' | 'tags' | 'topic' | 'broadcast';
  qos: 0 | 1 | 2;
  acceptedAt: number;
  /** When it goes out; equal to acceptedAt unless delayed. */
  deliverAt: number;
  /** 0 for never. */
  expiresAt: number;
  collapseKey: string | null;
  /** Devices it was addressed to; null for topic and broadcast targets. */
  targeted: number | null;
}

export interface PushStatus {
  meta: PushMeta;
  state: PushState;
  counts: Record<DeviceState, number>;
}

export interface Receipt {
  pushId: string;
  deviceId: string;
  state: 'sent' | 'acked';
}

/** Most events the webhook stream keeps (approximately): a backlog past this loses the oldest. */
const EVENTS_KEPT = 100_000;
/** Devices per COLLAPSE call, and reads of their collapse keys that may find them moved. */
const COLLAPSE_CHUNK = 500;
const COLLAPSE_TRIES = 10;

/** Pushes listed by GET /v1/pushes (the dashboard's recent pushes); older ones are still found by id. */
export const RECENT_PUSHES_KEPT = 200;

/**
 * Per push and per device: where each push stands (the status endpoint reads it), written by the
 * API when a push is accepted and by the edges' receipts when devices get and acknowledge it. The
 * counts and the device states always change together, and so does the webhook event of a change
 * (push.acknowledged, push.expired).
 */
export interface PushStatusStore {
  /** Records a new push and its devices (all pending); `deviceIds` null for topic and broadcast. */
  create(meta: PushMeta, state: PushState, deviceIds: string[] | null): Promise<void>;
  /** The newest pushes first, with their status; those past their retention are left out. */
  recent(limit: number): Promise<{ id: string; status: PushStatus }[]>;
  /** Makes each device's collapse key point at this push; answers how many older pushes it replaced. */
  collapse(pushId: string, collapseKey: string, deviceIds: string[], ttlMs: number): Promise<number>;
  /** Removes a push that was never accepted (RocketMQ refused it). */
  forget(pushId: string): Promise<void>;
  /** A scheduled push went to RocketMQ. */
  markAccepted(pushId: string): Promise<void>;
  /** Applies receipts from an edge; answers how many changed a state. */
  receipts(list: Receipt[], now?: number): Promise<number>;
  /** Push ids whose expiry time has passed and that were not swept yet. */
  due(now: number, limit: number): Promise<string[]>;
  /** Marks what was not acknowledged expired; -1 when another process swept it first. */
  expire(pushId: string, now?: number): Promise<number>;
  /** Cancels what was not delivered yet; the number of devices cancelled, or null for an unknown push. */
  cancel(pushId: string): Promise<number | null>;
  status(pushId: string): Promise<PushStatus | null>;
  /** One page of per-device states, in device id order, after `after`. */
  devices(pushId: string, after: string | undefined, limit: number): Promise<{ items: { deviceId: string; state: DeviceState }[]; next: string | null }>;
  /** False for each (push, device) that must not go out any more (cancelled, or replaced by its collapse key). */
  deliverable(list: { pushId: string; deviceId: string }[]): Promise<boolean[]>;
  /** The states of the devices of one push. */
  deviceStates(pushId: string): Promise<Record<string, string>>;
}

/** Receipts per script call at most: one call holds Redis for its whole loop. */
const RECEIPTS_PER_CALL = 500;

/** Pushes without expiry keep their status this long after delivery, plus the retention. */
export const NO_EXPIRY_KEPT_MS = 7 * 24 * 3600_000;

/**
 * In Redis: a hash per push (meta, state, counts), one of its devices' states, the expiry and
 * recent sets, and the events stream the webhook dispatchers read. Every change of a device's state
 * is one Lua call, so counts, states and events never disagree.
 */
export class RedisPushStatusStore implements PushStatusStore {
  private readonly scripts: RedisScripts;

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys, private readonly retentionMs: number) {
    this.scripts = new RedisScripts(redis);
  }

  /** Records a new push and its devices (all pending); `deviceIds` null for topic and broadcast. */
  async create(meta: PushMeta, state: PushState, deviceIds: string[] | null): Promise<void> {
    const end = meta.expiresAt > 0 ? meta.expiresAt : meta.deliverAt + NO_EXPIRY_KEPT_MS;
    const keepUntil = end + this.retentionMs;
    const push = this.keys.push(meta.id);
    const devices = this.keys.pushDevices(meta.id);
    const tx = this.redis.multi().hset(push, 'meta', JSON.stringify(meta), 'state', state, 'n:pending', deviceIds?.length ?? 0);
    for (let i = 0; deviceIds && i < deviceIds.length; i += 1000) {
      tx.hset(devices, ...deviceIds.slice(i, i + 1000).flatMap((d) => [d, 'pending']));
    }
    tx.pexpireat(push, keepUntil).pexpireat(devices, keepUntil);
    if (meta.expiresAt > 0) tx.zadd(this.keys.pushExpiry(), meta.expiresAt, meta.id);
    tx.zadd(this.keys.recentPushes(), meta.acceptedAt, meta.id).zremrangebyrank(this.keys.recentPushes(), 0, -RECENT_PUSHES_KEPT - 1);
    await tx.exec();
  }

  /** The newest pushes first, with their status; those past their retention are left out. */
  async recent(limit: number): Promise<{ id: string; status: PushStatus }[]> {
    const ids = await this.redis.zrevrange(this.keys.recentPushes(), 0, limit - 1);
    const found = await Promise.all(ids.map(async (id) => ({ id, status: await this.status(id) })));
    return found.filter((f): f is { id: string; status: PushStatus } => f.status !== null);
  }

  /** Makes each device's collapse key point at this push; answers how many older pushes it replaced. */
  async collapse(pushId: string, collapseKey: string, deviceIds: string[], ttlMs: number): Promise<number> {
    let replaced = 0;
    for (let i = 0; i < deviceIds.length; i += COLLAPSE_CHUNK) {
      replaced += await this.collapseChunk(pushId, collapseKey, deviceIds.slice(i, i + COLLAPSE_CHUNK), ttlMs);
    }
    return replaced;
  }

  private async collapseChunk(pushId: string, collapseKey: string, devices: string[], ttlMs: number): Promise<number> {
    const collapseKeys = devices.map((d) => this.keys.collapse(d, collapseKey));
    for (let i = 0; i < COLLAPSE_TRIES; i++) {
      const olds = (await this.redis.mget(...collapseKeys)).map((v) => v ?? '');
      const keys = devices.flatMap((_, j) => {
        const of = olds[j] === '' ? pushId : olds[j]!;
        return [collapseKeys[j]!, this.keys.push(of), this.keys.pushDevices(of)];
      });
      const n = await this.scripts.run('push-collapse', keys, [pushId, String(ttlMs),
        ...devices.flatMap((d, j) => [d, olds[j]!])]) as number;
      if (n >= 0) return n;
    }
    throw new Error(`collapse key ${collapseKey}: its pushes kept changing (${COLLAPSE_TRIES} tries)`);
  }

  /** Removes a push that was never accepted (RocketMQ refused it). */
  async forget(pushId: string): Promise<void> {
    await this.redis.multi().del(this.keys.push(pushId), this.keys.pushDevices(pushId)).zrem(this.keys.pushExpiry(), pushId)
      .zrem(this.keys.recentPushes(), pushId).exec();
  }

  async markAccepted(pushId: string): Promise<void> {
    await this.scripts.run('push-mark-accepted-1', [this.keys.push(pushId)]);
  }

  /**
   * Applies receipts from an edge in one round trip, one script call per push (in chunks): answers
   * how many changed a state.
   */
  async receipts(list: Receipt[], now = Date.now()): Promise<number> {
    if (list.length === 0) return 0;
    const byPush = new Map<string, string[]>();
    for (const r of list) {
      let pairs = byPush.get(r.pushId);
      if (!pairs) byPush.set(r.pushId, (pairs = []));
      pairs.push(r.deviceId, r.state);
    }
    const pipeline = this.redis.pipeline();
    for (const [pushId, pairs] of byPush) {
      const keys = [this.keys.push(pushId), this.keys.pushDevices(pushId), this.keys.pushEvents()];
      for (let i = 0; i < pairs.length; i += RECEIPTS_PER_CALL * 2) {
        this.scripts.queue(pipeline, 'push-receipts-3', keys, [String(now), pushId, String(EVENTS_KEPT), ...pairs.slice(i, i + RECEIPTS_PER_CALL * 2)]);
      }
    }
    const results = (await pipeline.exec()) ?? [];
    let changed = 0;
    for (const [err, n] of results) {
      if (err) throw err;
      changed += n as number;
    }
    return changed;
  }

  /** Push ids whose expiry time has passed and that were not swept yet. */
  async due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.pushExpiry(), '-inf', now, 'LIMIT', 0, limit);
  }

  /** Marks what was not acknowledged expired; -1 when another process swept it first. */
  async expire(pushId: string, now = Date.now()): Promise<number> {
    return await this.scripts.run('push-expire-4', [this.keys.push(pushId), this.keys.pushDevices(pushId), this.keys.pushExpiry(),
      this.keys.pushEvents()], [pushId, String(now), String(EVENTS_KEPT)]) as number;
  }

  /** Cancels what was not delivered yet; the number of devices cancelled, or null for an unknown push. */
  async cancel(pushId: string): Promise<number | null> {
    const n = await this.scripts.run('push-cancel-3', [this.keys.push(pushId), this.keys.pushDevices(pushId), this.keys.pushExpiry()], [pushId]) as number;
    return n < 0 ? null : n;
  }

  async status(pushId: string): Promise<PushStatus | null> {
    const h = await this.redis.hgetall(this.keys.push(pushId));
    if (!h.meta) return null;
    const counts = Object.fromEntries(DEVICE_STATES.map((s) => [s, Math.max(0, Number(h[`n:${s}`] ?? 0))])) as Record<DeviceState, number>;
    return { meta: JSON.parse(h.meta) as PushMeta, state: (h.state ?? 'accepted') as PushState, counts };
  }

  /** One page of per-device states, in device id order, after `after`. */
  async devices(pushId: string, after: string | undefined, limit: number): Promise<{ items: { deviceId: string; state: DeviceState }[]; next: string | null }> {
    const all = await this.redis.hgetall(this.keys.pushDevices(pushId));
    const ids = Object.keys(all).sort().filter((id) => after === undefined || id > after);
    const page = ids.slice(0, limit);
    return {
      items: page.map((deviceId) => ({ deviceId, state: all[deviceId] as DeviceState })),
      next: ids.length > limit ? page[page.length - 1]! : null,
    };
  }

  /**
   * For delivery: false for each (push, device) that must not go out any more because the push was
   * cancelled or a newer push with its collapse key replaced it for that device.
   */
  async deliverable(list: { pushId: string; deviceId: string }[]): Promise<boolean[]> {
    if (list.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { pushId, deviceId } of list) {
      pipeline.hget(this.keys.push(pushId), 'state');
      pipeline.hget(this.keys.pushDevices(pushId), deviceId);
    }
    const r = (await pipeline.exec()) ?? [];
    return list.map((_, i) => {
      const state = r[2 * i]?.[1] as string | null;
      const device = r[2 * i + 1]?.[1] as string | null;
      return state !== 'cancelled' && device !== 'cancelled' && device !== 'replaced';
    });
  }

  /** The states of some devices of one push (the scheduler skips cancelled and replaced ones). */
  async deviceStates(pushId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.pushDevices(pushId));
  }
}
