import type { Registry } from 'prom-client';
import { RedisAutoscalerStore } from '../autoscaler/autoscaler-store.js';
import { BatchingProducer } from '../bus/batching-producer.js';
import { RocketmqDelayFeed, RocketmqDeliveryFeed, RocketmqSessionFeed } from '../bus/rocketmq-feeds.js';
import { RedisDeviceRegistry } from '../cluster/device-registry.js';
import { RedisEdgeLoadStore } from '../cluster/edge-load.js';
import { RedisEdgeRegistry } from '../cluster/edge-registry.js';
import { RedisApiKeyStore } from '../cluster/api-key-store.js';
import { RedisIdempotencyStore } from '../cluster/idempotency-store.js';
import { RedisKeys } from '../cluster/keys.js';
import { RedisPushEventStream } from '../cluster/push-event-stream.js';
import { RedisPushStatusStore } from '../cluster/push-status-store.js';
import { RedisRateLimiter } from '../cluster/rate-limiter.js';
import { createRedis } from '../cluster/redis-connection.js';
import { RedisRetainedStore } from '../cluster/retained-store.js';
import { RedisRouteTable } from '../cluster/route-table.js';
import { RedisSessionRegistry } from '../cluster/session-registry.js';
import { RedisSessionStore } from '../cluster/session-store.js';
import { RedisWillStore } from '../cluster/will-store.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { rocketmqSendMetrics, timeRedisCommands } from '../metrics/metrics.js';
import { withTimeout } from '../timing.js';
import type { ClusterPorts } from './cluster-ports.js';

/** The ports of a process of the cluster on the Redis and RocketMQ of `config`; nothing connects before `state.start()`. */
export function redisRocketmqPorts(config: Config, log: Logger, metrics: Registry): ClusterPorts {
  const keys = new RedisKeys(config.keyPrefix);
  // Commands wait while Redis is away instead of failing: a publish is then acknowledged late, never
  // half done (its session queues need Redis), and a CONNECT gets CONNACK 3 after its own timeout.
  // Auto-pipelining: the commands of one turn of the event loop (the route and session version
  // reads of every publish in it, say) go out in one write and come back in one read.
  const redis = createRedis(config.redis, { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true });
  redis.on('error', (err) => log.warn('redis error', { error: String(err) }));
  timeRedisCommands(redis, metrics);
  const reconnectListeners: (() => void)[] = [];
  const rocketmq = { ...config.rocketmq, maxCached: config.consumer.maxCached, log };
  return {
    state: {
      start: async () => {
        await redis.connect();
        // Registered once connected: every later 'ready' is a reconnect.
        redis.on('ready', () => { for (const listener of reconnectListeners) listener(); });
      },
      stop: () => withTimeout(redis.quit(), 2000, 'Redis quit').then(() => undefined, () => redis.disconnect()),
      ping: async () => { const pong = await redis.ping(); if (pong !== 'PONG') throw new Error(`answered ${pong}`); },
      onReconnect: (listener) => { reconnectListeners.push(listener); },
    },
    stores: {
      routes: new RedisRouteTable(redis, keys),
      retained: new RedisRetainedStore(redis, keys, log),
      edges: new RedisEdgeRegistry(redis, keys),
      edgeLoads: new RedisEdgeLoadStore(redis, keys),
      sessions: new RedisSessionStore(redis, keys),
      sessionRegistry: new RedisSessionRegistry(redis, keys),
      wills: new RedisWillStore(redis, keys, log),
      devices: new RedisDeviceRegistry(redis, keys),
      pushStatus: new RedisPushStatusStore(redis, keys, config.push.statusRetentionMs),
      pushEvents: new RedisPushEventStream(redis, keys, log),
      idempotency: new RedisIdempotencyStore(redis, keys),
      rateLimiter: new RedisRateLimiter(redis, keys),
      apiKeys: new RedisApiKeyStore(redis, keys),
      autoscaler: new RedisAutoscalerStore(redis, keys),
    },
    bus: {
      producer: (producerId) => new BatchingProducer({ ...config.rocketmq, ...config.batch, producerId, log, observer: rocketmqSendMetrics(metrics) }),
      deliveryFeed: (edgeId) => new RocketmqDeliveryFeed({ ...rocketmq, edgeId }),
      sessionFeed: (retryLaterMs) => new RocketmqSessionFeed({ ...rocketmq, retryLaterMs }),
      delayFeed: () => new RocketmqDelayFeed(rocketmq),
    },
  };
}
