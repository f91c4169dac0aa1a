import { MemoryDeviceRegistry } from '../../src/cluster/memory/memory-device-registry.js';
import { MemoryEdgeLoadStore } from '../../src/cluster/memory/memory-edge-load-store.js';
import { MemoryIdempotencyStore } from '../../src/cluster/memory/memory-idempotency-store.js';
import { MemoryRateLimiter } from '../../src/cluster/memory/memory-rate-limiter.js';
import { MemoryRetainedStore } from '../../src/cluster/memory/memory-retained-store.js';
import { MemorySessionRegistry } from '../../src/cluster/memory/memory-session-registry.js';
import { MemoryRouteTable } from '../../src/cluster/memory/memory-route-table.js';
import { MemoryWillStore } from '../../src/cluster/memory/memory-will-store.js';
import { deviceRegistryContract } from '../contracts/device-registry.contract.js';
import { edgeLoadStoreContract } from '../contracts/edge-load-store.contract.js';
import { idempotencyStoreContract } from '../contracts/idempotency-store.contract.js';
import { rateLimiterContract } from '../contracts/rate-limiter.contract.js';
import { retainedStoreContract } from '../contracts/retained-store.contract.js';
import { sessionRegistryContract } from '../contracts/session-registry.contract.js';
import { routeTableContract } from '../contracts/route-table.contract.js';
import { willStoreContract } from '../contracts/will-store.contract.js';

// The in-memory stores pass the same contract suites as the Redis ones (test/stack/98-store-contracts).
const close = () => Promise.resolve();
retainedStoreContract('memory', () => Promise.resolve({ store: new MemoryRetainedStore(), close }));
idempotencyStoreContract('memory', () => Promise.resolve({ store: new MemoryIdempotencyStore(), close }));
rateLimiterContract('memory', () => Promise.resolve({ store: new MemoryRateLimiter(), close }));
routeTableContract('memory', () => Promise.resolve({ store: new MemoryRouteTable(), close }));
willStoreContract('memory', () => Promise.resolve({ store: new MemoryWillStore(), close }));
edgeLoadStoreContract('memory', () => Promise.resolve({ store: new MemoryEdgeLoadStore(), close }));
sessionRegistryContract('memory', () => Promise.resolve({ store: new MemorySessionRegistry(), close }));
deviceRegistryContract('memory', () => Promise.resolve({ store: new MemoryDeviceRegistry(), close }));
