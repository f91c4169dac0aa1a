import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundGate, packetBytes, type GatedClient, type OutboundPacket } from '../../src/edge/outbound-gate.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('error', { service: 'test' });
const tick = () => new Promise((r) => setImmediate(r));

/**
 * A device connection as aedes drives it: a delivery is written on a later turn of the event loop,
 * and aedes answers it only once the socket took the bytes (after 'drain' when it was full).
 */
class FakeDevice implements GatedClient {
  conn = { writableLength: 0, destroyed: false, destroy: () => { this.conn.destroyed = true; }, cork: () => { this.corked++; }, uncork: () => { this.corked--; } };
  corked = 0;
  written: OutboundPacket[] = [];
  private drainWaiters: Array<() => void> = [];
  /** Bytes the socket takes before write() answers false. */
  highWaterMark = 1000;
  reading = true;
  constructor(public id: string, public clean: boolean, private readonly onForward: (c: object, p: OutboundPacket) => void = () => undefined) {}

  deliver0 = (packet: OutboundPacket, done: () => void): void => {
    setImmediate(() => this.write({ ...packet, qos: 0 }, done));
  };

  deliverQoS = (packet: OutboundPacket, done: () => void): void => {
    // aedes' forward check runs synchronously, before the write is scheduled.
    this.onForward(this, packet);
    setImmediate(() => this.write(packet, done));
  };

  private write(packet: OutboundPacket, done: () => void): void {
    if (this.conn.destroyed) { done(); return; }
    this.written.push(packet);
    if (this.reading) { done(); return; }
    this.conn.writableLength += packetBytes(packet);
    if (this.conn.writableLength > this.highWaterMark) this.drainWaiters.push(done);
    else done();
  }

  readAll(): void {
    this.reading = true;
    this.conn.writableLength = 0;
    for (const w of this.drainWaiters.splice(0)) w();
  }
}

function deliver(fn: (p: OutboundPacket, done: () => void) => void, packet: OutboundPacket): Promise<void> {
  return new Promise((resolve) => fn(packet, resolve));
}

const msg = (n: number, qos = 0, bytes = 100): OutboundPacket => ({ topic: 't', payload: Buffer.alloc(bytes, n), qos });

describe('outbound gate: one slow device never holds up the others', () => {
  it('answers a delivery once the packet is in the socket buffer, never waiting for a drain', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 100_000, maxUnacked: 1000 }, log);
    const slow = new FakeDevice('slow', true);
    slow.reading = false;
    gate.guard(slow);
    let answered = 0;
    const all = Array.from({ length: 50 }, (_, i) => deliver(slow.deliver0, msg(i)).then(() => { answered++; }));
    assert.equal(slow.written.length, 0, 'not written yet: aedes writes on a later turn');
    await Promise.all(all);
    assert.equal(answered, 50);
    assert.equal(slow.written.length, 50, 'every one was written before it was answered');
    assert.ok(slow.conn.writableLength > slow.highWaterMark, 'the socket is past its high-water mark and never drained');
  });

  it('drops QoS 0 for a device whose buffer is full, counts it, and keeps delivering to the others', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 2_000, maxUnacked: 1000 }, log);
    const slow = new FakeDevice('slow', true);
    const fast = new FakeDevice('fast', true);
    slow.reading = false;
    gate.guard(slow);
    gate.guard(fast);
    for (let i = 0; i < 100; i++) {
      await Promise.all([deliver(slow.deliver0, msg(i)), deliver(fast.deliver0, msg(i))]);
    }
    assert.equal(fast.written.length, 100);
    const fits = Math.floor(2_000 / packetBytes(msg(0)));
    assert.equal(slow.written.length, fits, 'what fits in the buffer was written, in order');
    assert.deepEqual(slow.written.map((p) => (p.payload as Buffer)[0]), Array.from({ length: fits }, (_, i) => i));
    assert.equal(gate.stats.qos0DroppedBufferFull, 100 - fits);
    assert.equal(slow.conn.destroyed, false, 'QoS 0 alone never cuts a device off');

    // Once it reads again, it gets new messages.
    slow.readAll();
    await deliver(slow.deliver0, msg(200));
    assert.equal((slow.written.at(-1)!.payload as Buffer)[0], 200);
  });

  it('counts bytes handed over but not yet written, so a burst in one turn cannot pass the limit', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 1_000, maxUnacked: 1000 }, log);
    const d = new FakeDevice('d', true);
    d.reading = false;
    gate.guard(d);
    // 50 deliveries started in the same turn, before aedes wrote any of them.
    await Promise.all(Array.from({ length: 50 }, (_, i) => deliver(d.deliver0, msg(i))));
    assert.ok(d.conn.writableLength <= 1_000, `buffered ${d.conn.writableLength} bytes`);
    assert.equal(gate.stats.qos0DroppedBufferFull, 50 - d.written.length);
  });

  it('disconnects a clean-session device whose buffer fills with QoS 1 messages, as a slow consumer', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 2_000, maxUnacked: 1000 }, log);
    const slow = new FakeDevice('slow', true, (c, p) => gate.forwarded(c, p));
    slow.reading = false;
    gate.guard(slow);
    for (let i = 0; i < 40; i++) await deliver(slow.deliverQoS, msg(i, 1));
    assert.equal(slow.conn.destroyed, true);
    assert.equal(gate.stats.slowConsumerDisconnects, 1);
    assert.ok(slow.written.length < 40);
  });

  it('disconnects a clean-session device that reads but never acknowledges, and keeps one that does', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 1_000_000, maxUnacked: 10 }, log);
    const silent = new FakeDevice('silent', true, (c, p) => gate.forwarded(c, p));
    const polite = new FakeDevice('polite', true, (c, p) => gate.forwarded(c, p));
    gate.guard(silent);
    gate.guard(polite);
    for (let i = 0; i < 30; i++) {
      await Promise.all([deliver(silent.deliverQoS, msg(i, 1)), deliver(polite.deliverQoS, msg(i, 1))]);
      gate.acknowledged(polite);
    }
    assert.equal(silent.conn.destroyed, true);
    assert.equal(silent.written.length, 10, 'cut off at the 11th, which was not written');
    assert.equal(polite.conn.destroyed, false);
    assert.equal(polite.written.length, 30);
    assert.equal(gate.pending(polite).unacked, 0);
    assert.equal(gate.stats.slowConsumerDisconnects, 1);
  });

  it('does not count a QoS 1 delivery the forward check stopped (overlapping subscriptions, ACL)', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 1_000_000, maxUnacked: 5 }, log);
    const d = new FakeDevice('d', true);
    gate.guard(d);
    for (let i = 0; i < 20; i++) await deliver(d.deliverQoS, msg(i, 1));
    assert.equal(gate.pending(d).unacked, 0);
    assert.equal(d.conn.destroyed, false);
  });

  it('lets QoS 1/2 of a persistent session through: its queue in RocketMQ is its buffer', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 500, maxUnacked: 2 }, log);
    const d = new FakeDevice('p', false, (c, p) => gate.forwarded(c, p));
    d.reading = false;
    gate.guard(d);
    const writes = Array.from({ length: 20 }, (_, i) => deliver(d.deliverQoS, msg(i, 1)));
    await tick(); await tick();
    assert.equal(d.written.length, 20);
    assert.equal(d.conn.destroyed, false);
    d.readAll();
    await Promise.all(writes);
    // Its QoS 0 still obeys the buffer.
    d.reading = false;
    for (let i = 0; i < 20; i++) await deliver(d.deliverQoS, msg(i, 0));
    assert.ok(gate.stats.qos0DroppedBufferFull > 0);
  });

  it('leaves no device socket corked once its deliveries were written', async () => {
    const gate = new OutboundGate({ maxBufferedBytes: 100_000, maxUnacked: 1000 }, log);
    const clean = new FakeDevice('c', true);
    const persistent = new FakeDevice('p', false);
    gate.guard(clean);
    gate.guard(persistent);
    await Promise.all(Array.from({ length: 30 }, (_, i) => [deliver(clean.deliverQoS, msg(i, i % 2)), deliver(persistent.deliverQoS, msg(i, 1))]).flat());
    await tick(); await tick();
    assert.equal(clean.corked, 0);
    assert.equal(persistent.corked, 0);
    assert.ok(gate.flushes >= 2);
  });
});
