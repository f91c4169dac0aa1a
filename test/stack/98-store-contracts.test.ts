// stack: runs beside other stack tests, ~4 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import { RedisAutoscalerStore } from '../../src/autoscaler/autoscaler-store.js';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisDeviceRegistry } from '../../src/cluster/device-registry.js';
import { RedisEdgeRegistry } from '../../src/cluster/edge-registry.js';
import { RedisEdgeLoadStore } from '../../src/cluster/edge-load.js';
import { RedisIdempotencyStore } from '../../src/cluster/idempotency-store.js';
import { RedisKeys } from '../../src/cluster/keys.js';
import { RedisPushStatusStore } from '../../src/cluster/push-status-store.js';
import { RedisPushEventStream } from '../../src/cluster/push-event-stream.js';
import { RedisApiKeyStore } from '../../src/cluster/api-key-store.js';
import { RedisRateLimiter } from '../../src/cluster/rate-limiter.js';
import { RedisRetainedStore } from '../../src/cluster/retained-store.js';
import { RedisRouteTable } from '../../src/cluster/route-table.js';
import { RedisSessionStore } from '../../src/cluster/session-store.js';
import { RedisSessionRegistry } from '../../src/cluster/session-registry.js';
import { RedisWillStore } from '../../src/cluster/will-store.js';
import { createLogger } from '../../src/log.js';
import { autoscalerStoreContract } from '../contracts/autoscaler-store.contract.js';
import { deviceRegistryContract } from '../contracts/device-registry.contract.js';
import { edgeRegistryContract } from '../contracts/edge-registry.contract.js';
import { edgeLoadStoreContract } from '../contracts/edge-load-store.contract.js';
import { idempotencyStoreContract } from '../contracts/idempotency-store.contract.js';
import { pushStatusStoreContract } from '../contracts/push-status-store.contract.js';
import { pushEventStreamContract } from '../contracts/push-event-stream.contract.js';
import { apiKeyStoreContract } from '../contracts/api-key-store.contract.js';
import { rateLimiterContract } from '../contracts/rate-limiter.contract.js';
import { retainedStoreContract } from '../contracts/retained-store.contract.js';
import { routeTableContract } from '../contracts/route-table.contract.js';
import { sessionStoreContract } from '../contracts/session-store.contract.js';
import { sessionRegistryContract } from '../contracts/session-registry.contract.js';
import { willStoreContract } from '../contracts/will-store.contract.js';

// The Redis stores against the stack's Redis pass the same contract suites as the in-memory ones
// (test/unit/memory-stores). Each subject has a key prefix of its own, deleted afterwards.
const log = createLogger('error', { service: 'test' });

async function subject<T>(build: (redis: Redis, keys: RedisKeys) => T) {
  const prefix = `rpt-${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6390');
  return {
    store: build(redis, new RedisKeys(prefix)),
    close: async () => {
      const stale = await redis.keys(`${prefix}*`);
      if (stale.length > 0) await redis.del(...stale);
      redis.disconnect();
    },
  };
}

retainedStoreContract('Redis', () => subject((r, k) => new RedisRetainedStore(r, k, log)));
idempotencyStoreContract('Redis', () => subject((r, k) => new RedisIdempotencyStore(r, k)));
rateLimiterContract('Redis', () => subject((r, k) => new RedisRateLimiter(r, k)));
apiKeyStoreContract('Redis', () => subject((r, k) => new RedisApiKeyStore(r, k)));
routeTableContract('Redis', () => subject((r, k) => new RedisRouteTable(r, k)));
willStoreContract('Redis', () => subject((r, k) => new RedisWillStore(r, k, log)));
edgeLoadStoreContract('Redis', () => subject((r, k) => new RedisEdgeLoadStore(r, k)));
sessionRegistryContract('Redis', () => subject((r, k) => new RedisSessionRegistry(r, k)));
deviceRegistryContract('Redis', () => subject((r, k) => new RedisDeviceRegistry(r, k)));
autoscalerStoreContract('Redis', () => subject((r, k) => new RedisAutoscalerStore(r, k)));
sessionStoreContract('Redis', () => subject((r, k) => new RedisSessionStore(r, k)));
pushStatusStoreContract('Redis', () => subject((r, k) => new RedisPushStatusStore(r, k, 60_000)));
edgeRegistryContract('Redis', () => subject((r, k) => new RedisEdgeRegistry(r, k)));
pushEventStreamContract('Redis', async () => {
  const s = await subject((r, k) => ({ status: new RedisPushStatusStore(r, k, 60_000), stream: new RedisPushEventStream(r, k, log) }));
  return { store: s.store, close: async () => { await s.store.stream.close(); await s.close(); } };
});
