import type { ApiKeyStore } from '../cluster/api-key-store.js';
import type { AutoscalerStore } from '../autoscaler/autoscaler-store.js';
import type { BatchingProducer } from '../bus/batching-producer.js';
import type { DelayFeed, DeliveryFeed, SessionFeed } from '../bus/feeds.js';
import type { DeviceRegistry } from '../cluster/device-registry.js';
import type { EdgeLoadStore } from '../cluster/edge-load.js';
import type { EdgeRegistry } from '../cluster/edge-registry.js';
import type { IdempotencyStore } from '../cluster/idempotency-store.js';
import type { PushEventStream } from '../cluster/push-event-stream.js';
import type { PushStatusStore } from '../cluster/push-status-store.js';
import type { RateLimiter } from '../cluster/rate-limiter.js';
import type { RetainedStore } from '../cluster/retained-store.js';
import type { RouteTable } from '../cluster/route-table.js';
import type { SessionRegistry } from '../cluster/session-registry.js';
import type { SessionStore } from '../cluster/session-store.js';
import type { WillStore } from '../cluster/will-store.js';

/**
 * What a process of the cluster stands on, as ports: the shared state's connection and stores, and
 * the bus. redis-rocketmq-ports.ts builds them on Redis and RocketMQ (the processes),
 * memory-cluster.ts in this process (the unit tests). The edge and the API take these and never
 * name Redis or RocketMQ themselves.
 */

/** The connection under the stores: connected by the first part started, closed by the last. */
export interface StateConnection {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the state answers now (readiness). */
  ping(): Promise<void>;
  /**
   * Called at every reconnect after the first connect: the state may have lost its last writes
   * (a Redis restart without them), so what this process holds is written back.
   */
  onReconnect(listener: () => void): void;
}

/** Every store of the shared state. */
export interface ClusterStores {
  routes: RouteTable;
  retained: RetainedStore;
  edges: EdgeRegistry;
  edgeLoads: EdgeLoadStore;
  sessions: SessionStore;
  sessionRegistry: SessionRegistry;
  wills: WillStore;
  devices: DeviceRegistry;
  pushStatus: PushStatusStore;
  /** What pushStatus records as events, for the webhook. */
  pushEvents: PushEventStream;
  idempotency: IdempotencyStore;
  rateLimiter: RateLimiter;
  /** API keys made over the API (API_KEYS' are in the configuration). */
  apiKeys: ApiKeyStore;
  autoscaler: AutoscalerStore;
}

/** The bus: a producer per process, the reading sides per edge. */
export interface ClusterBus {
  /** A batching producer whose lanes are named after `producerId` (the edge id, or `api-<pid>`). */
  producer(producerId: string): BatchingProducer;
  /** The delivery and control topics as the edge `edgeId` reads them. */
  deliveryFeed(edgeId: string): DeliveryFeed;
  /** The persistent sessions' queues; a batch answered 'later' is read again after `retryLaterMs`. */
  sessionFeed(retryLaterMs: number): SessionFeed;
  /** The delay topic as the API processes' scheduler group reads it. */
  delayFeed(): DelayFeed;
}

export interface ClusterPorts {
  state: StateConnection;
  stores: ClusterStores;
  bus: ClusterBus;
}
