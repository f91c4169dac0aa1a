import { MemoryAutoscalerStore } from '../autoscaler/memory-autoscaler-store.js';
import { BatchingProducer } from '../bus/batching-producer.js';
import { MemoryRocketMQ } from '../bus/memory/memory-rocketmq.js';
import { MemoryDeviceRegistry } from '../cluster/memory/memory-device-registry.js';
import { MemoryEdgeLoadStore } from '../cluster/memory/memory-edge-load-store.js';
import { MemoryEdgeRegistry } from '../cluster/memory/memory-edge-registry.js';
import { MemoryApiKeyStore } from '../cluster/memory/memory-api-key-store.js';
import { MemoryIdempotencyStore } from '../cluster/memory/memory-idempotency-store.js';
import { MemoryPushEventStream } from '../cluster/memory/memory-push-event-stream.js';
import { MemoryPushStatusStore } from '../cluster/memory/memory-push-status-store.js';
import { MemoryRateLimiter } from '../cluster/memory/memory-rate-limiter.js';
import { MemoryRetainedStore } from '../cluster/memory/memory-retained-store.js';
import { MemoryRouteTable } from '../cluster/memory/memory-route-table.js';
import { MemorySessionRegistry } from '../cluster/memory/memory-session-registry.js';
import { MemorySessionStore } from '../cluster/memory/memory-session-store.js';
import { MemoryWillStore } from '../cluster/memory/memory-will-store.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ClusterPorts, ClusterStores } from './cluster-ports.js';

/**
 * A whole cluster's shared state and bus in this process: edges and API processes built on one
 * MemoryCluster's ports see each other as they would through Redis and RocketMQ. For tests (no
 * JVM, no Redis) and for trying the edge alone; nothing of it survives the process.
 */
export class MemoryCluster {
  readonly bus: MemoryRocketMQ;
  readonly stores: ClusterStores;

  /** `bus.swapWithinMs`: see MemoryRocketMQ (tests of the order a reader restores). */
  constructor(private readonly config: Config, private readonly log: Logger, bus: { swapWithinMs?: number } = {}) {
    // RocketMQ's own limit on delays, as the API is told it (ROCKETMQ_MAX_DELAY_S).
    this.bus = new MemoryRocketMQ({ maxDelayMs: config.push.maxDelayMs, ...bus });
    const edgeLoads = new MemoryEdgeLoadStore();
    const pushStatus = new MemoryPushStatusStore(config.push.statusRetentionMs);
    this.stores = {
      routes: new MemoryRouteTable(),
      retained: new MemoryRetainedStore(),
      edges: new MemoryEdgeRegistry(edgeLoads),
      edgeLoads,
      sessions: new MemorySessionStore(),
      sessionRegistry: new MemorySessionRegistry(),
      wills: new MemoryWillStore(),
      devices: new MemoryDeviceRegistry(),
      pushStatus,
      pushEvents: new MemoryPushEventStream(pushStatus.events),
      idempotency: new MemoryIdempotencyStore(),
      rateLimiter: new MemoryRateLimiter(),
      apiKeys: new MemoryApiKeyStore(),
      autoscaler: new MemoryAutoscalerStore(),
    };
  }

  /** The ports one process of the cluster is built on (every call shares the same state and bus). */
  ports(): ClusterPorts {
    const { config, log, bus } = this;
    return {
      state: { start: () => Promise.resolve(), stop: () => Promise.resolve(), ping: () => Promise.resolve(), onReconnect: () => undefined },
      stores: this.stores,
      bus: {
        producer: (producerId) => new BatchingProducer({ ...config.rocketmq, ...config.batch, producerId, log, sender: bus.sender() }),
        deliveryFeed: (edgeId) => bus.deliveryFeed(edgeId),
        sessionFeed: (retryLaterMs) => bus.sessionFeed(retryLaterMs),
        delayFeed: () => bus.delayFeed(),
      },
    };
  }
}
