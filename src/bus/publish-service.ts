import { randomUUID } from 'node:crypto';
import type { RetainedStore } from '../cluster/retained-store.js';
import type { SessionStore } from '../cluster/session-store.js';
import type { Logger } from '../log.js';
import type { BusPublisher } from './bus-publisher.js';
import type { BusMessage, QoS } from '../message/envelope.js';
import { BROADCAST_TAG, NOBODY_TAG, edgeTag } from './names.js';
import type { RouteResolver } from './route-resolver.js';
import type { SessionTarget } from './session-matcher.js';
import type { SessionResolver } from './session-resolver.js';

export interface PublishInput {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  clientId: string;
  /** Time to live in milliseconds; the service's default when absent, 0 for no expiry. */
  ttlMs?: number;
  /** Absolute expiry (ms since the epoch, 0 for none); wins over ttlMs. A push uses it so that all its messages expire together. */
  expiresAt?: number;
  /** The REST push this message belongs to. */
  pushId?: string;
}

export interface PublishServiceDeps {
  producer: BusPublisher;
  retained: RetainedStore;
  /** Edge id, or `api`. */
  origin: string;
  defaultTtlMs: number;
  routes: RouteResolver;
  sessions: SessionResolver;
  sessionStore: SessionStore;
  /** Most messages one persistent session may have waiting; past it, new ones are not queued for it. */
  sessionPendingCap: number;
  log: Logger;
}

export interface PublishStats {
  /** Messages not queued for a persistent session because its queue was full. */
  sessionOverflow: number;
  sessionQueued: number;
}

/**
 * The single way into the bus for devices (through the edge) and backends (through the API).
 * It resolves only when the message is durable in RocketMQ (on the delivery topic for live
 * subscribers and in the queue of every persistent session that wants it) and, when retained,
 * recorded for subscribers that come later: that is the moment PUBACK, PUBREC or 202 may be sent.
 */
export class PublishService {
  readonly stats: PublishStats = { sessionOverflow: 0, sessionQueued: 0 };

  /** Publishes sent from the caches while the caches are read again (see catchUpWithRoutes). */
  private readonly unconfirmed = new Set<Unconfirmed>();

  constructor(private readonly deps: PublishServiceDeps) {
    deps.routes.onChange(() => { for (const u of this.unconfirmed) this.catchUpWithRoutes(u); });
    deps.sessions.onChange(() => { for (const u of this.unconfirmed) this.catchUpWithSessions(u); });
  }

  /** Nothing while the bus takes more now; else a promise of room (see BatchingProducer.room). */
  room(): Promise<void> | undefined {
    return this.deps.producer.room();
  }

  async publish(input: PublishInput): Promise<BusMessage> {
    const { producer, routes, sessions } = this.deps;
    const now = Date.now();
    const ttl = input.ttlMs ?? this.deps.defaultTtlMs;
    const message: BusMessage = {
      id: randomUUID(),
      topic: input.topic,
      payload: input.payload,
      qos: input.qos,
      retain: input.retain,
      origin: this.deps.origin,
      clientId: input.clientId,
      publishedAt: now,
      expiresAt: input.expiresAt ?? (ttl > 0 ? now + ttl : 0),
      ...(input.pushId ? { pushId: input.pushId } : {}),
    };
    // One lane per publisher keeps its order; the API has no client id, so it spreads by topic.
    const laneKey = input.clientId || input.topic;
    const routeVersion = routes.version;
    const sessionVersion = sessions.version;
    const tags = routes.tags(message.topic, message.retain);
    const targets = sessions.targets(message.topic, message.qos);
    // Both caches are re-read from Redis now, while the message is being sent (see catchUpWithRoutes);
    // a message sent to every edge has no route to catch up with.
    const broadcast = tags.includes(BROADCAST_TAG);
    const u: Unconfirmed = {
      message, laneKey, routeVersion, tags: broadcast ? null : [...tags],
      sessionVersion, targets, catchUps: [],
    };
    this.unconfirmed.add(u);
    const routesRead = broadcast ? Promise.resolve() : routes.refresh();
    const sessionsRead = sessions.refresh();
    // Awaited after the send; a failed read must not count as unhandled while the send runs.
    routesRead.catch(noop);
    sessionsRead.catch(noop);
    try {
      await Promise.all([
        producer.publish(message, laneKey, tags.length > 0 ? tags : [NOBODY_TAG]),
        this.queueForSessions(message, targets),
      ]);
      await Promise.all([routesRead, sessionsRead]);
    } finally {
      this.unconfirmed.delete(u);
    }
    await Promise.all(u.catchUps);
    if (message.retain) await this.deps.retained.put(message);
    return message;
  }

  /**
   * The cached routes the message was tagged with may predate a subscription. The route version
   * is read again with a Redis call issued after the publish arrived (in parallel with its send,
   * so it costs the acknowledgement no extra round trip), and the message also goes to the edges
   * that became interested. So every subscription acknowledged before the publish reached us gets
   * it, which is what a device can observe: a subscriber that got SUBACK and then told the publisher
   * to go ahead. A subscription racing the publish may or may not get it, as with any MQTT broker.
   *
   * This runs the moment new routes are in place, before any later publish is tagged with them:
   * the copy is queued in its lane ahead of the publisher's next messages to the same edges, so
   * the new subscriber gets them in publish order too.
   */
  private catchUpWithRoutes(u: Unconfirmed): void {
    const { routes, producer } = this.deps;
    if (u.tags === null || routes.version === u.routeVersion) return;
    u.routeVersion = routes.version;
    // One copy per edge that became interested, never the broadcast tag even past its threshold:
    // the edges the first copy went to would get the message twice (a QoS 2 duplicate).
    const missing = [...routes.edges(u.message.topic)].map(edgeTag).filter((t) => !u.tags!.includes(t));
    if (missing.length === 0) return;
    u.tags.push(...missing);
    track(u, producer.publish(u.message, u.laneKey, missing));
  }

  /** The same for persistent subscriptions made while the message was being sent. */
  private catchUpWithSessions(u: Unconfirmed): void {
    const { sessions } = this.deps;
    if (sessions.version === u.sessionVersion) return;
    u.sessionVersion = sessions.version;
    const done = new Set(u.targets.map((t) => t.liteTopic));
    const targets = sessions.targets(u.message.topic, u.message.qos).filter((t) => !done.has(t.liteTopic));
    if (targets.length === 0) return;
    u.targets = [...u.targets, ...targets];
    track(u, this.queueForSessions(u.message, targets));
  }

  private async queueForSessions(message: BusMessage, targets: SessionTarget[]): Promise<void> {
    const { producer, sessionStore, sessionPendingCap, log } = this.deps;
    await Promise.all(targets.map(async (t) => {
      if (!(await sessionStore.reserve(t.clientId, message, sessionPendingCap))) {
        // Overflow policy: the newest message is not queued for this session (others still get it).
        this.stats.sessionOverflow++;
        log.warn('persistent session queue full: message not queued for it', {
          clientId: t.clientId, topic: message.topic, messageId: message.id, cap: sessionPendingCap,
        });
        return;
      }
      try {
        await producer.publishToSession({ ...message, qos: t.qos, retain: false }, t.liteTopic);
        this.stats.sessionQueued++;
      } catch (err) {
        await sessionStore.unreserve(t.clientId, message).catch(() => undefined);
        throw err;
      }
    }));
  }
}

/** A publish sent from cached routes and sessions while the caches are read again. */
interface Unconfirmed {
  message: BusMessage;
  laneKey: string;
  routeVersion: number;
  /** Delivery tags the message went to so far; null when it went to every edge. */
  tags: string[] | null;
  sessionVersion: number;
  /** Session queues it went to so far (a set only when a catch-up needs one: most publishes never do). */
  targets: SessionTarget[];
  /** Copies sent since to subscribers that came meanwhile; the publish resolves after them. */
  catchUps: Promise<void>[];
}

function track(u: Unconfirmed, send: Promise<void>): void {
  // Awaited by the publish, unless its own send failed first.
  send.catch(noop);
  u.catchUps.push(send);
}

function noop(): void { /* the rejection is handled where the promise is awaited */ }
