import { Aedes } from 'aedes';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { BatchingProducer } from '../bus/batching-producer.js';
import { DeliveryConsumer } from '../bus/delivery-consumer.js';
import { PublishService } from '../bus/publish-service.js';
import { EdgeRegistry } from '../cluster/edge-registry.js';
import { RedisKeys } from '../cluster/keys.js';
import { RetainedStore } from '../cluster/retained-store.js';
import { RouteTable } from '../cluster/route-table.js';
import { RouteResolver } from '../bus/route-resolver.js';
import { SessionRegistry } from '../cluster/session-registry.js';
import { WillStore } from '../cluster/will-store.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { BusEmitter } from './bus-emitter.js';
import { durablePublishHook, type DurablePublishStats, type IncomingStore } from './durable-publish.js';
import { openListeners, type Listener } from './listeners.js';
import { LocalDelivery, type RetainedPersistence } from './local-delivery.js';
import { watchClients } from './client-events.js';
import { EdgeReaper } from './edge-reaper.js';
import { SessionGuard } from './session-guard.js';
import { SessionStore } from '../cluster/session-store.js';
import { SessionResolver } from '../bus/session-resolver.js';
import { SessionConsumer } from '../bus/session-consumer.js';
import { SessionOutbox } from './session-outbox.js';
import { DeviceAuth } from './device-auth.js';
import { DeviceRegistry } from '../cluster/device-registry.js';
import { clusterPersistence } from './cluster-persistence.js';
import { FROM_BUS } from './bus-emitter.js';
import { bestMatchingQos } from './topic-filter.js';
import { withTimeout } from '../bus/client-support.js';
import { PushStatusStore } from '../cluster/push-status-store.js';
import { PushReceipts } from './push-receipts.js';
import { PushTracker } from './push-tracker.js';
import { OutboundGate } from './outbound-gate.js';
import { clientSubscriptions, gatedClient } from './aedes-adapter.js';
import { HealthServer } from './health-server.js';
import { Readiness } from '../health/readiness.js';

// aedes-persistence is CommonJS and its typings describe an ES default export that does not exist.
/** Deliveries the local matcher runs at once (aedes' own default); more wait their turn. */
const LOCAL_EMIT_CONCURRENCY = 100;

const memoryPersistence = createRequire(import.meta.url)('aedes-persistence') as () => object;

/** The process' memory in MiB, for the heartbeat: where a flood's memory went shows here first. */
function memoryMiB(): Record<string, number> {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 1024 / 1024);
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers) };
}

/**
 * One MQTT edge: aedes on TCP, a batching RocketMQ producer for what devices publish, and its own
 * consumer group for what it delivers. Stateless: what must outlive it is in RocketMQ or Redis.
 */
export class Edge {
  private readonly redis: Redis;
  private readonly producer: BatchingProducer;
  private readonly registry: EdgeRegistry;
  private readonly retained: RetainedStore;
  private readonly keys: RedisKeys;
  private readonly routeTable: RouteTable;
  private reaper: EdgeReaper | null = null;
  private local: LocalDelivery | null = null;
  private routeKeeper: NodeJS.Timeout | null = null;
  private broker: Aedes | null = null;
  private consumer: DeliveryConsumer | null = null;
  private sessionConsumer: SessionConsumer | null = null;
  private receipts: PushReceipts | null = null;
  private listeners: Listener[] = [];
  private health: HealthServer | null = null;

  constructor(private readonly config: Config, private readonly log: Logger) {
    const keys = new RedisKeys(config.keyPrefix);
    this.keys = keys;
    // Commands wait while Redis is away instead of failing: a publish is then acknowledged late, never
    // half done (its session queues need Redis), and a CONNECT gets CONNACK 3 after its own timeout.
    this.redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
    this.redis.on('error', (err) => log.warn('redis error', { error: String(err) }));
    this.routeTable = new RouteTable(this.redis, keys);
    this.retained = new RetainedStore(this.redis, keys, log);
    this.registry = new EdgeRegistry(this.redis, keys, log);
    this.producer = new BatchingProducer({
      ...config.rocketmq,
      ...config.batch,
      producerId: config.edge.id,
      log,
    });
  }


  async start(): Promise<void> {
    const { edge } = this.config;
    // Up first: /healthz answers while the edge starts, /readyz says "starting" until it is ready.
    const health = new HealthServer({ host: edge.host, port: edge.httpPort, edgeId: edge.id }, new Readiness({
      listeners: () => { if (this.listeners.length === 0) throw new Error('MQTT listeners are not open'); },
      redis: async () => { const pong = await this.redis.ping(); if (pong !== 'PONG') throw new Error(`answered ${pong}`); },
      rocketmq: () => this.producer.ping(),
      consumer: () => { if (!this.consumer?.running) throw new Error('delivery consumer is not running'); },
    }), this.log);
    const httpPort = await health.start();
    this.health = health;
    await this.redis.connect();
    await this.producer.start();
    // Routes of an earlier life of this edge id are stale: its devices are gone.
    await this.routeTable.clear(edge.id);
    const routes = new RouteResolver(this.routeTable, this.config.routeBroadcastThreshold);
    await routes.start();
    const sessionStore = new SessionStore(this.redis, this.keys);
    const sessionResolver = new SessionResolver(sessionStore);
    await sessionResolver.start();
    const publisher = new PublishService({
      producer: this.producer, retained: this.retained, origin: edge.id, defaultTtlMs: this.config.messageTtlMs,
      routes, sessions: sessionResolver, sessionStore, sessionPendingCap: this.config.sessionPendingCap, log: this.log,
    });
    // The outbox reads queues through the consumer, and the consumer hands batches to the outbox.
    let outbox: SessionOutbox | null = null;
    const sessionConsumer = new SessionConsumer({
      ...this.config.rocketmq, maxCached: this.config.consumer.maxCached, retryLaterMs: 1000, log: this.log,
      handle: (liteTopic, batch, offset) => outbox ? outbox.handle(liteTopic, batch, offset) : Promise.resolve('later'),
    });
    this.sessionConsumer = sessionConsumer;
    const pushStatus = new PushStatusStore(this.redis, this.keys, this.config.push.statusRetentionMs);
    const receipts = new PushReceipts(pushStatus, this.log);
    this.receipts = receipts;
    receipts.start();
    const tracker = new PushTracker((pushId, deviceId, state) => receipts.add(pushId, deviceId, state));
    outbox = new SessionOutbox(sessionStore, sessionConsumer, this.log, {
      deliverable: (list) => pushStatus.deliverable(list),
      receipt: (pushId, deviceId, state) => receipts.add(pushId, deviceId, state),
    });
    const sessionOutbox = outbox;
    await sessionConsumer.start();
    const deviceAuth = edge.auth === 'devices'
      ? new DeviceAuth({ registry: new DeviceRegistry(this.redis, this.keys), cacheMs: edge.authCacheMs, publishTopics: edge.publishTopics, log: this.log })
      : null;
    if (!deviceAuth) this.log.warn('MQTT_AUTH=open: any client may connect and use any topic');
    const persistence = clusterPersistence(memoryPersistence(), sessionStore, sessionOutbox, this.log,
      (client, filter) => !deviceAuth || deviceAuth.allows(client, filter),
      (client, messageId) => tracker.acknowledged(client, messageId));
    const sessions = new SessionRegistry(this.redis, this.keys);
    const wills = new WillStore(this.redis, this.keys, this.log);
    const guard = new SessionGuard({
      edgeId: edge.id, registry: sessions, wills, log: this.log,
      sendControl: (body, giveUpAfterMs) => this.producer.sendControl(body, giveUpAfterMs),
      willAllowed: (client, topic) => !deviceAuth || deviceAuth.mayPublish(client, topic),
      admitted: (client) => client.clean ? Promise.resolve() : sessionOutbox.attach(client),
    });
    const emitter = new BusEmitter(LOCAL_EMIT_CONCURRENCY, {
      add: (filter) => this.routeTable.add(edge.id, filter),
      remove: (filter) => this.routeTable.remove(edge.id, filter),
    }, (err) => this.log.error('route table update failed', { error: String(err) }));
    // MQTT-3.1.3-8: a zero-length client id needs clean session 1; aedes would make one up.
    const emptyIdPersistent = new WeakSet<object>();
    const publishStats: DurablePublishStats = { reservedTopicPublishes: 0 };
    const gate = new OutboundGate(edge.outbound, this.log);
    const broker = new Aedes({
      preConnect: (client, packet, done) => {
        // Before anything can subscribe: subscriptions capture the client's deliver functions.
        gate.guard(gatedClient(client));
        const connect = packet as { clientId?: string; clean?: boolean };
        if (!connect.clientId && connect.clean === false) emptyIdPersistent.add(client);
        done(null, true);
      },
      authenticate: (client, username, password, done) => {
        if (emptyIdPersistent.has(client)) {
          return done(Object.assign(new Error('a zero-length client id needs clean session'), { returnCode: 2 as const }), false);
        }
        if (!deviceAuth) return guard.authenticate(client, username, password, done);
        deviceAuth.check(client, password).then(() => guard.authenticate(client, username, password, done),
          (err: Error & { returnCode: number }) => done(err, false));
      },
      // A refused filter gets 0x80 in SUBACK.
      authorizeSubscribe: (client, sub, done) => done(null, !deviceAuth || deviceAuth.maySubscribe(client, sub.topic) ? sub : null),
      id: edge.id,
      mq: emitter,
      persistence,
      // A QoS 1/2 message for a persistent session's QoS 1/2 subscription comes from its queue, not live.
      authorizeForward: (client, packet) => {
        if (sessionOutbox.isOwnPacket(packet)) return packet;
        const p = packet as typeof packet & { brokerId?: string };
        if (!client.clean && p.qos > 0 && !p.retain && p.brokerId === FROM_BUS
          && bestMatchingQos(clientSubscriptions(client), p.topic) > 0) return null;
        const forwarded = tracker.forward(client, p);
        if (forwarded) gate.forwarded(client, forwarded);
        return forwarded;
      },
      authorizePublish: durablePublishHook({
        publisher,
        incoming: () => persistence as unknown as IncomingStore,
        maxPayloadBytes: edge.maxPayloadBytes,
        mayPublish: (client, topic) => !deviceAuth || deviceAuth.mayPublish(client, topic),
        log: this.log,
      }, publishStats),
    });
    await broker.listen();
    this.broker = broker;
    watchClients(broker, this.log);
    broker.on('connackSent', (_connack, client) => sessionOutbox.connackSent(client));
    broker.on('ack', (_packet, client) => gate.acknowledged(client));
    broker.on('clientDisconnect', (client) => {
      guard.disconnected(client);
      sessionOutbox.detach(client);
    });

    const local = new LocalDelivery(broker, persistence as unknown as RetainedPersistence, this.log, (counter, pushId) => tracker.label(counter, pushId), () => emitter.room());
    this.local = local;
    this.consumer = new DeliveryConsumer({
      ...this.config.rocketmq,
      edgeId: edge.id,
      maxCached: this.config.consumer.maxCached,
      log: this.log,
      deliver: (messages) => local.deliver(messages),
      control: (message) => {
        if (message.kind === 'revoke') deviceAuth?.forget(message.clientId);
        guard.control(message);
      },
    });
    // Follow the bus first, then load the snapshot: the clock in LocalDelivery keeps the newer one.
    await this.consumer.start();
    await this.consumer.ready({
      delivery: (tag, id) => this.producer.sendProbe(tag, id),
      control: (body) => this.producer.sendControl(body),
    });
    const retained = await this.retained.all();
    for (const m of retained) await local.applyRetained(m);

    this.reaper = new EdgeReaper({
      selfId: edge.id, leaseMs: edge.leaseMs, redis: this.redis, keys: this.keys, edges: this.registry,
      sessions, wills, publisher, routes: this.routeTable, log: this.log,
    });
    await this.reaper.reapPreviousLife();

    this.listeners = await openListeners(broker, edge, this.log);
    const port = this.listeners[0]!.port;
    const consumer = this.consumer;
    await this.registry.start({ id: edge.id, port, pid: process.pid, startedAt: Date.now() }, edge.heartbeatMs,
      () => ({ ...consumer.stats, ...local.stats, ...sessionConsumer.stats, ...sessionOutbox.stats, ...publisher.stats, ...deviceAuth?.stats, ...receipts.stats, ...publishStats, ...gate.stats, connectedClients: broker.connectedClients, publishQueued: this.producer.stats.queued, localBacklog: emitter.backlog(), ...memoryMiB() }));
    this.reaper.start(edge.heartbeatMs);
    // The route set is rebuilt from this edge's own subscriptions if Redis lost or garbled it.
    this.routeKeeper = setInterval(() => {
      this.routeTable.reconcile(edge.id, emitter.filters()).then((rewritten) => {
        if (rewritten) this.log.warn('route set in Redis differed from local subscriptions; rewritten');
      }, (err: unknown) => this.log.warn('route check failed', { error: String(err) }));
    }, edge.heartbeatMs);
    this.routeKeeper.unref();
    // After Redis came back (it may have lost its last writes), the sessions connected here are
    // written back; their route sets are rewritten by the route keeper above.
    // Registered once connected: every later 'ready' is a reconnect.
    this.redis.on('ready', () => void this.restoreSessions(sessionStore, sessionOutbox));
    health.ready();
    this.log.info('edge ready', { httpPort, listeners: this.listeners.map((l) => `${l.kind}:${l.port}`).join(','), port, retained: retained.length });
  }

  private async restoreSessions(store: SessionStore, outbox: SessionOutbox): Promise<void> {
    let restored = 0;
    for (const { client, generation } of outbox.connected()) {
      const subs = Object.entries(clientSubscriptions(client))
        .map(([topic, s]) => ({ topic, qos: s.qos }));
      try {
        if (await store.restore(client.id, generation, subs)) restored++;
      } catch (err) {
        this.log.warn('persistent session restore failed', { clientId: client.id, error: String(err) });
      }
    }
    this.log.info('Redis reconnected: persistent sessions checked', { restored });
  }

  /** Stops accepting, closes devices (their wills still go out), drains the producer, then closes. */
  async stop(): Promise<void> {
    this.log.info('edge stopping');
    this.health?.notReady();
    this.reaper?.stop();
    if (this.routeKeeper) clearInterval(this.routeKeeper);
    await withTimeout(this.registry.stop(), 2000, 'registry stop').catch(() => undefined);
    const closed = Promise.all(this.listeners.splice(0).map((l) => l.close()));
    const broker = this.broker;
    if (broker) await new Promise<void>((r) => broker.close(() => r()));
    await closed;
    await this.producer.stop();
    await withTimeout(this.routeTable.clear(this.config.edge.id), 2000, 'route clear').catch(() => undefined);
    await Promise.all([this.consumer?.stop(), this.sessionConsumer?.stop()]);
    this.local?.stop();
    await withTimeout(this.receipts?.stop() ?? Promise.resolve(), 2000, 'receipts flush').catch(() => undefined);
    await withTimeout(this.redis.quit(), 2000, 'Redis quit').catch(() => this.redis.disconnect());
    await this.health?.stop();
    this.log.info('edge stopped');
  }
}
