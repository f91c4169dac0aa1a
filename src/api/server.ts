import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import { createRedis } from '../cluster/redis-connection.js';
import { BatchingProducer } from '../bus/batching-producer.js';
import { PublishService } from '../bus/publish-service.js';
import { RedisKeys } from '../cluster/keys.js';
import { RedisRetainedStore } from '../cluster/retained-store.js';
import { RedisRouteTable } from '../cluster/route-table.js';
import { RouteResolver } from '../bus/route-resolver.js';
import { SessionResolver } from '../bus/session-resolver.js';
import { RedisSessionStore } from '../cluster/session-store.js';
import { RedisDeviceRegistry } from '../cluster/device-registry.js';
import { RedisIdempotencyStore } from '../cluster/idempotency-store.js';
import { RedisRateLimiter } from '../cluster/rate-limiter.js';
import { PushService } from '../push/push-service.js';
import { encodeControl, type ControlMessage } from '../bus/control.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createApp } from './app.js';
import { Readiness } from '../health/readiness.js';
import { RedisPushStatusStore } from '../cluster/push-status-store.js';
import { PushScheduler } from '../push/push-scheduler.js';
import { ExpirySweeper } from '../push/expiry-sweeper.js';
import { WebhookDispatcher } from '../push/webhook-dispatcher.js';
import { ClusterView } from './cluster-view.js';
import { EdgeAssigner } from '../cluster/edge-assignment.js';
import { Rebalancer } from '../cluster/rebalancer.js';

/** Edges within 2 % of the least-loaded one's utilisation share its devices (weighted by free room). */
const ASSIGN_BAND = 0.02;
/** How long assignment works from one read of the load reports. */
const ASSIGN_REFRESH_MS = 250;
import type { Registry } from 'prom-client';
import { counterFrom, processRegistry, rocketmqSendMetrics, timeRedisCommands } from '../metrics/metrics.js';

/** The REST API process: express in front of the same publish path the edges use. */
export class ApiServer {
  private readonly redis: Redis;
  private readonly producer: BatchingProducer;
  private server: Server | null = null;
  private scheduler: PushScheduler | null = null;
  private sweeper: ExpirySweeper | null = null;
  private webhook: WebhookDispatcher | null = null;
  private rebalancer: Rebalancer | null = null;
  private readonly metrics: Registry = processRegistry({ service: 'api', instance_pid: String(process.pid) });
  private readonly readiness = new Readiness({
    redis: async () => { const pong = await this.redis.ping(); if (pong !== 'PONG') throw new Error(`answered ${pong}`); },
    rocketmq: () => this.producer.ping(),
  });

  constructor(private readonly config: Config, private readonly log: Logger) {
    // Commands wait while Redis is away instead of failing: a publish is then acknowledged late, never
    // half done (its session queues need Redis), and a CONNECT gets CONNACK 3 after its own timeout.
    this.redis = createRedis(config.redis, { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true });
    this.redis.on('error', (err) => log.warn('redis error', { error: String(err) }));
    timeRedisCommands(this.redis, this.metrics);
    this.producer = new BatchingProducer({ ...config.rocketmq, ...config.batch, producerId: `api-${process.pid}`, log, observer: rocketmqSendMetrics(this.metrics) });
  }


  async start(): Promise<void> {
    await this.redis.connect();
    await this.producer.start();
    const keys = new RedisKeys(this.config.keyPrefix);
    const routes = new RouteResolver(new RedisRouteTable(this.redis, keys), this.config.routeBroadcastThreshold);
    await routes.start();
    const sessionStore = new RedisSessionStore(this.redis, keys);
    const sessions = new SessionResolver(sessionStore);
    await sessions.start();
    const publisher = new PublishService({
      producer: this.producer, retained: new RedisRetainedStore(this.redis, keys, this.log), origin: 'api',
      defaultTtlMs: this.config.messageTtlMs, routes, sessions, sessionStore,
      sessionPendingCap: this.config.sessionPendingCap, log: this.log,
    });
    const devices = new RedisDeviceRegistry(this.redis, keys);
    const limiter = new RedisRateLimiter(this.redis, keys);
    if (this.config.api.keys.length === 0) this.log.warn('API_KEYS is empty: every /v1 call will be refused with 401');
    const status = new RedisPushStatusStore(this.redis, keys, this.config.push.statusRetentionMs);
    const pushes = new PushService({
      publisher, devices, status, defaultTtlMs: this.config.messageTtlMs, maxDelayMs: this.config.push.maxDelayMs,
      schedule: (body, deliverAt, pushId) => this.producer.sendDelayed(body, deliverAt, pushId),
    });
    this.scheduler = new PushScheduler({ ...this.config.rocketmq, pushes, log: this.log });
    await this.scheduler.start();
    this.sweeper = new ExpirySweeper(status, this.log);
    this.sweeper.start();
    if (this.config.webhook) {
      this.webhook = new WebhookDispatcher(this.redis, keys, this.config.webhook, this.log);
      await this.webhook.start();
      this.log.info('webhook enabled', { url: this.config.webhook.url });
    }
    const webhookStats = () => this.webhook?.stats ?? { webhookCalls: 0, webhookEvents: 0, webhookFailures: 0, webhookDropped: 0 };
    counterFrom(this.metrics, 'rocketpush_webhook_calls_total', 'Webhook calls by outcome (a failed call is retried with backoff)', ['outcome'],
      () => [[{ outcome: 'ok' }, webhookStats().webhookCalls], [{ outcome: 'failed' }, webhookStats().webhookFailures]]);
    counterFrom(this.metrics, 'rocketpush_webhook_events_total', 'Push events sent to the webhook, by outcome', ['outcome'],
      () => [[{ outcome: 'delivered' }, webhookStats().webhookEvents], [{ outcome: 'dropped' }, webhookStats().webhookDropped]]);
    const cluster = new ClusterView(this.redis, keys, this.config.edge.leaseMs, this.log);
    const control = (message: ControlMessage) => this.producer.sendControl(encodeControl(message), 10_000);
    this.rebalancer = new Rebalancer({
      loads: () => cluster.loads.list(),
      shed: (shed, requestedAt) => control({ kind: 'shed', edgeId: shed.edgeId, count: shed.count, requestedAt }),
      policy: this.config.rebalance,
      log: this.log,
    });
    const app = createApp({
      publisher,
      devices,
      pushes,
      status,
      idempotency: new RedisIdempotencyStore(this.redis, keys),
      gate: {
        keys: this.config.api.keys,
        limit: (key) => limiter.take(key.name, key.ratePerSecond ?? this.config.api.ratePerSecond),
      },
      revoke: (deviceId) => this.producer.sendControl(encodeControl({ kind: 'revoke', clientId: deviceId }), 10_000),
      control,
      rebalancer: this.rebalancer,
      cluster,
      assigner: new EdgeAssigner({
        loads: () => cluster.loads.list(),
        locate: (deviceId) => cluster.locate(deviceId),
        policy: { ...this.config.assign, band: ASSIGN_BAND },
        refreshMs: ASSIGN_REFRESH_MS,
      }),
      checkReady: () => this.readiness.check(),
      maxBodyBytes: this.config.api.maxBodyBytes,
      maxPayloadBytes: this.config.edge.maxPayloadBytes,
      log: this.log,
      metrics: this.metrics,
    });
    const server = app.listen(this.config.api.port, this.config.api.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.server = server;
    const address = server.address();
    this.log.info('api ready', { port: typeof address === 'object' && address ? address.port : this.config.api.port });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((r) => { server.close(() => r()); server.closeIdleConnections(); });
    }
    await Promise.all([this.rebalancer?.stop(), this.scheduler?.stop(), this.sweeper?.stop(), this.webhook?.stop()]);
    await this.producer.stop();
    await this.redis.quit().catch(() => undefined);
    this.log.info('api stopped');
  }
}
