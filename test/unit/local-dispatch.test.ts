import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalDispatch } from '../../src/edge/local-dispatch.js';

type P = { topic: string; n?: number };
const emit = (d: LocalDispatch<P>, p: P) => new Promise<void>((resolve, reject) => d.emit(p, (err) => (err ? reject(err) : resolve())));
const tick = () => new Promise((r) => setImmediate(r));

describe('local dispatch to the subscribers of one edge', () => {
  it('matches MQTT wildcards, a/# also matching a/ (MQTT-4.7.1-3), and tells when every subscriber took the packet', async () => {
    const d = new LocalDispatch<P>(10, 100);
    const got: string[] = [];
    d.on('a/+/c', (p, done) => { got.push(`+:${p.topic}`); done(); });
    d.on('a/#', (p, done) => { got.push(`#:${p.topic}`); done(); });
    await tick();
    await emit(d, { topic: 'a/b/c' });
    await emit(d, { topic: 'a/' });
    await emit(d, { topic: 'x' });
    assert.deepEqual(got.sort(), ['#:a/', '#:a/b/c', '+:a/b/c']);
    assert.equal(d.stats.dispatched, 3);
  });

  it('drains a flood of packets whose subscribers answer at once without growing the stack', async () => {
    // mqemitter recursed once per queued packet here and overflowed the stack (issue 9).
    const d = new LocalDispatch<P>(1, 1_000_000);
    let taken = 0;
    let slowDone: (() => void) | null = null;
    d.on('flood', (_p, done) => { taken++; if (!slowDone) slowDone = done; else done(); });
    await tick();
    const all: Promise<void>[] = [];
    for (let n = 0; n < 200_000; n++) all.push(emit(d, { topic: 'flood', n }));
    assert.equal(d.backlog(), 200_000, 'the first packet is held, the rest wait');
    slowDone!();
    await Promise.all(all);
    assert.equal(taken, 200_000);
    assert.equal(d.backlog(), 0);
  });

  it('keeps the order of emits and never has more than `concurrency` packets in flight', async () => {
    const d = new LocalDispatch<P>(3, 100);
    const order: number[] = [];
    const held: (() => void)[] = [];
    let peak = 0;
    d.on('t', (p, done) => {
      order.push(p.n!);
      held.push(done);
      peak = Math.max(peak, d.stats.inFlight);
    });
    await tick();
    const all = Array.from({ length: 10 }, (_, n) => emit(d, { topic: 't', n }));
    while (held.length > 0 || d.backlog() > 0) {
      held.shift()?.();
      await tick();
    }
    await Promise.all(all);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(peak, 3);
  });

  it('makes the caller wait while the backlog is at its limit, and lets it go on once subscribers catch up', async () => {
    const d = new LocalDispatch<P>(1, 5);
    const held: (() => void)[] = [];
    d.on('t', (_p, done) => held.push(done));
    await tick();
    for (let n = 0; n < 5; n++) d.emit({ topic: 't', n });
    const room = d.room();
    assert.ok(room, 'no room with 5 packets in hand');
    let free = false;
    void room.then(() => { free = true; });
    await tick();
    assert.equal(free, false);
    held.shift()!();
    await tick();
    assert.equal(free, true);
    assert.equal(d.room(), undefined);
  });

  it('does not let a subscriber that answers twice or throws hold up or double-count a packet, and reports the throw', async () => {
    const reported: string[] = [];
    const d = new LocalDispatch<P>(10, 100, (err, topic) => reported.push(`${topic}: ${(err as Error).message}`));
    d.on('t', (_p, done) => { done(); done(); });
    d.on('t', () => { throw new Error('broken subscriber'); });
    const ok: string[] = [];
    d.on('t', (p, done) => { ok.push(p.topic); done(); });
    await tick();
    await emit(d, { topic: 't' });
    await emit(d, { topic: 't' });
    assert.deepEqual(ok, ['t', 't']);
    assert.equal(d.stats.dispatched, 2);
    assert.equal(d.backlog(), 0);
    assert.deepEqual(reported, ['t: broken subscriber', 't: broken subscriber']);
    assert.equal(d.stats.listenerErrors, 2);
  });

  it('stops delivering to a subscriber once it is removed', async () => {
    const d = new LocalDispatch<P>(10, 100);
    const got: string[] = [];
    const listener = (p: P, done: () => void) => { got.push(p.topic); done(); };
    d.on('t', listener);
    await tick();
    await emit(d, { topic: 't' });
    await new Promise<void>((r) => d.removeListener('t', listener, r));
    await emit(d, { topic: 't' });
    assert.deepEqual(got, ['t']);
  });
});
