import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueuePositions } from '../../src/cluster/session-store.js';
import { SessionStallWatch } from '../../src/edge/session-stall-watch.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('error', { service: 'test' });
const T0 = 1_000_000;

/** A watch over in-memory sessions: what each has queued (oldest publication time) and positions. */
function watchUnderTest() {
  const clock = { now: T0 };
  const oldest = new Map<string, number | null>();
  const busy = new Set<string>();
  const resubscribed: { liteTopic: string; positions: QueuePositions }[] = [];
  let inspections = 0;
  const watch = new SessionStallWatch({
    inspect: async (clientId) => { inspections++; return { positions: { a: 7 }, oldestQueuedAt: oldest.get(clientId) ?? null }; },
    busy: (liteTopic) => busy.has(liteTopic),
    resubscribe: async (liteTopic, positions) => { resubscribed.push({ liteTopic, positions }); },
    log, quietMs: 15_000, maxQuietMs: 60_000, perTick: 100, now: () => clock.now,
  });
  const at = async (ms: number) => { clock.now = T0 + ms; await watch.tick(); };
  return { watch, oldest, busy, resubscribed, at, to: (ms: number) => { clock.now = T0 + ms; }, inspections: () => inspections };
}

describe('the stall watch of persistent session queues', () => {
  it('subscribes a queue again when a message waited 15 s after its subscription and nothing was read', async () => {
    const { watch, oldest, resubscribed, at } = watchUnderTest();
    watch.subscribed('s-1', 'dev-1');
    oldest.set('dev-1', T0 - 60_000);
    await at(14_000);
    assert.equal(resubscribed.length, 0, 'not before its quiet time');
    await at(15_000);
    assert.deepEqual(resubscribed, [{ liteTopic: 's-1', positions: { a: 7 } }]);
    assert.equal(watch.stats.sessionReaderStalled, 1);
  });

  it('leaves a queue alone while batches are done, and one whose device is being written to', async () => {
    const { watch, oldest, busy, resubscribed, at } = watchUnderTest();
    watch.subscribed('s-1', 'dev-1');
    oldest.set('dev-1', T0 + 5_000);
    for (let t = 10_000; t <= 60_000; t += 10_000) {
      // A slow device with a long backlog: its reader keeps going, the next message in line is old.
      watch.progressed('s-1', 'dev-1', T0 + 4_000);
      await at(t);
    }
    busy.add('s-1');
    await at(120_000);
    assert.deepEqual(resubscribed, []);
  });

  it('finds a queue stalled when its reader went past a message queued 15 s before the batches it read (another group holds it)', async () => {
    const { watch, oldest, resubscribed, at, to } = watchUnderTest();
    watch.subscribed('s-1', 'dev-1');
    oldest.set('dev-1', T0);
    to(16_000);
    watch.progressed('s-1', 'dev-1', T0 + 16_000);
    await at(16_000);
    assert.equal(resubscribed.length, 0, 'the batch was just done: its quiet time starts');
    await at(31_000);
    assert.equal(resubscribed.length, 1);
  });

  it('gives a recent message time to arrive before it calls the queue stalled', async () => {
    const { watch, oldest, resubscribed, at } = watchUnderTest();
    watch.subscribed('s-1', 'dev-1');
    oldest.set('dev-1', T0 + 10_000);
    await at(15_000);
    assert.equal(resubscribed.length, 0);
    await at(25_000);
    assert.equal(resubscribed.length, 1, '15 s after that message');
  });

  it('stops watching a queue with nothing queued, and one whose session left', async () => {
    const { watch, oldest, at, inspections } = watchUnderTest();
    watch.subscribed('s-1', 'dev-1');
    watch.subscribed('s-2', 'dev-2');
    oldest.set('dev-2', T0);
    watch.forget('s-2');
    await at(15_000);
    assert.equal(inspections(), 1);
    assert.equal(watch.size, 0);
  });

  it('looks at a queue that stays stalled less and less often, up to its longest wait', async () => {
    const { watch, oldest, resubscribed, at } = watchUnderTest();
    watch.subscribed('s-1', 'dev-1');
    oldest.set('dev-1', T0 - 600_000);
    for (let t = 0; t <= 200_000; t += 1_000) await at(t);
    // At 15 s, then 30, 60 and 60 s later.
    assert.equal(resubscribed.length, 4);
  });
});
