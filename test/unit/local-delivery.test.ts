import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Aedes } from 'aedes';
import type { BusMessage } from '../../src/message/envelope.js';
import { createLogger } from '../../src/log.js';
import { BusEmitter } from '../../src/edge/bus-emitter.js';
import { LocalDelivery, type RetainedPersistence } from '../../src/edge/local-delivery.js';

const memoryPersistence = createRequire(import.meta.url)('aedes-persistence') as () => RetainedPersistence;
const log = createLogger('error', { service: 'test' });

const message = (over: Partial<BusMessage>): BusMessage => ({
  id: 'm', topic: 't/1', payload: Buffer.from('x'), qos: 1, retain: false, origin: 'edge-x', clientId: 'c',
  publishedAt: Date.now(), expiresAt: 0, ...over,
});

async function edgeUnderTest() {
  const persistence = memoryPersistence();
  const broker = new Aedes({ mq: new BusEmitter(10), persistence });
  await broker.listen();
  const delivered: string[] = [];
  await new Promise<void>((r) => broker.subscribe('t/#', (packet, done) => { delivered.push(String(packet.payload)); done(); }, r));
  return { broker, delivered, local: new LocalDelivery(broker, persistence, log) };
}

describe('delivery of bus messages to the local subscribers of an edge', () => {
  it('delivers fresh messages in order and counts, without delivering, the expired ones', async () => {
    const { broker, delivered, local } = await edgeUnderTest();
    const now = Date.now();
    await local.deliver([
      message({ payload: Buffer.from('a') }),
      message({ payload: Buffer.from('stale'), expiresAt: now - 1 }),
      message({ payload: Buffer.from('b'), expiresAt: now + 60_000 }),
    ]);
    assert.deepEqual(delivered, ['a', 'b']);
    assert.deepEqual(local.stats, { delivered: 2, expired: 1 });
    local.stop();
    broker.close();
  });
});
