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

  it('hands a delayed message to one member of the scheduler group at its time, again when it failed', async () => {
    const bus = new MemoryRocketMQ();
    const got: { member: string; at: number; body: string }[] = [];
    let failOnce = true;
    for (const member of ['a', 'b']) {
      await bus.delayFeed().start((m) => {
        got.push({ member, at: Date.now(), body: m.body.toString() });
        if (failOnce) { failOnce = false; return Promise.reject(new Error('not now')); }
        return Promise.resolve();
      });
    }
    const sentAt = Date.now();
    await bus.sender().send({ topic: DELAY_TOPIC, body: Buffer.from('later'), deliveryTimestamp: new Date(sentAt + 300) });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(got.length, 0, 'nothing before its time');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(got.length, 2, 'handed out, failed, handed out again');
    assert.ok(got[0]!.at >= sentAt + 290);
    assert.deepEqual(got.map((g) => g.body), ['later', 'later']);
    assert.notEqual(got[0]!.member, got[1]!.member, 'one member at a time, in turn');
  });

  it('refuses a delay past its limit, as the broker does past timerMaxDelaySec', async () => {
    const bus = new MemoryRocketMQ({ maxDelayMs: 1000 });
    await assert.rejects(bus.sender().send({ topic: DELAY_TOPIC, body: Buffer.from('x'), deliveryTimestamp: new Date(Date.now() + 5000) }), (err) => hasCode(err, 'delay_refused'));
  });
});
