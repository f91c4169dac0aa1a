import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBatch, decodeBatchHeader, encodeBatch, type BusMessage } from '../../src/message/envelope.js';
import { EnvelopeError } from '../../src/errors.js';

const message = (over: Partial<BusMessage> = {}): BusMessage => ({
  id: 'id-1', topic: 'devices/ä/temp', payload: Buffer.from([0, 1, 2, 255]), qos: 1, retain: true,
  origin: 'edge-1', clientId: 'device-7', publishedAt: 1_700_000_000_123, expiresAt: 1_700_000_060_000, ...over,
});

describe('the batch envelope', () => {
  it('round-trips every field of every message, unicode and binary included', () => {
    const batch = { batchId: 'b-1', messages: [message(), message({ id: 'id-2', qos: 0, retain: false, payload: Buffer.alloc(0), clientId: '', pushId: 'push-9' })] };
    const decoded = decodeBatch(encodeBatch(batch));
    assert.equal(decoded.batchId, 'b-1');
    assert.equal(decoded.messages.length, 2);
    for (const [i, m] of decoded.messages.entries()) {
      const want = batch.messages[i]!;
      assert.deepEqual({ ...m, payload: Buffer.from(m.payload) }, { ...want, payload: Buffer.from(want.payload) });
    }
  });

  it('carries the stream and place of a batch whose order a reader restores', () => {
    const previous = [{ seq: 2 ** 40, tag: 'e-edge-2', unanswered: false }, { seq: 2 ** 40 + 2, tag: 'all', unanswered: true }];
    const decoded = decodeBatch(encodeBatch({ batchId: 'b-7', messages: [message()], stream: 'edge-1.k3f.5', seq: 2 ** 40 + 3, previous }));
    assert.equal(decoded.stream, 'edge-1.k3f.5');
    assert.equal(decoded.seq, 2 ** 40 + 3);
    assert.deepEqual(decoded.previous, previous);
    const header = decodeBatchHeader(encodeBatch({ batchId: 'b-7', messages: [message()], stream: 's', seq: 4, previous: [{ seq: 2, tag: 'all', unanswered: true }] }));
    assert.deepEqual(header, { batchId: 'b-7', stream: 's', seq: 4, previous: [{ seq: 2, tag: 'all', unanswered: true }] }, 'the header alone, for a batch that is not delivered');
    const plain = decodeBatch(encodeBatch({ batchId: 'b-8', messages: [] }));
    assert.equal(plain.stream, undefined);
    assert.equal(plain.seq, undefined);
  });

  it('refuses to name more previous batches than a header holds', () => {
    const previous = Array.from({ length: 256 }, (_, i) => ({ seq: i, tag: `e-${i}`, unanswered: false }));
    assert.throws(() => encodeBatch({ batchId: 'b', messages: [], stream: 's', seq: 300, previous }), EnvelopeError);
  });

  it('still reads version 4 batches: the one before, and from the floor up every earlier batch still unanswered', () => {
    const v5 = encodeBatch({ batchId: 'b', messages: [message()], stream: 's', seq: 7 });
    // Version 4 had the floor (f64) where version 5 has the count of previous batches (u8).
    const at = 2 + 1 + 2 + 1 + 2 + 1 + 8;
    const floor = Buffer.alloc(8);
    floor.writeDoubleBE(5);
    const v4 = Buffer.concat([v5.subarray(0, at), floor, v5.subarray(at + 1)]);
    v4[2] = 4;
    const decoded = decodeBatch(v4);
    assert.deepEqual(decoded.previous, [{ seq: 5, tag: 'all', unanswered: true }, { seq: 6, tag: 'all', unanswered: true }]);
    assert.equal(decoded.messages[0]!.topic, 'devices/ä/temp');
  });

  it('still reads version 1 to 3 batches, which had no expiry, no push id, no stream order', () => {
    const v5 = encodeBatch({ batchId: 'b', messages: [message()] });
    // Version 3 is version 5 without the (empty) stream, its seq and previous count after the batch id.
    const v3 = Buffer.concat([v5.subarray(0, 2 + 1 + 2 + 1), v5.subarray(2 + 1 + 2 + 1 + 2 + 8 + 1)]);
    v3[2] = 3;
    assert.deepEqual(decodeBatch(v3).messages[0]!.pushId, undefined);
    assert.equal(decodeBatch(v3).messages[0]!.topic, 'devices/ä/temp');
    // Rebuild the same batch in the older layouts: no (empty) push id, then no expiresAt before it.
    const payloadAt = v3.length - 4 - 4;
    const v2 = Buffer.concat([v3.subarray(0, payloadAt - 2), v3.subarray(payloadAt)]);
    v2[2] = 2;
    assert.deepEqual(decodeBatch(v2).messages[0]!.expiresAt, 1_700_000_060_000);
    const v1 = Buffer.concat([v3.subarray(0, payloadAt - 2 - 8), v3.subarray(payloadAt)]);
    v1[2] = 1;
    const m = decodeBatch(v1).messages[0]!;
    assert.equal(m.expiresAt, 0);
    assert.equal(m.publishedAt, 1_700_000_000_123);
    assert.deepEqual(Buffer.from(m.payload), Buffer.from([0, 1, 2, 255]));
  });

  it('rejects a buffer that is not a batch', () => {
    assert.throws(() => decodeBatch(Buffer.from('hello world')), EnvelopeError);
  });

  it('rejects every truncation of a valid batch', () => {
    const full = encodeBatch({ batchId: 'b', messages: [message()] });
    for (let n = 0; n < full.length; n++) assert.throws(() => decodeBatch(full.subarray(0, n)), EnvelopeError, `length ${n}`);
  });

  it('rejects trailing bytes and an impossible QoS', () => {
    const full = encodeBatch({ batchId: 'b', messages: [message()] });
    assert.throws(() => decodeBatch(Buffer.concat([full, Buffer.from([0])])), /trailing/);
    const badQos = Buffer.from(full);
    const flagsAt = 2 + 1 + 2 + 1 + 2 + 8 + 1 + 4 + 2 + 4 + 2 + Buffer.byteLength('devices/ä/temp');
    badQos[flagsAt] = 0x03;
    assert.throws(() => decodeBatch(badQos), /qos/);
  });
});
