import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusEmitter, FROM_BUS } from '../../src/edge/bus-emitter.js';

function deliveries(emitter: BusEmitter, filter: string): string[] {
  const got: string[] = [];
  emitter.on(filter, (m, done) => { got.push(String(m.topic)); done(); });
  return got;
}

const emit = (e: BusEmitter, m: Record<string, unknown>) => new Promise<void>((r) => e.emit(m as never, () => r()));

describe('the aedes mq of an edge', () => {
  it('delivers packets that came from the bus, with MQTT wildcards', async () => {
    const e = new BusEmitter(10);
    const plus = deliveries(e, 'a/+/c');
    const hash = deliveries(e, 'a/#');
    await emit(e, { topic: 'a/b/c', brokerId: FROM_BUS });
    await emit(e, { topic: 'a', brokerId: FROM_BUS });
    assert.deepEqual(plus, ['a/b/c']);
    assert.deepEqual(hash, ['a/b/c', 'a']);
  });

  it('does not deliver a device publish directly: it comes back through RocketMQ', async () => {
    const e = new BusEmitter(10);
    const got = deliveries(e, '#');
    await emit(e, { topic: 'x/y', brokerId: 'edge-1' });
    assert.deepEqual(got, []);
  });

  it('delivers aedes $SYS events locally', async () => {
    const e = new BusEmitter(10);
    const got = deliveries(e, '$SYS/#');
    await emit(e, { topic: '$SYS/edge-1/new/clients', brokerId: 'edge-1' });
    assert.deepEqual(got, ['$SYS/edge-1/new/clients']);
  });

  it('acknowledges a subscription only once the route table has the filter, also for the second subscriber', async () => {
    let finishAdd: () => void = () => undefined;
    const added: string[] = [];
    const e = new BusEmitter(10, {
      add: (f) => new Promise<void>((resolve) => { finishAdd = () => { added.push(f); resolve(); }; }),
      remove: async () => undefined,
    });
    const acked: string[] = [];
    e.on('t', (_m, done) => done(), () => acked.push('first'));
    e.on('t', (_m, done) => done(), () => acked.push('second'));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(acked, [], 'no SUBACK while the route is on its way to Redis');
    finishAdd();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(added, ['t']);
    assert.deepEqual(acked.sort(), ['first', 'second']);
  });
});
