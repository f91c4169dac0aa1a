// stack: runs beside other stack tests, ~40 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertOrderAndCompleteness, killMidFlow, PER_DEVICE } from './persistent-edge-kill.js';

describe('an edge killed while QoS 2 messages flow to persistent sessions on it', () => {
  it('QoS 2: the devices resume on another edge, nothing is lost and nothing arrives twice', async () => {
    const receipts = await killMidFlow(2, 'test-edge-sessions-q2');
    assertOrderAndCompleteness(receipts);
    for (const r of receipts) assert.equal(r.length, PER_DEVICE, 'each message exactly once');
  });
});
