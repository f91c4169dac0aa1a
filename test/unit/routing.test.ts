import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, eventually, settle, subscribed, uniqueTopic, waitFor } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/80): the route table sends a message only to the edges with
// subscribers, here on the in-memory cluster; the Redis route table passes the same contract suite.
let cluster: InProcessCluster;
before(async () => { cluster = await InProcessCluster.start(); });
after(async () => { await cluster.stop(); });

/** Messages each edge of `on` read from the bus while `messages` unicast messages went from edge `pub` to a subscriber on edge `sub`. */
async function unicastLoad(on: InProcessCluster, messages: number, pub: number, sub: number): Promise<number[]> {
  const topic = uniqueTopic('unicast');
  const { got } = await subscribed(on.edgeUrl(sub), topic);
  const read = () => on.edges.map((_, i) => on.edgeStat(i, 'messages'));
  const before = read();
  const publisher = await connect(on.edgeUrl(pub));
  await Promise.all(Array.from({ length: messages }, (_, i) => publisher.publishAsync(topic, `u${i}`, { qos: 1 })));
  await waitFor(() => got.length >= messages, 10_000, 'the unicast messages');
  // Room for a copy that went to an edge it should not have.
  await settle(500);
  return read().map((n, i) => n - (before[i] ?? 0));
}

describe('the route table sends a message only to the edges with subscribers', () => {
  it('reaches a subscription acknowledged just before the publish, every time', async () => {
    const pub = await connect(cluster.edgeUrl(0));
    for (let round = 0; round < 20; round++) {
      const topic = uniqueTopic(`fresh-${round}`);
      const { got } = await subscribed(cluster.edgeUrl(1), topic);
      await pub.publishAsync(topic, 'right after SUBACK', { qos: 1 });
      await waitFor(() => got.length >= 1, 5000, `round ${round}`);
    }
  });

  it('rebuilds an edge\'s routes that the state lost, from the edge\'s own subscriptions', async () => {
    const routes = cluster.memory.stores.routes;
    const topic = uniqueTopic('lost-routes');
    const { got } = await subscribed(cluster.edgeUrl(1), topic);
    await routes.clear('edge-2');
    await eventually(async () => (await routes.snapshot()).routes.get('edge-2')?.includes(topic) ?? false, 10_000, 'the route to come back');
    const pub = await connect(cluster.edgeUrl(0));
    await pub.publishAsync(topic, 'after the repair', { qos: 1 });
    await waitFor(() => got.length >= 1, 5000, 'delivery after the repair');
  });

  it('costs the same work per unicast message with 1, 2 and 4 edges: only the subscriber\'s edge reads it', async () => {
    const messages = 100;
    const solo = await InProcessCluster.start({ edges: 1 });
    try {
      assert.deepEqual(await unicastLoad(solo, messages, 0, 0), [messages], '1 edge: it read each message once');
    } finally {
      await solo.stop();
    }
    const twoEdges = await unicastLoad(cluster, messages, 0, 1);
    await cluster.addEdge();
    await cluster.addEdge();
    const fourEdges = await unicastLoad(cluster, messages, 0, 1);
    assert.deepEqual(twoEdges, [0, messages], '2 edges: only the subscriber\'s edge read each message, once');
    assert.deepEqual(fourEdges, [0, messages, 0, 0], '4 edges: only the subscriber\'s edge read each message, once');
  });
});
