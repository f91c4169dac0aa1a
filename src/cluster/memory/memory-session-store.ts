import { randomUUID } from 'node:crypto';
import {
  DONE_KEPT, EARLIER_READ, RESERVATION_GRACE_MS,
  type BatchStates, type EarlierQueued, type Finished, type InflightState, type OpenedSession, type PersistentSubscription,
  type QueuedRef, type QueuePositions, type SessionStore,
} from '../session-store.js';

/** MQTT strings never contain U+0000, so it separates client id and filter, and edge and message id. */
const SEP = '\u0000';
const POSITION = 'next:';
const LEGACY_POSITION = 'next';

/** One session's data, shaped as the Redis store keeps it (so that both answer alike). */
interface Session {
  hash: Map<string, string>;
  subscriptions: Map<string, string>;
  inflight: Map<string, string>;
  done: Map<string, number>;
  queued: Map<string, number>;
}

/** Persistent sessions in this process, with the same rules as the Redis store. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Session>();
  /** `clientId SEP filter` → `qos generation`, as the shared index in Redis. */
  private readonly indexEntries = new Map<string, string>();
  private version = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private of(clientId: string): Session {
    let s = this.sessions.get(clientId);
    if (!s) {
      s = { hash: new Map(), subscriptions: new Map(), inflight: new Map(), done: new Map(), queued: new Map() };
      this.sessions.set(clientId, s);
    }
    return s;
  }

  open(clientId: string): Promise<OpenedSession> {
    const s = this.of(clientId);
    const gen = s.hash.get('gen');
    if (gen !== undefined) return Promise.resolve({ generation: gen, created: false, positions: positionsOf(s.hash) });
    const generation = randomUUID().replace(/-/g, '');
    s.hash.set('gen', generation).set('createdAt', String(this.now()));
    return Promise.resolve({ generation, created: true, positions: {} });
  }

  exists(clientId: string): Promise<boolean> {
    return Promise.resolve((this.sessions.get(clientId)?.hash.size ?? 0) > 0);
  }

  discard(clientId: string): Promise<void> {
    const s = this.sessions.get(clientId);
    for (const filter of s?.subscriptions.keys() ?? []) this.indexEntries.delete(clientId + SEP + filter);
    this.version++;
    this.sessions.delete(clientId);
    return Promise.resolve();
  }

  async restore(clientId: string, generation: string, subs: { topic: string; qos: number }[]): Promise<boolean> {
    const s = this.of(clientId);
    const created = !s.hash.has('gen');
    if (created) s.hash.set('gen', generation);
    if (!created && s.subscriptions.size >= subs.length) return false;
    if (s.hash.get('gen') !== generation) return false;
    await this.subscribe(clientId, generation, subs);
    return true;
  }

  subscriptions(clientId: string): Promise<{ topic: string; qos: 0 | 1 | 2 }[]> {
    const subs = this.sessions.get(clientId)?.subscriptions ?? new Map<string, string>();
    return Promise.resolve([...subs].map(([topic, qos]) => ({ topic, qos: Number(qos) as 0 | 1 | 2 })));
  }

  subscribe(clientId: string, generation: string, subs: { topic: string; qos: number }[]): Promise<void> {
    if (subs.length === 0) return Promise.resolve();
    const s = this.of(clientId);
    for (const sub of subs) {
      s.subscriptions.set(sub.topic, String(sub.qos));
      this.indexEntries.set(clientId + SEP + sub.topic, `${sub.qos} ${generation}`);
    }
    this.version++;
    return Promise.resolve();
  }

  unsubscribe(clientId: string, filters: string[]): Promise<void> {
    if (filters.length === 0) return Promise.resolve();
    for (const f of filters) this.indexEntries.delete(clientId + SEP + f);
    this.version++;
    for (const f of filters) this.sessions.get(clientId)?.subscriptions.delete(f);
    return Promise.resolve();
  }

  indexVersion(): Promise<number> {
    return Promise.resolve(this.version);
  }

  index(): Promise<{ version: number; subscriptions: PersistentSubscription[] }> {
    const subscriptions: PersistentSubscription[] = [];
    for (const [field, value] of this.indexEntries) {
      const cut = field.indexOf(SEP);
      const [qos, generation] = value.split(' ');
      subscriptions.push({ clientId: field.slice(0, cut), filter: field.slice(cut + 1), qos: Number(qos) as 0 | 1 | 2, generation: generation! });
    }
    return Promise.resolve({ version: this.version, subscriptions });
  }

  reserve(clientId: string, message: QueuedRef & { publishedAt: number }, cap: number): Promise<boolean> {
    const s = this.of(clientId);
    if (s.queued.size >= cap) return Promise.resolve(false);
    const member = queuedMember(message);
    if (!s.queued.has(member)) s.queued.set(member, message.publishedAt);
    return Promise.resolve(true);
  }

  unreserve(clientId: string, message: QueuedRef): Promise<void> {
    this.sessions.get(clientId)?.queued.delete(queuedMember(message));
    return Promise.resolve();
  }

  queueState(clientId: string): Promise<{ positions: QueuePositions; oldestQueuedAt: number | null }> {
    const s = this.sessions.get(clientId);
    const oldest = s ? byScore(s.queued)[0] : undefined;
    return Promise.resolve({ positions: positionsOf(s?.hash ?? new Map()), oldestQueuedAt: oldest ? oldest[1] : null });
  }

  pending(clientId: string): Promise<number> {
    return Promise.resolve(this.sessions.get(clientId)?.queued.size ?? 0);
  }

  states(clientId: string, keys: string[], earlier?: { since: number; before: number }): Promise<BatchStates> {
    const s = this.sessions.get(clientId);
    const states = keys.map((k): InflightState => (s?.done.has(k) ? { kind: 'done' } : parseState(s?.inflight.get(k))));
    const found: EarlierQueued[] = !earlier || !s ? [] : byScore(s.queued)
      .filter(([, at]) => at >= earlier.since && at < earlier.before)
      .slice(0, EARLIER_READ)
      .map(([member, at]) => parseQueuedMember(member, at));
    return Promise.resolve({ positions: positionsOf(s?.hash ?? new Map()), states, earlier: found });
  }

  markSent(clientId: string, keys: string[]): Promise<Map<string, { kind: 'sent' | 'released'; packetId: number }>> {
    const s = this.of(clientId);
    const out = new Map<string, { kind: 'sent' | 'released'; packetId: number }>();
    for (const key of keys) {
      let cur = s.inflight.get(key);
      if (cur === undefined) {
        let pid = Number(s.hash.get('pid') ?? 0) + 1;
        if (pid > 65535) pid = 1;
        s.hash.set('pid', String(pid));
        cur = `s:${pid}`;
        s.inflight.set(key, cur);
      }
      out.set(key, parseState(cur) as { kind: 'sent' | 'released'; packetId: number });
    }
    return Promise.resolve(out);
  }

  markReleased(clientId: string, key: string, packetId: number): Promise<void> {
    this.of(clientId).inflight.set(key, `r:${packetId}`);
    return Promise.resolve();
  }

  markDone(clientId: string, finished: Finished[], batchDone?: { queue: string; nextOffset: number; oldestPublishedAt: number }): Promise<void> {
    if (finished.length === 0 && batchDone === undefined) return Promise.resolve();
    const s = this.of(clientId);
    const at = this.now();
    for (const f of finished) {
      s.inflight.delete(f.key);
      s.done.set(f.key, at);
      s.queued.delete(queuedMember(f.message));
    }
    if (s.done.size > DONE_KEPT) for (const [key] of byScore(s.done).slice(0, s.done.size - DONE_KEPT)) s.done.delete(key);
    if (batchDone !== undefined) {
      if (s.hash.has('gen')) {
        s.hash.set(POSITION + batchDone.queue, String(batchDone.nextOffset));
        s.hash.delete(LEGACY_POSITION);
      }
      if (Number.isFinite(batchDone.oldestPublishedAt)) {
        for (const [member, publishedAt] of [...s.queued]) {
          if (publishedAt < batchDone.oldestPublishedAt - RESERVATION_GRACE_MS) s.queued.delete(member);
        }
      }
    }
    return Promise.resolve();
  }
}

function queuedMember(m: QueuedRef): string {
  return `${m.origin}${SEP}${m.id}`;
}

function parseQueuedMember(member: string, publishedAt: number): EarlierQueued {
  const cut = member.indexOf(SEP);
  return cut < 0 ? { origin: '', id: member, publishedAt } : { origin: member.slice(0, cut), id: member.slice(cut + 1), publishedAt };
}

/** Entries by score, then member, as Redis orders a sorted set. */
function byScore(set: Map<string, number>): [string, number][] {
  return [...set].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function positionsOf(hash: Map<string, string>): QueuePositions {
  const positions: QueuePositions = {};
  for (const [field, value] of hash) {
    if (field.startsWith(POSITION)) positions[field.slice(POSITION.length)] = Number(value);
  }
  const legacy = hash.get(LEGACY_POSITION);
  if (legacy !== undefined && Object.keys(positions).length === 0) positions[''] = Number(legacy);
  return positions;
}

function parseState(raw: string | undefined): InflightState {
  if (!raw) return { kind: 'new' };
  return { kind: raw.startsWith('r:') ? 'released' : 'sent', packetId: Number(raw.slice(2)) };
}
