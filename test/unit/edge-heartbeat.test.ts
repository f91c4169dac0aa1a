import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EdgeHeartbeat } from '../../src/cluster/edge-registry.js';
import { MemoryEdgeRegistry } from '../../src/cluster/memory/memory-edge-registry.js';
import { createLogger } from '../../src/log.js';

describe('an edge\'s heartbeat', () => {
  it('announces the edge at once, refreshes its record and counters every interval, and takes it out when stopped', async () => {
    const registry = new MemoryEdgeRegistry();
    let delivered = 0;
    const beat = new EdgeHeartbeat(registry, createLogger('error', { service: 'test' }));
    await beat.start({ id: 'e1', port: 1883, pid: 1, startedAt: 1 }, 20, () => ({ delivered }));
    const first = await registry.get('e1');
    assert.equal(first?.stats?.delivered, 0);
    delivered = 5;
    await new Promise((r) => setTimeout(r, 60));
    const later = await registry.get('e1');
    assert.equal(later?.stats?.delivered, 5);
    assert.ok(later!.seenAt >= first!.seenAt);
    await beat.stop();
    assert.equal(await registry.get('e1'), null);
  });
});
