// stack: runs beside other stack tests, ~70 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import { Producer } from 'rocketmq-client-nodejs';
import { startClient } from '../../src/bus/client-support.js';
import { CONTROL_TOPIC, DELIVERY_TOPIC, SESSION_TOPIC } from '../../src/bus/names.js';
import { RocketmqDeliveryFeed, RocketmqSessionFeed } from '../../src/bus/rocketmq-feeds.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { busFeedsContract } from '../contracts/bus-feeds.contract.js';

// RocketMQ's reading sides, through the stack's proxies, pass the same contract suite as the
// in-memory bus (test/unit/memory-bus). Each subject reads as an edge id of its own and lite
// topics of its own, so the stack's edges are not disturbed (they skip the empty batches sent to
// every edge as duplicates-free no-ops).
const config = loadConfig();
const log = createLogger('error', { service: 'test' });
const client = { ...config.rocketmq, maxCached: 1024, log };

busFeedsContract('RocketMQ', async () => {
  const producer = new Producer({ endpoints: config.rocketmq.endpoints, namespace: config.rocketmq.namespace, requestTimeout: config.rocketmq.requestTimeoutMs, topics: [DELIVERY_TOPIC, CONTROL_TOPIC, SESSION_TOPIC] });
  await startClient(producer, 30_000, 'contract producer startup');
  const feeds: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(feed: T): T => { feeds.push(feed); return feed; };
  return {
    store: {
      sender: producer,
      deliveryFeed: (edgeId: string) => track(new RocketmqDeliveryFeed({ ...client, edgeId })),
      sessionFeed: (retryLaterMs: number) => track(new RocketmqSessionFeed({ ...client, retryLaterMs })),
      waitMs: 60_000,
    },
    close: async () => {
      await Promise.all(feeds.map((f) => f.stop()));
      await producer.shutdown();
    },
  };
});
