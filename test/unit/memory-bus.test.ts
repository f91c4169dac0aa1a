import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRocketMQ } from '../../src/bus/memory/memory-rocketmq.js';
import { DELAY_TOPIC, SESSION_TOPIC } from '../../src/bus/names.js';
import { hasCode } from '../../src/errors.js';
import { busFeedsContract } from '../contracts/bus-feeds.contract.js';

// The in-memory bus passes the same contract suite as RocketMQ (test/stack/99-bus-contracts).
busFeedsContract('memory', () => {
  const bus = new MemoryRocketMQ();
  return Promise.resolve({
    store: { sender: bus.sender(), deliveryFeed: (id: string) => bus.deliveryFeed(id), sessionFeed: (ms: number) => bus.sessionFeed(ms), waitMs: 2000 },
    close: () => Promise.resolve(),
  });
});

describe('the in-memory bus', () => {
  it('refuses sends while it is down or told to fail, with a code a caller can tell', async () => {
    const bus = new MemoryRocketMQ();
    const sender = bus.sender();
    bus.failNext(1);
    await assert.rejects(sender.send({ topic: SESSION_TOPIC, liteTopic: 's-x', body: Buffer.from('a') } as never), (err) => hasCode(err, 'bus_unavailable'));
    await sender.send({ topic: SESSION_TOPIC, liteTopic: 's-x', body: Buffer.from('b') } as never);
    bus.down = true;
    await assert.rejects(sender.send({ topic: SESSION_TOPIC, liteTopic: 's-x', body: Buffer.from('c') } as never), (err) => hasCode(err, 'bus_unavailable'));
    assert.deepEqual(bus.sessionQueue('s-x').bodies.map(String), ['b']);
  });

  it('has no delay topic and says so', async () => {
    const bus = new MemoryRocketMQ();
    await assert.rejects(bus.sender().send({ topic: DELAY_TOPIC, body: Buffer.from('x'), deliveryTimestamp: new Date() }), /no delay topic/);
  });
});
