import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';
import { RedisScripts } from './redis-scripts.js';

/** MQTT strings never contain U+0000, so it separates client id and filter in one hash field. */
const SEP = '\u0000';

export interface PersistentSubscription {
  clientId: string;
  filter: string;
  qos: 0 | 1 | 2;
  generation: string;
}

/**
 * How far the device got in each broker group's queue of its session: per group (brokerName) the
 * offset of the first batch not yet acknowledged. A group the session never read from is absent.
 */
export type QueuePositions = Record<string, number>;

export interface OpenedSession {
  generation: string;
  /** True when no session existed before. */
  created: boolean;
  positions: QueuePositions;
}

/** Session hash fields holding a queue position are `next:<broker group>`. */
const POSITION = 'next:';
/**
 * Sessions written before positions were kept per broker group have one `next`. It stands for
 * every group until the first per-group position is written, which removes it.
 */
const LEGACY_POSITION = 'next';

/** Where one message of a session stands with the device. */
export type InflightState = { kind: 'new' } | { kind: 'sent' | 'released'; packetId: number } | { kind: 'done' };

/**
 * A place taken for a message that then never reached the queue (its publisher died between the
 * reservation and SEND_OK) is given back once the queue has delivered messages published this much
 * later. A publisher retries a send for as long as RocketMQ refuses it, so a message may still
 * arrive after that: it then leaves nothing behind, and the cap counted one message too few meanwhile.
 */
export const RESERVATION_GRACE_MS = 120_000;

/** What names a message in a session's queue: its id and the edge (or `api`) that accepted it. */
export interface QueuedRef {
  id: string;
  origin: string;
}

/** A message of a session's queue that has left it for good: acknowledged, expired or withdrawn. */
export interface Finished {
  /** Delivery key (batch id:index). */
  key: string;
  message: QueuedRef;
}

/** A message queued for a session and not yet acknowledged, older than the batch being read. */
export interface EarlierQueued extends QueuedRef {
  publishedAt: number;
}

/**
 * The member of a session's queued set: the accepting edge, then the message id, so that a reader
 * can tell which earlier messages of the same edge are still to come (order is per publisher, and
 * one edge sends a session's messages one batch after the other).
 */
function queuedMember(m: QueuedRef): string {
  return `${m.origin}${SEP}${m.id}`;
}

function parseQueuedMember(member: string, score: string): EarlierQueued {
  const cut = member.indexOf(SEP);
  return cut < 0
    ? { origin: '', id: member, publishedAt: Number(score) }
    : { origin: member.slice(0, cut), id: member.slice(cut + 1), publishedAt: Number(score) };
}

/** Where one batch's messages stand, how far the device got, and earlier messages still queued. */
export interface BatchStates {
  positions: QueuePositions;
  states: InflightState[];
  earlier: EarlierQueued[];
}

/**
 * Persistent sessions (clean session = 0): each session's subscriptions, the index that publishers
 * match topics against, its queued set (what the cap counts and the order hold reads), and per
 * message the packet id and handshake state that let any edge resume a delivery with DUP or PUBREL.
 * The messages themselves are in RocketMQ.
 */
export interface SessionStore {
  /** Creates the session unless it exists: its generation (its queue's name), whether it is new, and its positions. */
  open(clientId: string): Promise<OpenedSession>;
  exists(clientId: string): Promise<boolean>;
  /** Ends a session (a clean-session connect): its subscriptions leave the index, its queue is abandoned. */
  discard(clientId: string): Promise<void>;
  /** Writes back a connected session that was lost (same generation); false when it was there. */
  restore(clientId: string, generation: string, subs: { topic: string; qos: number }[]): Promise<boolean>;
  subscriptions(clientId: string): Promise<{ topic: string; qos: 0 | 1 | 2 }[]>;
  subscribe(clientId: string, generation: string, subs: { topic: string; qos: number }[]): Promise<void>;
  unsubscribe(clientId: string, filters: string[]): Promise<void>;
  indexVersion(): Promise<number>;
  /** Every persistent subscription, read with the version it belongs to. */
  index(): Promise<{ version: number; subscriptions: PersistentSubscription[] }>;
  /** Takes a place in the queue for one message; false (nothing taken) when `cap` messages wait. */
  reserve(clientId: string, message: QueuedRef & { publishedAt: number }, cap: number): Promise<boolean>;
  /** Gives back a place taken for a message that was not written after all. */
  unreserve(clientId: string, message: QueuedRef): Promise<void>;
  /** The positions and the publication time of the oldest queued message (null: none). */
  queueState(clientId: string): Promise<{ positions: QueuePositions; oldestQueuedAt: number | null }>;
  /** Messages queued and not yet acknowledged (what the cap counts). */
  pending(clientId: string): Promise<number>;
  /** Where each message of a batch stands; with `earlier`, the queued messages published in [since, before). */
  states(clientId: string, keys: string[], earlier?: { since: number; before: number }): Promise<BatchStates>;
  /** The packet id each message is written with: the one used before when it was sent already. */
  markSent(clientId: string, keys: string[]): Promise<Map<string, { kind: 'sent' | 'released'; packetId: number }>>;
  /** PUBREC came: from now on the message is only ever released. */
  markReleased(clientId: string, key: string, packetId: number): Promise<void>;
  /** These messages left the queue; with `batchDone`, the group's queue is read from `nextOffset` on. */
  markDone(clientId: string, finished: Finished[], batchDone?: { queue: string; nextOffset: number; oldestPublishedAt: number }): Promise<void>;
}

/** Most recently finished delivery keys a session remembers (a batch read again is known as done). */
export const DONE_KEPT = 1000;
/** Earlier queued messages read with a batch at most (see states). */
export const EARLIER_READ = 64;

/** In Redis: a hash, subscriptions, in-flight and done sets and the queued set per session (one hash tag), and the shared index. */
export class RedisSessionStore implements SessionStore {
  private readonly scripts: RedisScripts;

  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {
    this.scripts = new RedisScripts(redis);
  }

  async open(clientId: string): Promise<OpenedSession> {
    const [generation, created, fields] = await this.scripts.run('session-open-1', [this.keys.persistentSession(clientId)],
      [randomUUID().replace(/-/g, ''), String(Date.now())]) as [string, number, string[]];
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) hash[fields[i]!] = fields[i + 1]!;
    return { generation, created: created === 1, positions: positionsOf(hash) };
  }

  async exists(clientId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.persistentSession(clientId))) === 1;
  }

  /** Ends a session (a clean-session connect): its subscriptions leave the index, its queue is abandoned. */
  async discard(clientId: string): Promise<void> {
    const subs = await this.redis.hkeys(this.keys.persistentSubscriptions(clientId));
    // The session's keys and the index are two hash slots (Redis Cluster): publishers stop
    // matching the session first, then its keys go.
    await this.dropFromIndex(clientId, subs);
    await this.redis.del(
      this.keys.persistentSession(clientId), this.keys.persistentSubscriptions(clientId),
      this.keys.persistentInflight(clientId), this.keys.persistentDone(clientId), this.keys.persistentQueued(clientId),
    );
  }

  private async dropFromIndex(clientId: string, filters: string[]): Promise<void> {
    const tx = this.redis.multi();
    if (filters.length > 0) tx.hdel(this.keys.persistentIndex(), ...filters.map((f) => clientId + SEP + f));
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
    // The session's own record first, then the index publishers match (two hash slots).
    await this.redis.hset(this.keys.persistentSubscriptions(clientId), ...subs.flatMap((s) => [s.topic, String(s.qos)]));
    const tx = this.redis.multi();
    tx.hset(this.keys.persistentIndex(), ...subs.flatMap((s) => [clientId + SEP + s.topic, `${s.qos} ${generation}`]));
    await tx.incr(this.keys.persistentIndexVersion()).exec();
  }

  async unsubscribe(clientId: string, filters: string[]): Promise<void> {
    if (filters.length === 0) return;
    await this.dropFromIndex(clientId, filters);
    await this.redis.hdel(this.keys.persistentSubscriptions(clientId), ...filters);
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
  async reserve(clientId: string, message: QueuedRef & { publishedAt: number }, cap: number): Promise<boolean> {
    return (await this.scripts.run('session-reserve-1', [this.keys.persistentQueued(clientId)], [queuedMember(message), String(cap), String(message.publishedAt)]) as number) >= 0;
  }

  /** Gives back the place taken by `reserve` for a message that was not written after all. */
  async unreserve(clientId: string, message: QueuedRef): Promise<void> {
    await this.redis.zrem(this.keys.persistentQueued(clientId), queuedMember(message));
  }

  /** The session's queue positions and the publication time of its oldest queued message (null: none), in one round trip. */
  async queueState(clientId: string): Promise<{ positions: QueuePositions; oldestQueuedAt: number | null }> {
    const results = (await this.redis.pipeline()
      .hgetall(this.keys.persistentSession(clientId))
      .zrange(this.keys.persistentQueued(clientId), 0, 0, 'WITHSCORES')
      .exec()) ?? [];
    const [hashErr, hash] = results[0] ?? [null, {}];
    if (hashErr) throw hashErr;
    const [rangeErr, oldest] = results[1] ?? [null, []];
    if (rangeErr) throw rangeErr;
    const first = oldest as string[];
    return { positions: positionsOf(hash as Record<string, string>), oldestQueuedAt: first.length >= 2 ? Number(first[1]) : null };
  }

  /** Messages queued for the session and not yet acknowledged (what the cap counts). */
  async pending(clientId: string): Promise<number> {
    return this.redis.zcard(this.keys.persistentQueued(clientId));
  }

  /**
   * Where each message of a batch stands, and how far the device got in each broker group's queue
   * (`positions`), in one round trip. With `earlier`, also the messages still queued for the
   * session that were published in [since, before) (at most EARLIER_READ, oldest first).
   */
  async states(clientId: string, keys: string[], earlier?: { since: number; before: number }): Promise<BatchStates> {
    // HMGET needs a field: with no keys, the in-flight read is left out and the rest moves up one.
    const tx = this.redis.pipeline().hgetall(this.keys.persistentSession(clientId));
    if (keys.length > 0) tx.hmget(this.keys.persistentInflight(clientId), ...keys);
    for (const k of keys) tx.zscore(this.keys.persistentDone(clientId), k);
    if (earlier) {
      tx.zrangebyscore(this.keys.persistentQueued(clientId), String(earlier.since), `(${earlier.before}`, 'WITHSCORES', 'LIMIT', 0, EARLIER_READ);
    }
    const results = (await tx.exec()) ?? [];
    const [hashErr, hash] = results[0] ?? [null, {}];
    if (hashErr) throw hashErr;
    const found: EarlierQueued[] = [];
    if (earlier) {
      const [rangeErr, flat] = results[keys.length > 0 ? keys.length + 2 : 1] ?? [null, []];
      if (rangeErr) throw rangeErr;
      const list = flat as string[];
      for (let i = 0; i + 1 < list.length; i += 2) found.push(parseQueuedMember(list[i]!, list[i + 1]!));
    }
    const [err, inflight] = keys.length > 0 ? results[1] ?? [null, []] : [null, []];
    if (err) throw err;
    const states = keys.map((_, i): InflightState => {
      const [doneErr, done] = results[i + 2] ?? [null, null];
      if (doneErr) throw doneErr;
      return done !== null ? { kind: 'done' } : parseState((inflight as (string | null)[])[i] ?? null);
    });
    return { positions: positionsOf(hash as Record<string, string>), states, earlier: found };
  }

  /** The packet id each message is written with: the one used before when it was sent already. */
  async markSent(clientId: string, keys: string[]): Promise<Map<string, { kind: 'sent' | 'released'; packetId: number }>> {
    const raw = await this.scripts.run('session-send-2', [this.keys.persistentSession(clientId), this.keys.persistentInflight(clientId)], keys) as string[];
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
   * is done: the broker group's queue is to be read from `nextOffset` on, and places still taken for messages
   * published more than RESERVATION_GRACE_MS before the batch's oldest message are given back
   * (their publisher died before they were written).
   */
  async markDone(clientId: string, finished: Finished[], batchDone?: { queue: string; nextOffset: number; oldestPublishedAt: number }): Promise<void> {
    if (finished.length === 0 && batchDone === undefined) return;
    const now = Date.now();
    const tx = this.redis.multi();
    if (finished.length > 0) {
      const keys = finished.map((f) => f.key);
      tx.hdel(this.keys.persistentInflight(clientId), ...keys)
        .zadd(this.keys.persistentDone(clientId), ...keys.flatMap((k) => [now, k]))
        .zremrangebyrank(this.keys.persistentDone(clientId), 0, -DONE_KEPT - 1)
        .zrem(this.keys.persistentQueued(clientId), ...finished.map((f) => queuedMember(f.message)));
    }
    if (batchDone !== undefined) {
      this.scripts.queue(tx, 'session-set-position-1', [this.keys.persistentSession(clientId)], [POSITION + batchDone.queue, String(batchDone.nextOffset), LEGACY_POSITION]);
      if (Number.isFinite(batchDone.oldestPublishedAt)) {
        tx.zremrangebyscore(this.keys.persistentQueued(clientId), '-inf', `(${batchDone.oldestPublishedAt - RESERVATION_GRACE_MS}`);
      }
    }
    await tx.exec();
  }
}

/** The queue positions among a session hash's fields. */
function positionsOf(hash: Record<string, string>): QueuePositions {
  const positions: QueuePositions = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(POSITION)) positions[field.slice(POSITION.length)] = Number(value);
  }
  const legacy = hash[LEGACY_POSITION];
  // The one position of an older session: '' stands for "every group" (see positionOf).
  if (legacy !== undefined && Object.keys(positions).length === 0) positions[''] = Number(legacy);
  return positions;
}

/**
 * Where the device stands in `queue`: its own position, else an older session's single one, else 0
 * (the session never read from that group: all of that queue is still to come).
 */
export function positionOf(positions: QueuePositions, queue: string): number {
  return positions[queue] ?? positions[''] ?? 0;
}

function parseState(raw: string | null): InflightState {
  if (!raw) return { kind: 'new' };
  const packetId = Number(raw.slice(2));
  return { kind: raw.startsWith('r:') ? 'released' : 'sent', packetId };
}
