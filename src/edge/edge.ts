import { Aedes } from 'aedes';
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import { DeliveryConsumer } from '../bus/delivery-consumer.js';
import { EdgeHeartbeat } from '../cluster/edge-registry.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { RouteWriter } from './route-writer.js';
import { BusEmitter } from './bus-emitter.js';
import { durablePublishHook, type DurablePublishStats, type IncomingStore } from './hooks/authorize-publish.js';
import { preConnectHook } from './hooks/pre-connect.js';
import { authenticateHook } from './hooks/authenticate.js';
import { authorizeSubscribeHook } from './hooks/authorize-subscribe.js';
import { authorizeForwardHook } from './hooks/authorize-forward.js';
import { EmptyClientIdCheck } from './hooks/empty-client-id.js';
import { openListeners, type Listener } from './listeners.js';
import { LocalDelivery, type RetainedPersistence } from './local-delivery.js';
import { watchClients } from './client-events.js';
import { EdgeReaper } from './edge-reaper.js';
import { ADMIT_TIMEOUT_MS, SessionGuard } from './session-guard.js';
import { TakeoverNotices } from './takeover-notices.js';
import type { SessionStore } from '../cluster/session-store.js';
import { SessionConsumer } from '../bus/session-consumer.js';
import { SessionOutbox } from './session-outbox.js';
import { DeviceAuth } from './device-auth.js';
import { clusterPersistence } from './cluster-persistence.js';
import { PushReceipts } from './push-receipts.js';
import { PushTracker } from './push-tracker.js';
import { OutboundGate } from './outbound-gate.js';
import { advertisedAddresses } from './advertised-addresses.js';
import { clientSubscriptions, closeWithoutWill, connectedClient, connectedClientList } from './aedes-adapter.js';
import { ConnectionDrainer } from './connection-drainer.js';
import { HealthServer } from './health-server.js';
import { Readiness } from '../health/readiness.js';
import { ConnectionCensus } from './connection-census.js';
import { registerEdgeMetrics, type EdgeMetricSources } from './edge-metrics.js';
import { deliveryTransitMetrics } from '../metrics/metrics.js';
import { Admission } from './admission.js';
import { LoadReporter } from './load-reporter.js';
import { ControlHandler } from './control-handler.js';
import { withTimeout } from '../timing.js';
import type { ClusterPorts } from '../composition/cluster-ports.js';
import { publishPath } from '../composition/publish-path.js';

/** Deliveries the local matcher runs at once (aedes' own default); more wait their turn. */
const LOCAL_EMIT_CONCURRENCY = 100;

/** How long a session batch the edge cannot deliver now waits before it is read again. */
const SESSION_RETRY_LATER_MS = 1000;

// aedes-persistence is CommonJS and its typings describe an ES default export that does not exist.
const memoryPersistence = createRequire(import.meta.url)('aedes-persistence') as () => object;

/** The process' memory in MiB, for the heartbeat: where a flood's memory went shows here first. */
function memoryMiB(): Record<string, number> {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 1024 / 1024);
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers) };
}

/** A started part of the edge and how it is stopped. */
interface Started {
  name: string;
  stop: () => Promise<unknown> | void;
  /** Longest wait for its stop before the next part is stopped anyway. */
  stopWithinMs: number;
}

/**
 * One MQTT edge: aedes on TCP, TLS and WebSocket, a batching RocketMQ producer for what devices
 * publish, its own consumer group for what it delivers, and the persistent sessions' queues.
 * Stateless: what must outlive it is in RocketMQ or Redis.
 *
 * The composition root: start() builds the parts and starts them in the order they are listed
 * (each one's dependencies before it), stop() stops them in reverse: first nothing new comes in
 * (listeners), then what is in flight drains (PUBACKs through the producer), then the connections.
 */
/** What the edge asks of its process. */
export interface EdgeHooks {
  /** An operator asked this edge to drain (POST /v1/edges/{id}/drain): end the process as SIGTERM does. */
  drainRequested(): void;
}

export class Edge {
  private readonly started: Started[] = [];
  private health: HealthServer | null = null;
  /** Set once the edge takes devices: stop() drains them first. */
  private drainer: (() => Promise<void>) | null = null;
  private drained: Promise<void> | null = null;

  /** Counters for the heartbeat, filled in once started. */
  private statsSource: () => Record<string, number> = () => ({});
  /** The MQTT TCP port, once listening (0 before). */
  mqttPort = 0;

  /**
   * `ports` are the shared state and the bus (Redis and RocketMQ in a process, memory in the unit
   * tests); `metrics` is the process' registry, also served on the health port.
   */
  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly ports: ClusterPorts,
    private readonly metrics: Registry,
    private readonly hooks: EdgeHooks = { drainRequested: () => undefined },
  ) {}

  /** The edge's counters as its heartbeat reports them. */
  stats(): Record<string, number> {
    return this.statsSource();
  }

  /** Starts a part and lists it for stop(). */
  private async part(name: string, start: () => Promise<unknown> | void, stop: () => Promise<unknown> | void = () => undefined, stopWithinMs = 10_000): Promise<void> {
    await start();
    this.started.push({ name, stop, stopWithinMs });
  }

  async start(): Promise<void> {
    const { config, log, metrics } = this;
    const { edge } = config;
    const { state, stores, bus } = this.ports;
    const routeTable = stores.routes;
    const retainedStore = stores.retained;
    const edgeRecords = stores.edges;
    const registry = new EdgeHeartbeat(edgeRecords, log);
    const producer = bus.producer(edge.id);
    const sessionStore = stores.sessions;
    const { publisher, routes, sessions: sessionResolver } = publishPath(stores, producer, edge.id, config, log);
    // The outbox reads queues through the consumer, and the consumer hands batches to the outbox.
    let outbox: SessionOutbox | null = null;
    const sessionConsumer = new SessionConsumer({
      feed: bus.sessionFeed(SESSION_RETRY_LATER_MS), log,
      handle: (liteTopic, batch, place) => outbox ? outbox.handle(liteTopic, batch, place) : Promise.resolve('later'),
    });
    const pushStatus = stores.pushStatus;
    const receipts = new PushReceipts(pushStatus, log);
    const tracker = new PushTracker((pushId, deviceId, state) => receipts.add(pushId, deviceId, state));
    const sessionOutbox = new SessionOutbox(sessionStore, sessionConsumer, log, {
      deliverable: (list) => pushStatus.deliverable(list),
      receipt: (pushId, deviceId, state) => receipts.add(pushId, deviceId, state),
    });
    outbox = sessionOutbox;
    const deviceAuth = edge.auth === 'devices'
      ? new DeviceAuth({ registry: stores.devices, cacheMs: edge.authCacheMs, publishTopics: edge.publishTopics, log })
      : null;
    if (!deviceAuth) log.warn('MQTT_AUTH=open: any client may connect and use any topic');
    const persistence = clusterPersistence(memoryPersistence(), sessionStore, sessionOutbox, log,
      (client, filter) => !deviceAuth || deviceAuth.allows(client, filter),
      (client, messageId) => tracker.acknowledged(client, messageId));
    const sessions = stores.sessionRegistry;
    const wills = stores.wills;
    const notices = new TakeoverNotices({
      edgeId: edge.id, sendControl: (body, giveUpAfterMs) => producer.sendControl(body, giveUpAfterMs), giveUpAfterMs: ADMIT_TIMEOUT_MS, lingerMs: 50,
    });
    const guard = new SessionGuard({
      edgeId: edge.id, registry: sessions, wills, log,
      notifyTakeover: (clientId, epoch, waitedFor) => notices.notify(clientId, epoch, waitedFor),
      willAllowed: (client, topic) => !deviceAuth || deviceAuth.mayPublish(client, topic),
      admitted: (client) => client.clean ? Promise.resolve() : sessionOutbox.attach(client),
    });
    const routeWriter = new RouteWriter(routeTable, edge.id);
    const emitter = new BusEmitter(LOCAL_EMIT_CONCURRENCY, routeWriter, (err) => log.error('route table update failed', { error: String(err) }), 10_000,
    (err, topic) => log.error('a local subscriber failed to take a packet', { topic, error: String(err) }));
    const emptyIds = new EmptyClientIdCheck();
    const startedAt = Date.now();
    // Filled in once aedes exists: the admission check only runs for CONNECTs, after that.
    let connectedClients = () => 0;
    const admission = new Admission(edge.capacity, () => connectedClients());
    const publishStats: DurablePublishStats = { reservedTopicPublishes: 0 };
    const gate = new OutboundGate(edge.outbound, log);
    const broker = new Aedes({
      id: edge.id,
      mq: emitter,
      persistence,
      preConnect: preConnectHook({ gate, emptyIds }),
      authenticate: authenticateHook({ admission, emptyIds, deviceAuth, guard }),
      authorizeSubscribe: authorizeSubscribeHook(deviceAuth),
      authorizeForward: authorizeForwardHook({ outbox: sessionOutbox, tracker, gate }),
      authorizePublish: durablePublishHook({
        publisher,
        incoming: () => persistence as unknown as IncomingStore,
        maxPayloadBytes: edge.maxPayloadBytes,
        mayPublish: (client, topic) => !deviceAuth || deviceAuth.mayPublish(client, topic),
        log,
      }, publishStats),
    });
    connectedClients = () => broker.connectedClients;
    const drainer = new ConnectionDrainer({
      ratePerSecond: edge.drain.ratePerSecond, log,
      clients: () => connectedClientList(broker),
      closeQuietly: closeWithoutWill,
      settle: () => until(() => producer.stats.queued === 0, 1000),
    });
    const control = new ControlHandler({
      edgeId: edge.id, startedAt, log,
      forgetCredentials: (clientId) => deviceAuth?.forget(clientId),
      drain: () => this.hooks.drainRequested(),
      shed: (count, requestedAt) => drainer.shed(count, requestedAt),
      sessions: (message) => guard.control(message),
    });
    const local = new LocalDelivery(broker, persistence as unknown as RetainedPersistence, log, (counter, pushId) => tracker.label(counter, pushId), () => emitter.room());
    const consumer = new DeliveryConsumer({
      feed: bus.deliveryFeed(edge.id),
      edgeId: edge.id,
      log,
      deliver: (messages) => local.deliver(messages),
      control: (message) => control.handle(message),
      reorderHoldMs: this.config.consumer.reorderHoldMs,
      observer: deliveryTransitMetrics(metrics),
    });
    const reaper = new EdgeReaper({
      selfId: edge.id, leaseMs: edge.leaseMs, edges: edgeRecords,
      sessions, wills, publisher, routes: routeTable, log,
    });
    let listeners: Listener[] = [];
    // Up first: /healthz answers while the edge starts, /readyz says "starting" until it is ready.
    const census = new ConnectionCensus();
    let reportedState: ReturnType<EdgeMetricSources['state']> = 'starting';
    registerEdgeMetrics(metrics, {
      census,
      outbound: () => gate.stats,
      delivery: () => consumer.stats,
      expired: () => local.stats.expired,
      publish: () => publisher.stats,
      auth: () => deviceAuth?.stats,
      receipts: () => receipts.stats,
      publishQueued: () => producer.stats.queued,
      localBacklog: () => emitter.backlog(),
      admission: () => admission.stats,
      moved: () => drainer.stats,
      sessions: () => sessionOutbox.stats,
      capacity: edge.capacity,
      state: () => reportedState,
    });
    const readiness = new Readiness({
      listeners: () => { if (listeners.length === 0) throw new Error('MQTT listeners are not open'); },
      redis: () => state.ping(),
      rocketmq: () => producer.ping(),
      consumer: () => { if (!consumer.running) throw new Error('delivery consumer is not running'); },
    });
    const health = new HealthServer({ host: edge.host, port: edge.httpPort, edgeId: edge.id, metrics, drain: () => this.drain(),
      client: (id) => {
        const c = connectedClient(broker, id);
        if (!c) return null;
        const subscriptions = Object.entries(clientSubscriptions(c)).map(([topic, sub]) => ({ topic, qos: sub.qos }));
        return { clientId: id, clean: c.clean, subscriptions };
      },
    }, readiness, log);
    this.health = health;
    let httpPort = 0;
    let retainedCount = 0;

    await this.part('health port', async () => { httpPort = await health.start(); }, () => health.stop());
    await this.part('redis', () => state.start(), () => state.stop(), 3000);
    // Stopped after aedes: wills and in-flight publishes still go out through it.
    await this.part('producer', () => producer.start(), () => producer.stop());
    // Routes of an earlier life of this edge id are stale: its devices are gone.
    await this.part('routes', async () => { await routeTable.clear(edge.id); await routes.start(); },
      () => withTimeout(routeTable.clear(edge.id), 2000, 'route clear'), 3000);
    await this.part('session index', () => sessionResolver.start());
    await this.part('push receipts', () => receipts.start(), () => withTimeout(receipts.stop(), 2000, 'receipts flush'), 3000);
    await this.part('session queues', async () => { await sessionConsumer.start(); sessionOutbox.start(); },
      async () => { sessionOutbox.stop(); await sessionConsumer.stop(); });
    await this.part('aedes', () => broker.listen(), () => {
      // A device whose CONNECT was still being admitted when the drain listed the connections is
      // connected now; it goes quietly too (aedes' close would publish its will: test 156 saw two).
      for (const client of connectedClientList(broker)) closeWithoutWill(client);
      return new Promise<void>((r) => broker.close(() => r()));
    });
    watchClients(broker, log);
    broker.on('client', (client) => census.connected(client));
    broker.on('clientDisconnect', (client) => census.disconnected(client));
    broker.on('publish', (packet, client) => { if (client) census.published(packet.qos); });
    broker.on('connackSent', (_connack, client) => sessionOutbox.connackSent(client));
    broker.on('ack', (_packet, client) => gate.acknowledged(client));
    broker.on('clientDisconnect', (client) => {
      guard.disconnected(client);
      sessionOutbox.detach(client);
    });
    // Follow the bus first, then load the snapshot: the clock in LocalDelivery keeps the newer one.
    await this.part('delivery consumer', async () => {
      await consumer.start();
      await consumer.ready({
        delivery: (tag, id) => producer.sendProbe(tag, id),
        control: (body) => producer.sendControl(body),
      });
    }, () => consumer.stop());
    await this.part('retained messages', async () => {
      const retained = await retainedStore.all();
      for (const m of retained) await local.applyRetained(m);
      retainedCount = retained.length;
    }, () => local.stop());
    await this.part('reaper', () => reaper.reapPreviousLife(), () => reaper.stop());
    await this.part('listeners', async () => { listeners = await openListeners(broker, edge, log); },
      () => Promise.all(listeners.splice(0).map((l) => l.close())));
    const port = listeners[0]!.port;
    this.mqttPort = port;
    await this.part('registry', async () => {
      this.statsSource = () => ({ ...consumer.stats, ...local.stats, ...sessionConsumer.stats, ...sessionOutbox.stats, ...publisher.stats, ...deviceAuth?.stats, ...receipts.stats, ...publishStats, ...gate.stats, ...admission.stats, ...drainer.stats, ...notices.stats, connectedClients: broker.connectedClients, publishQueued: producer.stats.queued, localBacklog: emitter.backlog(), localListenerErrors: emitter.listenerErrors });
      await registry.start({ id: edge.id, port, httpUrl: `http://${edge.internalHost}:${httpPort}`, pid: process.pid, startedAt: Date.now() }, edge.heartbeatMs,
        () => ({ ...this.stats(), ...memoryMiB() }));
      reaper.start(edge.heartbeatMs);
    }, () => withTimeout(registry.stop(), 2000, 'registry stop'), 3000);
    const loadReporter = new LoadReporter({
      edgeId: edge.id, capacity: edge.capacity, everyMs: edge.loadReportMs, log,
      onState: (st) => { reportedState = st; },
      addresses: advertisedAddresses(listeners, { host: edge.publicHost, ports: edge.publicPorts }),
      store: stores.edgeLoads,
      ready: () => readiness.check(),
      source: {
        connections: () => broker.connectedClients,
        shed: () => drainer.lastShed(),
        messages: () => {
          const r = census.publishesReceived;
          const g = gate.stats;
          return r[0]! + r[1]! + r[2]! + g.deliveredQos0 + g.deliveredQos1 + g.deliveredQos2;
        },
      },
    });
    await this.part('load reports', () => loadReporter.start(), () => withTimeout(loadReporter.stop(), 2000, 'load report removal'), 3000);
    // The route set is rebuilt from this edge's own subscriptions if Redis lost or garbled it.
    let routeKeeper: NodeJS.Timeout | null = null;
    await this.part('route keeper', () => {
      routeKeeper = setInterval(() => {
        routeWriter.reconcile(() => emitter.filters()).then((diff) => {
          if (diff) {
            log.warn('route set in Redis differed from local subscriptions; rewritten', {
              missing: diff.missing.slice(0, 10).join(' '), missingCount: diff.missing.length,
              extra: diff.extra.slice(0, 10).join(' '), extraCount: diff.extra.length,
            });
          }
        }, (err: unknown) => log.warn('route check failed', { error: String(err) }));
      }, edge.heartbeatMs);
      routeKeeper.unref();
    }, () => { if (routeKeeper) clearInterval(routeKeeper); });
    // After Redis came back (it may have lost its last writes), the sessions connected here are
    // written back; their route sets are rewritten by the route keeper above.
    state.onReconnect(() => void restoreSessions(sessionStore, sessionOutbox, log));
    this.drainer = async () => {
      const started = Date.now();
      const connections = broker.connectedClients;
      log.info('draining: no new connections, closing the open ones', { connections, ratePerSecond: edge.drain.ratePerSecond });
      admission.drain();
      health.notReady();
      await loadReporter.draining();
      for (const l of listeners) l.stopAccepting();
      const closed = await drainer.closeAll(started + edge.drain.timeoutMs);
      log.info('drained', { closed, ms: Date.now() - started });
    };
    health.ready();
    log.info('edge ready', { httpPort, listeners: listeners.map((l) => `${l.kind}:${l.port}`).join(','), port, retained: retainedCount });
  }

  /**
   * Drains: turns not-ready (assignment skips it from its next read), takes no new connection, and
   * closes the open ones paced (EDGE_DRAIN_RATE), without their wills; their publishes in flight are
   * answered first. Persistent sessions resume on other edges from their queues in RocketMQ.
   */
  drain(): Promise<void> {
    const drainer = this.drainer;
    this.drained ??= drainer
      ? drainer().catch((err: unknown) => { this.log.warn('drain failed', { error: String(err) }); })
      : Promise.resolve();
    return this.drained;
  }

  /**
   * Drains, then stops the started parts in reverse order (in-flight PUBACKs through the producer,
   * session acknowledgements, then the consumer group is left); one that fails or hangs does not
   * keep the rest running.
   */
  async stop(): Promise<void> {
    await this.drain();
    this.log.info('edge stopping');
    this.health?.notReady();
    for (let part = this.started.pop(); part; part = this.started.pop()) {
      const { name, stop, stopWithinMs } = part;
      await withTimeout(Promise.resolve(stop()), stopWithinMs, `stopping ${name}`)
        .catch((err: unknown) => this.log.warn('part did not stop cleanly', { part: name, error: String(err) }));
    }
    this.log.info('edge stopped');
  }
}

/** Resolves once `done()` holds, or after `ms` anyway. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

async function restoreSessions(store: SessionStore, outbox: SessionOutbox, log: Logger): Promise<void> {
  let restored = 0;
  for (const { client, generation } of outbox.connected()) {
    const subs = Object.entries(clientSubscriptions(client)).map(([topic, s]) => ({ topic, qos: s.qos }));
    try {
      if (await store.restore(client.id, generation, subs)) restored++;
    } catch (err) {
      log.warn('persistent session restore failed', { clientId: client.id, error: String(err) });
    }
  }
  log.info('Redis reconnected: persistent sessions checked', { restored });
}
