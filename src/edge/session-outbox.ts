import type { Client } from 'aedes';
import mqttPacket from 'mqtt-packet';
import { isExpired, type Batch, type BusMessage } from '../message/envelope.js';
import { sessionLiteTopic } from '../bus/names.js';
import type { QueuePlace, SessionOutcome } from '../bus/feeds.js';
import type { EarlierQueued, Finished, InflightState, QueuePositions, SessionStore } from '../cluster/session-store.js';
import type { Logger } from '../log.js';
import { rewindTarget, SessionQueueCursor, type CursorStats } from './session-queue-cursor.js';
import { SessionStallWatch, type StallWatchStats } from './session-stall-watch.js';
import { deliverQoS } from './aedes-adapter.js';

/** The parts of an aedes client this module uses beyond the typings. */
interface LocalSession {
  client: Client;
  generation: string;
  liteTopic: string;
  /** Resolves true once CONNACK went out (nothing may be written before it), false when the connection ended first. */
  connacked: Promise<boolean>;
  settle: (connacked: boolean) => void;
}

/** Messages of one session written and not yet acknowledged, at most (like a receive window). */
const SESSION_INFLIGHT = 32;

/** A message queued this long with no progress of the session's reader means the reader stalled (see SessionStallWatch). */
const STALL_QUIET_MS = 15_000;
/** Longest wait between two checks of a queue that stays stalled. */
const STALL_MAX_QUIET_MS = 300_000;

/** Longest wait for CONNACK before a batch is handed back to the queue. */
const CONNACK_WAIT_MS = 10_000;

interface Waiter {
  client: Client;
  /** Delivery key of the message (batch id:index) in the session's Redis state. */
  key: string;
  resolve: (acknowledged: boolean) => void;
}

export interface SessionQueueReader {
  /** Reads the queue from `offset` in every broker group, or from each group's committed position. */
  subscribe(liteTopic: string, offset?: number): Promise<void>;
  unsubscribe(liteTopic: string): Promise<void>;
  /** Makes the brokers hand out the queue from `offset` on (the reader had skipped batches). */
  reposition(liteTopic: string, offset: number): Promise<void>;
  /** The broker groups of the session topic's route. */
  queueGroups(): string[];
}

/**
 * Where a session's reader starts when its device connects. A start offset reaches every broker
 * group holding a queue of the session, so it is given only where it passes no group's unread
 * batches (see rewindTarget): a new session reads from 0, a session with a position in every group
 * from the lowest. Otherwise (it may have batches in a group it never read from) each group starts
 * at its own committed position, and the cursor moves the reader back should one be wrong.
 */
export function startOffset(positions: QueuePositions, groups: readonly string[]): number | undefined {
  const known = Object.keys(positions);
  if (known.length === 0) return 0;
  if (known.includes('') || groups.length === 0 || groups.some((g) => !known.includes(g))) return undefined;
  return rewindTarget(positions, known[0]!, groups);
}

/** Moves of a session queue's reader back to the same offset before the skipped batches are taken as gone. */
const REPOSITION_ATTEMPTS = 5;
/** Least time between two such moves (the batches read meanwhile went out before the move). */
const REPOSITION_RETRY_MS = 2000;

/**
 * Longest a batch waits for earlier messages of the same publishing edge that are still queued
 * elsewhere, counted from their publication (see mustWaitForEarlier). Longer than the client's
 * full sync of its lite subscriptions (30 s) plus a master election: after a master switch
 * neither group may serve the session until that sync, and the batch seen first must still wait.
 * A waiting batch subscribes its queue again at once (SessionQueueCursor.resubscribeForOrder), so
 * the wait normally ends within a second; the whole of it is spent only when the earlier messages'
 * group is lost, or when their edge died between recording and sending them.
 */
export const ORDER_WAIT_MS = 45_000;

/**
 * True while an MQTT message of `batch` has to wait for an earlier one of the same publishing edge
 * that is queued for the session and not yet acknowledged. An edge sends a session's messages one
 * batch after the other, so within one broker group's queue the earlier ones always come first;
 * they are elsewhere only when they went to another group (its master was being replaced while
 * the later ones were sent: the later ones then took the other group). Waiting for them keeps each
 * publisher's order across the switch. REST pushes carry no order between requests and never wait.
 */
export function mustWaitForEarlier(batch: Batch, earlier: readonly EarlierQueued[]): boolean {
  if (earlier.length === 0) return false;
  const inBatch = new Set(batch.messages.map((m) => m.id));
  const oldest = oldestByPublisher(batch);
  return earlier.some((e) => !inBatch.has(e.id) && e.publishedAt < (oldest.get(e.origin) ?? Number.NEGATIVE_INFINITY));
}

/** The publication time of the oldest MQTT message of each publishing edge in a batch. */
function oldestByPublisher(batch: Batch): Map<string, number> {
  const oldest = new Map<string, number>();
  for (const m of batch.messages) {
    if (m.clientId === '') continue;
    const at = oldest.get(m.origin);
    if (at === undefined || m.publishedAt < at) oldest.set(m.origin, m.publishedAt);
  }
  return oldest;
}

/** Which queued messages can make a batch wait: none for a batch of REST pushes only. */
function orderWindow(batch: Batch, now: number): { since: number; before: number } | undefined {
  const oldest = oldestByPublisher(batch);
  if (oldest.size === 0) return undefined;
  const before = Math.max(...oldest.values());
  return before > now - ORDER_WAIT_MS ? { since: now - ORDER_WAIT_MS, before } : undefined;
}

/** What the outbox needs to know and tell about pushes (REST pushes carry a push id). */
export interface SessionPushHooks {
  /** False for each message that must not go out any more: its push was cancelled or replaced for the device. */
  deliverable(list: { pushId: string; deviceId: string }[]): Promise<boolean[]>;
  receipt(pushId: string, deviceId: string, state: 'sent' | 'acked'): void;
}

export interface SessionOutboxStats extends CursorStats, StallWatchStats {
  /** Messages written to devices from their session queues for the first time. */
  sessionDelivered: number;
  /** Messages written again, with DUP, after a connection or edge was lost. */
  sessionRedelivered: number;
  /** PUBRELs written again for QoS 2 messages the device had already received. */
  sessionReleased: number;
  sessionExpired: number;
  /** Queued push messages not delivered because the push was cancelled or replaced (collapse key). */
  sessionWithdrawn: number;
  /** Times a batch was put back to wait for earlier messages of its publisher queued in another broker group. */
  sessionBatchesHeldForOrder: number;
}

/**
 * Delivers the queued messages of the persistent sessions connected to this edge, in queue order
 * (a session's batches one at a time, a batch's messages written in order), and reports a batch
 * done only when the device acknowledged all of it: PUBACK at QoS 1, PUBCOMP at QoS 2. Packet ids and PUBREC state are kept
 * in Redis before the packet leaves, so a delivery resumed on any edge repeats the same packet id
 * with DUP, or only the PUBREL: the device then sees each QoS 2 message exactly once.
 */
export class SessionOutbox {
  private readonly sessions = new Map<string, LocalSession>();
  private readonly byLiteTopic = new Map<string, LocalSession>();
  private readonly waiting = new Map<string, Waiter>();
  private readonly own = new WeakSet<object>();
  /** Stale subscriptions being dropped; an attach of the same queue waits for that first. */
  private readonly unsubscribing = new Map<string, Promise<void>>();
  private readonly counts = { sessionDelivered: 0, sessionRedelivered: 0, sessionReleased: 0, sessionExpired: 0, sessionWithdrawn: 0, sessionBatchesHeldForOrder: 0 };
  private readonly cursor: SessionQueueCursor;
  /** The batch handling of each session queue in progress here, so that the next one waits its turn. */
  private readonly turns = new Map<string, Promise<void>>();
  private readonly watch: SessionStallWatch;

  constructor(
    private readonly store: SessionStore,
    private readonly reader: SessionQueueReader,
    private readonly log: Logger,
    private readonly pushes: SessionPushHooks = { deliverable: async (l) => l.map(() => true), receipt: () => undefined },
  ) {
    this.cursor = new SessionQueueCursor(reader, log, {
      maxAttempts: REPOSITION_ATTEMPTS, retryAfterMs: REPOSITION_RETRY_MS, groups: () => reader.queueGroups(),
    });
    this.watch = new SessionStallWatch({
      inspect: (clientId) => this.store.queueState(clientId),
      busy: (liteTopic) => this.turns.has(liteTopic),
      resubscribe: (liteTopic, positions, clientId) => this.cursor.resubscribe(liteTopic, positions, clientId, 'stalled with messages waiting'),
      log, quietMs: STALL_QUIET_MS, maxQuietMs: STALL_MAX_QUIET_MS, perTick: 200,
    });
  }

  start(): void {
    this.watch.start();
  }

  stop(): void {
    this.watch.stop();
  }

  get stats(): SessionOutboxStats {
    return { ...this.counts, ...this.cursor.stats, ...this.watch.stats };
  }

  /** A device with clean session = 0 was admitted here: its queue is read from now on. */
  async attach(client: Client): Promise<void> {
    const { generation, positions } = await this.store.open(client.id);
    let settle: (connacked: boolean) => void = () => undefined;
    const connacked = new Promise<boolean>((resolve) => { settle = resolve; });
    const session: LocalSession = { client, generation, liteTopic: sessionLiteTopic(generation), connacked, settle };
    this.sessions.set(client.id, session);
    this.byLiteTopic.set(session.liteTopic, session);
    // Also when the connection ends before aedes registered it (no clientDisconnect then).
    client.conn.once('close', () => this.detach(client));
    await this.unsubscribing.get(session.liteTopic);
    const offset = startOffset(positions, this.reader.queueGroups());
    await this.reader.subscribe(session.liteTopic, offset);
    if (this.sessions.get(client.id) === session) this.watch.subscribed(session.liteTopic, client.id);
    this.log.debug('session queue subscribed', { clientId: client.id, liteTopic: session.liteTopic, offset: offset ?? 'committed', positions });
  }

  /** The persistent sessions connected here, with their generation. */
  connected(): { client: Client; generation: string }[] {
    return [...this.sessions.values()].map((s) => ({ client: s.client, generation: s.generation }));
  }

  /** aedes 'connackSent': the session's queued messages may be written from now on. */
  connackSent(client: Client): void {
    const session = this.sessions.get(client.id);
    if (session?.client === client) session.settle(true);
  }

  /** A clean-session connect ends any earlier persistent session of that client id. */
  async discard(clientId: string): Promise<void> {
    if (await this.store.exists(clientId)) await this.store.discard(clientId);
  }

  /** The session generation of a persistent client connected here. */
  generation(clientId: string): string | undefined {
    return this.sessions.get(clientId)?.generation;
  }

  /** The connection ended: its queue is no longer read here, and what waited for its ack goes back. */
  detach(client: Client): void {
    for (const [k, w] of this.waiting) {
      if (w.client === client) { this.waiting.delete(k); w.resolve(false); }
    }
    const session = this.sessions.get(client.id);
    if (!session || session.client !== client) return;
    session.settle(false);
    this.sessions.delete(client.id);
    this.byLiteTopic.delete(session.liteTopic);
    this.cursor.forget(session.liteTopic);
    this.watch.forget(session.liteTopic);
    this.reader.unsubscribe(session.liteTopic).then(
      () => this.log.debug('session queue unsubscribed', { clientId: client.id, liteTopic: session.liteTopic }),
      (err: unknown) => this.log.warn('session queue unsubscribe failed', { clientId: client.id, error: String(err) }));
  }

  /** True for packets this outbox handed to aedes (aedes' forward check must let them through). */
  isOwnPacket(packet: object): boolean {
    return this.own.has(packet);
  }

  /** True when `messageId` of this connection is a queued message waiting for the device. */
  owns(client: Client, messageId: number | undefined): boolean {
    return this.waiting.get(waitKey(client.id, messageId))?.client === client;
  }

  /** PUBREC: the device has the message; from now on only PUBREL is ever sent for it. */
  async received(client: Client, messageId: number): Promise<void> {
    const w = this.waiting.get(waitKey(client.id, messageId));
    if (w) await this.store.markReleased(client.id, w.key, messageId);
  }

  /** PUBACK or PUBCOMP: the device acknowledged the message. */
  acknowledged(client: Client, messageId: number): void {
    const k = waitKey(client.id, messageId);
    const w = this.waiting.get(k);
    if (!w || w.client !== client) return;
    this.waiting.delete(k);
    w.resolve(true);
  }

  /**
   * One queued batch of a session; 'later' puts it back for whoever reads the queue next. A
   * session's batches are handled one after the other: after a broker restart the client can hand
   * out batches of the same queue from a new read while one from the old read is still waiting for
   * the device, and two handlers of one batch both saw its messages as new and wrote them twice
   * without DUP (found by test 92). In turn, the second one finds the batch done by its offset.
   */
  handle = (liteTopic: string, batch: Batch, place: QueuePlace): Promise<SessionOutcome> => {
    const mine = (this.turns.get(liteTopic) ?? Promise.resolve()).then(() => this.handleInTurn(liteTopic, batch, place)).then((outcome) => {
      const session = this.byLiteTopic.get(liteTopic);
      if (outcome === 'done' && session) this.watch.progressed(liteTopic, session.client.id, Math.max(...batch.messages.map((m) => m.publishedAt)));
      return outcome;
    });
    const settled = mine.then(() => undefined, () => undefined);
    this.turns.set(liteTopic, settled);
    void settled.then(() => { if (this.turns.get(liteTopic) === settled) this.turns.delete(liteTopic); });
    return mine;
  };

  /**
   * Its messages are written in order with up to SESSION_INFLIGHT unacknowledged at a time, and the
   * Redis bookkeeping is one call per batch for each step, not per message.
   */
  private async handleInTurn(liteTopic: string, batch: Batch, place: QueuePlace): Promise<SessionOutcome> {
    const session = this.byLiteTopic.get(liteTopic);
    if (!session) {
      // Still subscribed to a session that left (an unsubscribe can lose a race with the client's
      // periodic full sync of its lite subscriptions): stop reading it, so the edge that holds
      // the session gets the batches instead of this one putting them back again and again.
      if (!this.unsubscribing.has(liteTopic)) {
        const done = this.reader.unsubscribe(liteTopic)
          .catch((err: unknown) => { this.log.warn('stale session queue unsubscribe failed', { liteTopic, error: String(err) }); })
          .finally(() => this.unsubscribing.delete(liteTopic));
        this.unsubscribing.set(liteTopic, done);
      }
      return 'later';
    }
    if (!(await connackedWithin(session, CONNACK_WAIT_MS))) return 'later';
    const { client } = session;
    const keys = batch.messages.map((_, i) => `${batch.batchId}:${i}`);
    const now = Date.now();
    const { positions, states, earlier } = await this.store.states(client.id, keys, orderWindow(batch, now));
    // The broker's read position can be wrong after it restarted: the session's own record decides.
    const verdict = await this.cursor.check(liteTopic, place, positions, client.id);
    if (verdict !== 'deliver') return verdict === 'skip' ? 'done' : 'later';
    if (states.some((st) => st.kind === 'new') && mustWaitForEarlier(batch, earlier)) {
      this.counts.sessionBatchesHeldForOrder++;
      if (this.log.isDebugEnabled()) this.log.debug('session batch waits for earlier messages of its publisher', { clientId: client.id, liteTopic, ...place });
      await this.cursor.resubscribeForOrder(liteTopic, place.queue, positions, client.id);
      return 'later';
    }
    const finished: Finished[] = [];
    let todo: { message: BusMessage; key: string; state: InflightState }[] = [];
    let expired = 0;
    batch.messages.forEach((message, i) => {
      const state = states[i]!;
      if (state.kind === 'done') return;
      if (isExpired(message, now)) { expired++; finished.push({ key: keys[i]!, message }); }
      else todo.push({ message, key: keys[i]!, state });
    });
    this.counts.sessionExpired += expired;
    // Pushes cancelled or replaced by a newer one with their collapse key leave like expired ones.
    const pushed = todo.filter((t) => t.message.pushId && t.state.kind === 'new');
    if (pushed.length > 0) {
      const ok = await this.pushes.deliverable(pushed.map((t) => ({ pushId: t.message.pushId!, deviceId: client.id })));
      const withdrawn = new Set(pushed.filter((_, i) => !ok[i]));
      this.counts.sessionWithdrawn += withdrawn.size;
      finished.push(...[...withdrawn].map((t) => ({ key: t.key, message: t.message })));
      todo = todo.filter((t) => !withdrawn.has(t));
    }
    const batchDone = place.offset >= 0
      ? { queue: place.queue, nextOffset: place.offset + 1, oldestPublishedAt: Math.min(...batch.messages.map((m) => m.publishedAt)) }
      : undefined;
    if (todo.length === 0) {
      await this.store.markDone(client.id, finished, batchDone);
      return 'done';
    }
    if (finished.length > 0) await this.store.markDone(client.id, finished);
    if (client.closed) return 'later';
    const fresh = todo.filter((t) => t.state.kind === 'new').map((t) => t.key);
    const assigned = fresh.length > 0 ? await this.store.markSent(client.id, fresh) : new Map<string, { kind: 'sent' | 'released'; packetId: number }>();

    const acknowledged: Finished[] = [];
    const outstanding = new Set<Promise<void>>();
    let lost = false;
    for (const t of todo) {
      if (lost || client.closed) { lost = true; break; }
      const sent = t.state.kind === 'new' ? assigned.get(t.key)! : t.state as { kind: 'sent' | 'released'; packetId: number };
      const delivery = (sent.kind === 'released'
        ? this.writePubrel(client, sent.packetId, t.key)
        : this.writePublish(client, t.message, sent.packetId, t.state.kind === 'sent', t.key))
        .then((ok) => {
          if (!ok) { lost = true; return; }
          acknowledged.push({ key: t.key, message: t.message });
          if (t.message.pushId) this.pushes.receipt(t.message.pushId, client.id, 'acked');
        });
      if (t.message.pushId && sent.kind === 'sent') this.pushes.receipt(t.message.pushId, client.id, 'sent');
      const tracked: Promise<void> = delivery.finally(() => outstanding.delete(tracked));
      outstanding.add(tracked);
      if (outstanding.size >= SESSION_INFLIGHT) await Promise.race(outstanding);
    }
    await Promise.all(outstanding);
    const complete = acknowledged.length === todo.length;
    await this.store.markDone(client.id, acknowledged, complete ? batchDone : undefined);
    return complete ? 'done' : 'later';
  }

  private writePublish(client: Client, m: BusMessage, packetId: number, dup: boolean, key: string): Promise<boolean> {
    return this.await(client, packetId, key, () => {
      const packet = { cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: false, dup, messageId: packetId };
      this.own.add(packet);
      if (dup) this.counts.sessionRedelivered++;
      else this.counts.sessionDelivered++;
      deliverQoS(client, packet, () => undefined);
    });
  }

  private writePubrel(client: Client, packetId: number, key: string): Promise<boolean> {
    return this.await(client, packetId, key, () => {
      this.counts.sessionReleased++;
      mqttPacket.writeToStream({ cmd: 'pubrel', messageId: packetId }, client.conn);
    });
  }

  private await(client: Client, packetId: number, key: string, write: () => void): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      if (client.closed) { resolve(false); return; }
      // A connection can end without aedes' clientDisconnect (closed while taken over): the socket tells.
      const k = waitKey(client.id, packetId);
      const onClose = () => {
        if (this.waiting.get(k)?.client === client) this.waiting.delete(k);
        resolve(false);
      };
      client.conn.once('close', onClose);
      this.waiting.set(k, { client, key, resolve: (ok) => { client.conn.removeListener('close', onClose); resolve(ok); } });
      write();
    });
  }
}

/**
 * True once CONNACK went out, false if the connection ended first or `ms` passed: then the batch
 * goes back, and the next one waits again (a slow CONNACK must not stop the session for good).
 */
async function connackedWithin(session: LocalSession, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([session.connacked, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function waitKey(clientId: string, messageId: number | undefined): string {
  return `${clientId}\u0000${messageId}`;
}
