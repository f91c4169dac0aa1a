import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { BatchingProducer } from '../bus/batching-producer.js';
import { PushService } from '../push/push-service.js';
import { encodeControl, type ControlMessage } from '../bus/control.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createApp } from './app.js';
import { Readiness } from '../health/readiness.js';
import { ExpirySweeper } from '../push/expiry-sweeper.js';
import { PushScheduler } from '../push/push-scheduler.js';
import { ApiKeyGate } from './api-key-gate.js';
import { WebhookDispatcher } from '../push/webhook-dispatcher.js';
import { ClusterView } from './cluster-view.js';
import { EdgeAssigner } from '../cluster/edge-assignment.js';
import { Rebalancer } from '../cluster/rebalancer.js';
import { counterFrom } from '../metrics/metrics.js';
import type { ClusterPorts } from '../composition/cluster-ports.js';
import { publishPath } from '../composition/publish-path.js';

/** Edges within 2 % of the least-loaded one's utilisation share its devices (weighted by free room). */
const ASSIGN_BAND = 0.02;
/** How long assignment works from one read of the load reports. */
const ASSIGN_REFRESH_MS = 250;

/** The REST API process: express in front of the same publish path the edges use. */
export class ApiServer {
  private readonly producer: BatchingProducer;
  private server: Server | null = null;
  private scheduler: PushScheduler | null = null;
  private sweeper: ExpirySweeper | null = null;
  private webhook: WebhookDispatcher | null = null;
  private rebalancer: Rebalancer | null = null;
  private readonly readiness: Readiness;
  /** The HTTP port, once listening (0 before). */
  port = 0;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly ports: ClusterPorts,
    private readonly metrics: Registry,
  ) {
    this.producer = ports.bus.producer(`api-${process.pid}`);
    this.readiness = new Readiness({
      redis: () => ports.state.ping(),
      rocketmq: () => this.producer.ping(),
    });
  }

  async start(): Promise<void> {
    const { stores, state } = this.ports;
    await state.start();
    await this.producer.start();
    const { publisher, routes, sessions } = publishPath(stores, this.producer, 'api', this.config, this.log);
    await routes.start();
    await sessions.start();
    const devices = stores.devices;
    const limiter = stores.rateLimiter;
    if (this.config.api.keys.length === 0) this.log.warn('API_KEYS is empty: only keys made over the API (none until one is made with a key of API_KEYS) are accepted');
    const status = stores.pushStatus;
    const pushes = new PushService({
      publisher, devices, status, defaultTtlMs: this.config.messageTtlMs, maxDelayMs: this.config.push.maxDelayMs,
      maxPayloadBytes: this.config.edge.maxPayloadBytes,
      schedule: (body, deliverAt, pushId) => this.producer.sendDelayed(body, deliverAt, pushId),
    });
    this.scheduler = new PushScheduler({ feed: this.ports.bus.delayFeed(), pushes, log: this.log });
    await this.scheduler.start();
    this.sweeper = new ExpirySweeper(status, this.log);
    this.sweeper.start();
    if (this.config.webhook) {
      this.webhook = new WebhookDispatcher(stores.pushEvents, this.config.webhook, this.log);
      await this.webhook.start();
      this.log.info('webhook enabled', { url: this.config.webhook.url });
    }
    const webhookStats = () => this.webhook?.stats ?? { webhookCalls: 0, webhookEvents: 0, webhookFailures: 0, webhookDropped: 0 };
    counterFrom(this.metrics, 'rocketpush_webhook_calls_total', 'Webhook calls by outcome (a failed call is retried with backoff)', ['outcome'],
      () => [[{ outcome: 'ok' }, webhookStats().webhookCalls], [{ outcome: 'failed' }, webhookStats().webhookFailures]]);
    counterFrom(this.metrics, 'rocketpush_webhook_events_total', 'Push events sent to the webhook, by outcome', ['outcome'],
      () => [[{ outcome: 'delivered' }, webhookStats().webhookEvents], [{ outcome: 'dropped' }, webhookStats().webhookDropped]]);
    const cluster = new ClusterView(stores, this.config.edge.leaseMs, this.log);
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
      idempotency: stores.idempotency,
      gate: new ApiKeyGate({
        configured: this.config.api.keys, store: stores.apiKeys, limiter, defaultRate: this.config.api.ratePerSecond,
        cacheMs: this.config.api.keyCacheMs, log: this.log,
      }),
      apiKeys: stores.apiKeys,
      configuredKeys: this.config.api.keys,
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
    this.port = typeof address === 'object' && address ? address.port : this.config.api.port;
    this.log.info('api ready', { port: this.port });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((r) => { server.close(() => r()); server.closeIdleConnections(); });
    }
    await Promise.all([this.rebalancer?.stop(), this.scheduler?.stop(), this.sweeper?.stop(), this.webhook?.stop()]);
    await this.producer.stop();
    await this.ports.state.stop();
    this.log.info('api stopped');
  }
}
