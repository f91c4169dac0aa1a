import { MemoryIdempotencyStore } from '../../src/cluster/memory/memory-idempotency-store.js';
import { MemoryRateLimiter } from '../../src/cluster/memory/memory-rate-limiter.js';
import { MemoryRetainedStore } from '../../src/cluster/memory/memory-retained-store.js';
import { idempotencyStoreContract } from '../contracts/idempotency-store.contract.js';
import { rateLimiterContract } from '../contracts/rate-limiter.contract.js';
import { retainedStoreContract } from '../contracts/retained-store.contract.js';

// The in-memory stores pass the same contract suites as the Redis ones (test/stack/98-store-contracts).
const close = () => Promise.resolve();
retainedStoreContract('memory', () => Promise.resolve({ store: new MemoryRetainedStore(), close }));
idempotencyStoreContract('memory', () => Promise.resolve({ store: new MemoryIdempotencyStore(), close }));
rateLimiterContract('memory', () => Promise.resolve({ store: new MemoryRateLimiter(), close }));
