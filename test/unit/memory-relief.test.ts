import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heapCollector, MemoryRelief } from '../../src/edge/memory-relief.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('error', { service: 'test' });
const MiB = 1048576;

/** A heap whose size the test sets; a collection leaves `live` of it. */
function heap(startMiB: number) {
  const h = { used: startMiB * MiB, live: startMiB * MiB, now: 0, busy: 0, collections: 0 };
  const relief = new MemoryRelief({
    thresholdBytes: 64 * MiB, everyMs: 5000, minIntervalMs: 30_000, log,
    collect: () => { h.collections++; h.used = h.live; },
    heapUsed: () => h.used, utilization: () => h.busy, now: () => h.now,
  });
  /** Five seconds pass: the heap is at `usedMiB`, the event loop was `busy` (0-1) of the time. */
  const tick = (usedMiB: number, { live = h.live / MiB, busy = 0.01 } = {}) => {
    h.now += 5000; h.used = usedMiB * MiB; h.live = live * MiB; h.busy = busy; relief.tick();
  };
  return { h, tick };
}

describe('memory relief on a quiet edge', () => {
  it('collects once a flood left the heap far above its level and the edge went quiet', () => {
    const { h, tick } = heap(40);
    tick(300, { busy: 0.95 }); // the flood
    assert.equal(h.collections, 0, 'a busy heap is left to V8');
    tick(301);
    assert.equal(h.collections, 1, 'quiet and 260 MiB over the level');
    assert.equal(h.used, 40 * MiB);
  });

  it('leaves a busy edge to V8, however large its heap', () => {
    const { h, tick } = heap(40);
    for (const used of [100, 500, 300, 900, 200]) tick(used, { busy: 0.4 });
    assert.equal(h.collections, 0);
  });

  it('does not collect garbage under the threshold', () => {
    const { h, tick } = heap(40);
    tick(90);
    tick(103);
    assert.equal(h.collections, 0);
  });

  it('collects at most once per interval, and measures from what the last collection left', () => {
    const { h, tick } = heap(40);
    tick(300, { live: 150 }); // 150 MiB stay live (connections came)
    assert.equal(h.collections, 1);
    tick(200); // 50 MiB over the new level: not worth it
    assert.equal(h.collections, 1);
    tick(260); // worth it, but too soon
    tick(260);
    tick(260);
    assert.equal(h.collections, 1, 'within 30 s of the last one');
    for (let i = 0; i < 3; i++) tick(260);
    assert.equal(h.collections, 2);
  });

  it('follows V8 down when it collected by itself', () => {
    const { h, tick } = heap(200);
    tick(60, { busy: 0.5 }); // V8 collected: the level is 60 now
    tick(140);
    assert.equal(h.collections, 1, '80 MiB over the level V8 left');
  });

  it('has a real collector in this Node', () => {
    const collect = heapCollector();
    assert.equal(typeof collect, 'function');
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const before = process.memoryUsage().heapUsed;
    garbage = null;
    collect!();
    assert.equal(garbage, null);
    assert.ok(process.memoryUsage().heapUsed < before, 'the heap shrank');
  });
});
