import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusMessage } from '../../src/message/envelope.js';
import { mustWaitForEarlier } from '../../src/edge/session-outbox.js';

function message(id: string, origin: string, publishedAt: number, clientId = 'publisher'): BusMessage {
  return { id, topic: 't', payload: Buffer.alloc(0), qos: 1, retain: false, origin, clientId, publishedAt, expiresAt: 0 };
}

describe('a session batch and the earlier messages of its publishers still queued', () => {
  it('waits for an earlier message of the same edge that is not in the batch (it went to another broker group)', () => {
    const batch = { batchId: 'b', messages: [message('m21', 'edge-1', 2100), message('m22', 'edge-1', 2200)] };
    assert.equal(mustWaitForEarlier(batch, [{ id: 'm16', origin: 'edge-1', publishedAt: 1600 }]), true);
  });

  it('does not wait for its own messages, later ones, or those of another edge', () => {
    const batch = { batchId: 'b', messages: [message('m21', 'edge-1', 2100), message('m22', 'edge-1', 2200)] };
    assert.equal(mustWaitForEarlier(batch, [{ id: 'm21', origin: 'edge-1', publishedAt: 2100 }]), false);
    assert.equal(mustWaitForEarlier(batch, [{ id: 'm30', origin: 'edge-1', publishedAt: 3000 }]), false);
    assert.equal(mustWaitForEarlier(batch, [{ id: 'x1', origin: 'edge-2', publishedAt: 1000 }]), false);
    assert.equal(mustWaitForEarlier(batch, []), false);
  });

  it('never holds REST pushes, which carry no order between requests', () => {
    const batch = { batchId: 'b', messages: [message('p2', 'api', 2000, '')] };
    assert.equal(mustWaitForEarlier(batch, [{ id: 'p1', origin: 'api', publishedAt: 1000 }]), false);
  });
});
