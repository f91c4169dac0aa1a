// stack: runs beside other stack tests, ~50 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertOrderAndCompleteness, DEVICES, killMidFlow } from './persistent-edge-kill.js';

describe('an edge killed while QoS 1 messages flow to persistent sessions on it', () => {
  it('QoS 1: the devices resume on another edge, nothing is lost, and every repeat carries DUP', async () => {
    const receipts = await killMidFlow(1, 'test-edge-sessions-q1');
    assertOrderAndCompleteness(receipts);
    let repeats = 0;
    for (const r of receipts) {
      const seen = new Set<string>();
      for (const x of r) {
        if (seen.has(x.payload)) { repeats++; assert.equal(x.dup, true, `repeat of ${x.payload} has DUP`); }
        seen.add(x.payload);
      }
    }
    // Each device had received one message it had not acknowledged when the edge died.
    assert.ok(repeats >= DEVICES, `at least one repeat per device (got ${repeats})`);
  });
});
