import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/** MQTT strings never contain U+0000, so it separates client id and filter in one hash field. */
const SEP = '\u0000';
const DONE_KEPT = 1000;

export interface PersistentSubscription {
  clientId: string;
  filter: string;
  qos: 0 | 1 | 2;
  generation: string;
}

export interface OpenedSession {
  generation: string;
  /** True when no session existed before. */
  created: boolean;
  /** Offset in the session's queue of the first batch not yet acknowledged. */
  next: number;
}

/** Where one message of a session stands with the device. */
export type InflightState = { kind: 'new' } | { kind: 'sent' | 'released'; packetId: number } | { kind: 'done' };

// Create the session unless it exists; answer its generation and whether it is new.
const OPEN = `
local s = redis.call('HMGET', KEYS[1], 'gen', 'next')
if s[1] then return {s[1], 0, s[2] or '0'} end
redis.call('HSET', KEYS[1], 'gen', ARGV[1], 'createdAt', ARGV[2], 'next', '0')
return {ARGV[1], 1, '0'}`;

// For each delivery key: its packet id if it was sent before, else the session's next one
// (1..65535), recorded as sent. Answers one state per key.
const SEND = `
local out = {}
for i, key in ipairs(ARGV) do
  local cur = redis.call('HGET', KEYS[2], key)
  if not cur then
    local pid = redis.call('HINCRBY', KEYS[1], 'pid', 1)
    if pid > 65535 then pid = 1; redis.call('HSET', KEYS[1], 'pid', 1) end
    cur = 's:' .. pid
    redis.call('HSET', KEYS[2], key, cur)
  end
  out[i] = cur
end
return out`;

// Take a place in the session's queue for one message unless that passes the cap: 1, or -1.
const RESERVE = `
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1])
return 1`;

/**
 * A place taken for a message that then never reached the queue (its publisher died between the
 * reservation and SEND_OK) is given back once the queue has delivered messages published this much
 * later. A publisher retries a send for as long as RocketMQ refuses it, so a message may still
 * arrive after that: it then leaves nothing behind, and the cap counted one message too few meanwhile.
 */
export const RESERVATION_GRACE_MS = 120_000;

/** A message of a session's queue that has left it for good: acknowledged, expired or withdrawn. */
export interface Finished {
  /** Delivery key (batch id:index). */
  key: string;
  messageId: string;
}

/**
 * Persistent sessions (clean session = 0) in Redis: each session's subscriptions, the index that
 * publishers match topics against, and per message the packet id and handshake state that let
 * any edge resume a delivery with DUP or PUBREL. The messages themselves are in RocketMQ.
 */
export class SessionStore {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async open(clientId: string): Promise<OpenedSession> {
    const [generation, created, next] = await this.redis.eval(OPEN, 1, this.keys.persistentSession(clientId),
      randomUUID().replace(/-/g, ''), String(Date.now())) as [string, number, string];
    return { generation, created: created === 1, next: Number(next) };
  }

  async exists(clientId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.persistentSession(clientId))) === 1;
  }

  /** Ends a session (a clean-session connect): its subscriptions leave the index, its queue is abandoned. */
  async discard(clientId: string): Promise<void> {
    const subs = await this.redis.hkeys(this.keys.persistentSubscriptions(clientId));
    const tx = this.redis.multi().del(
      this.keys.persistentSession(clientId), this.keys.persistentSubscriptions(clientId),
      this.keys.persistentInflight(clientId), this.keys.persistentDone(clientId), this.keys.persistentQueued(clientId),
    );
    if (subs.length > 0) tx.hdel(this.keys.persistentIndex(), ...subs.map((f) => clientId + SEP + f));
    await tx.incr(this.keys.persistentIndexVersion()).exec();
  }

  /**
   * Writes back a connected session that Redis lost (a restart without its last writes): same
   * generation, so its queue in RocketMQ stays the one it reads; left alone when Redis has it.
   */
  async restore(clientId: string, generation: string, subs: { topic: string; qos: number }[]): Promise<boolean> {
    const created = await this.redis.hsetnx(this.keys.persistentSession(clientId), 'gen', generation);
    const stored = await this.redis.hlen(this.keys.persistentSubscriptions(clientId));
    if (created === 0 && stored >= subs.length) return false;
    if ((await this.redis.hget(this.keys.persistentSession(clientId), 'gen')) !== generation) return false;
    await this.subscribe(clientId, generation, subs);
    return true;
  }

  async subscriptions(clientId: string): Promise<{ topic: string; qos: 0 | 1 | 2 }[]> {
    const all = await this.redis.hgetall(this.keys.persistentSubscriptions(clientId));
    return Object.entries(all).map(([topic, qos]) => ({ topic, qos: Number(qos) as 0 | 1 | 2 }));
  }

  async subscribe(clientId: string, generation: string, subs: { topic: string; qos: number }[]): Promise<void> {
    if (subs.length === 0) return;
    const tx = this.redis.multi();
    for (const s of subs) {
      tx.hset(this.keys.persistentSubscriptions(clientId), s.topic, String(s.qos));
      tx.hset(this.keys.persistentIndex(), clientId + SEP + s.topic, `${s.qos} ${generation}`);
    }
    await tx.incr(this.keys.persistentIndexVersion()).exec();
  }

  async unsubscribe(clientId: string, filters: string[]): Promise<void> {
    if (filters.length === 0) return;
    await this.redis.multi()
      .hdel(this.keys.persistentSubscriptions(clientId), ...filters)
      .hdel(this.keys.persistentIndex(), ...filters.map((f) => clientId + SEP + f))
      .incr(this.keys.persistentIndexVersion())
      .exec();
  }

  async indexVersion(): Promise<number> {
    return Number((await this.redis.get(this.keys.persistentIndexVersion())) ?? 0);
  }

  /** Every persistent subscription, read with the version it belongs to. */
  async index(): Promise<{ version: number; subscriptions: PersistentSubscription[] }> {
    const [[, version], [, all]] = (await this.redis.multi()
      .get(this.keys.persistentIndexVersion()).hgetall(this.keys.persistentIndex()).exec()) as [[null, string | null], [null, Record<string, string>]];
    const subscriptions: PersistentSubscription[] = [];
    for (const [field, value] of Object.entries(all)) {
      const cut = field.indexOf(SEP);
      const [qos, generation] = value.split(' ');
      if (cut < 0 || !generation) continue;
      subscriptions.push({ clientId: field.slice(0, cut), filter: field.slice(cut + 1), qos: Number(qos) as 0 | 1 | 2, generation });
    }
    return { version: Number(version ?? 0), subscriptions };
  }

  /**
   * Takes a place in the session's queue for one message; false (nothing taken) when the session
   * has `cap` messages waiting. The places are the message ids themselves, so the count is of
   * messages known to be queued, and a message counted twice is impossible.
   */
  async reserve(clientId: string, messageId: string, publishedAt: number, cap: number): Promise<boolean> {
    return (await this.redis.eval(RESERVE, 1, this.keys.persistentQueued(clientId), messageId, String(cap), String(publishedAt)) as number) >= 0;
  }

  /** Gives back the place taken by `reserve` for a message that was not written after all. */
  async unreserve(clientId: string, messageId: string): Promise<void> {
    await this.redis.zrem(this.keys.persistentQueued(clientId), messageId);
  }

  /** Messages queued for the session and not yet acknowledged (what the cap counts). */
  async pending(clientId: string): Promise<number> {
    return this.redis.zcard(this.keys.persistentQueued(clientId));
  }

  /**
   * Where each message of a batch stands, and the offset of the first batch of the queue the
   * device has not acknowledged (`next`), in one round trip.
   */
  async states(clientId: string, keys: string[]): Promise<{ next: number; states: InflightState[] }> {
    const tx = this.redis.pipeline()
      .hget(this.keys.persistentSession(clientId), 'next')
      .hmget(this.keys.persistentInflight(clientId), ...keys);
    for (const k of keys) tx.zscore(this.keys.persistentDone(clientId), k);
    const results = (await tx.exec()) ?? [];
    const [nextErr, next] = results[0] ?? [null, null];
    if (nextErr) throw nextErr;
    const [err, inflight] = results[1] ?? [null, []];
    if (err) throw err;
    const states = keys.map((_, i): InflightState => {
      const [doneErr, done] = results[i + 2] ?? [null, null];
      if (doneErr) throw doneErr;
      return done !== null ? { kind: 'done' } : parseState((inflight as (string | null)[])[i] ?? null);
    });
    return { next: Number(next ?? 0), states };
  }

  /** The packet id each message is written with: the one used before when it was sent already. */
  async markSent(clientId: string, keys: string[]): Promise<Map<string, { kind: 'sent' | 'released'; packetId: number }>> {
    const raw = await this.redis.eval(SEND, 2, this.keys.persistentSession(clientId), this.keys.persistentInflight(clientId), ...keys) as string[];
    const out = new Map<string, { kind: 'sent' | 'released'; packetId: number }>();
    keys.forEach((k, i) => {
      const state = parseState(raw[i] ?? null);
      if (state.kind === 'new' || state.kind === 'done') throw new Error(`unexpected state of ${k}`);
      out.set(k, state);
    });
    return out;
  }

  /** The device answered PUBREC: from now on the message is only ever released, never sent again. */
  async markReleased(clientId: string, key: string, packetId: number): Promise<void> {
    await this.redis.hset(this.keys.persistentInflight(clientId), key, `r:${packetId}`);
  }

  /**
   * These messages left the session's queue (acknowledged by the device, expired or withdrawn):
   * they are done for this session wherever they are read again. With `batchDone`, the whole batch
   * is done: the queue is to be read from `nextOffset` on, and places still taken for messages
   * published more than RESERVATION_GRACE_MS before the batch's oldest message are given back
   * (their publisher died before they were written).
   */
  async markDone(clientId: string, finished: Finished[], batchDone?: { nextOffset: number; oldestPublishedAt: number }): Promise<void> {
    if (finished.length === 0 && batchDone === undefined) return;
    const now = Date.now();
    const tx = this.redis.multi();
    if (finished.length > 0) {
      const keys = finished.map((f) => f.key);
      tx.hdel(this.keys.persistentInflight(clientId), ...keys)
        .zadd(this.keys.persistentDone(clientId), ...keys.flatMap((k) => [now, k]))
        .zremrangebyrank(this.keys.persistentDone(clientId), 0, -DONE_KEPT - 1)
        .zrem(this.keys.persistentQueued(clientId), ...finished.map((f) => f.messageId));
    }
    if (batchDone !== undefined) {
      // Only for a session that still exists: a discarded one must not come back as a bare hash.
      tx.eval(`if redis.call('HEXISTS', KEYS[1], 'gen') == 1 then redis.call('HSET', KEYS[1], 'next', ARGV[1]) end return 0`,
        1, this.keys.persistentSession(clientId), String(batchDone.nextOffset));
      if (Number.isFinite(batchDone.oldestPublishedAt)) {
        tx.zremrangebyscore(this.keys.persistentQueued(clientId), '-inf', `(${batchDone.oldestPublishedAt - RESERVATION_GRACE_MS}`);
      }
    }
    await tx.exec();
  }
}

function parseState(raw: string | null): InflightState {
  if (!raw) return { kind: 'new' };
  const packetId = Number(raw.slice(2));
  return { kind: raw.startsWith('r:') ? 'released' : 'sent', packetId };
}
