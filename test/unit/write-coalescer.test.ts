import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { WriteCoalescer } from '../../src/edge/write-coalescer.js';

const turn = () => new Promise((r) => setImmediate(r));

/** A socket that records each write call it makes to the OS (one per writev). */
function socket() {
  const calls: number[] = [];
  const s = new Writable({
    writev(chunks, cb) { calls.push(chunks.length); cb(); },
    write(_chunk, _enc, cb) { calls.push(1); cb(); },
  });
  return { s, calls };
}

/**
 * aedes' way of writing a delivery: on a later turn (setImmediate), packet by packet, with
 * mqtt-packet's own cork and uncork on the next tick; the gate releases the socket after it.
 */
function handOver(c: WriteCoalescer, s: Writable, bytes: string, then?: () => void): void {
  c.hold(s);
  setImmediate(() => {
    s.cork();
    s.write(bytes);
    process.nextTick(() => s.uncork());
  });
  setImmediate(() => { c.release(s); then?.(); });
}

describe('write coalescer: one socket write per device per turn of the event loop', () => {
  it('sends the packets handed over in one turn in one write, not one write each', async () => {
    const c = new WriteCoalescer();
    const { s, calls } = socket();
    for (let i = 0; i < 50; i++) handOver(c, s, `p${i}`);
    await turn(); await turn(); await turn();
    assert.deepEqual(calls, [50]);
    assert.equal(s.writableCorked, 0);
    assert.equal(c.size, 0);
  });

  it('without it, the same packets take one write each (what it saves)', async () => {
    const { s, calls } = socket();
    for (let i = 0; i < 50; i++) setImmediate(() => { s.cork(); s.write('p'); process.nextTick(() => s.uncork()); });
    await turn(); await turn();
    assert.equal(calls.length, 50);
  });

  it('flushes every turn while packets keep coming: a steady flow is never held back', async () => {
    const c = new WriteCoalescer();
    const { s, calls } = socket();
    // Each delivery, once done, starts the next two (as local dispatch does from its callbacks).
    let started = 0;
    const next = (): void => { if (started++ < 400) handOver(c, s, 'x', () => { next(); next(); }); };
    next();
    const seen: number[] = [];
    for (let t = 0; t < 12 && started < 400; t++) { await turn(); seen.push(calls.reduce((a, b) => a + b, 0)); }
    // Bytes reached the socket while the flow went on, turn by turn, not all at the end.
    assert.ok(seen.filter((v, i) => i > 0 && v > seen[i - 1]!).length >= 4, `writes per turn: ${seen.join(',')}`);
    for (let t = 0; t < 10; t++) await turn();
    assert.equal(calls.reduce((a, b) => a + b, 0), 400);
    assert.equal(s.writableCorked, 0);
    assert.equal(c.size, 0);
  });

  it('keeps each socket to itself and forgets a destroyed one', async () => {
    const c = new WriteCoalescer();
    const a = socket();
    const b = socket();
    for (let i = 0; i < 5; i++) { handOver(c, a.s, 'a'); handOver(c, b.s, 'b'); }
    b.s.destroy();
    await turn(); await turn(); await turn();
    assert.deepEqual(a.calls, [5]);
    assert.equal(c.size, 0);
  });
});
