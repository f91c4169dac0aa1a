import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, settle, sleep, subscribed, uniqueTopic, waitFor } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// A route change moves a publisher's next messages to another delivery tag: from "edge-2 only" to
// "every edge" when a subscription appears on a third edge (ROUTE_BROADCAST_THRESHOLD 1 here), and
// back when it goes. The in-memory RocketMQ stores a lane's batches out of order (swapWithinMs), so
// a reader that did not restore one order across the lane's tags would see a message published
// after a change before one published just before it. The publishing edge also sends the first
// messages after a widening again for the edges that became interested; the subscriber that had
// them must not get them twice.
let cluster: InProcessCluster;
before(async () => {
  cluster = await InProcessCluster.start({ edges: 3, swapWithinMs: 30, env: { ROUTE_BROADCAST_THRESHOLD: '1' } });
});
after(async () => { await cluster.stop(); });

describe('order across a route change', () => {
  it('delivers every publisher\'s QoS 2 messages once each and in order while the topic\'s route flips between one edge and every edge', async () => {
    const topic = uniqueTopic('route-flip');
    const steady = await subscribed(cluster.edgeUrl(1), `${topic}/#`, 2);
    const pubs = await Promise.all(Array.from({ length: 8 }, () => connect(cluster.edgeUrl(0))));
    const perPublisher = 240;
    let publishing = true;
    // A subscriber on the third edge comes and goes while the publishers send: each time, the
    // topic's messages switch tags.
    const flips = (async () => {
      const flipper = await connect(cluster.edgeUrl(2));
      // A publishing edge re-reads its routes when it publishes to a topic not sent to every edge:
      // this one's publishes make it see the narrowing too, not only the widening.
      const nudger = await connect(cluster.edgeUrl(0));
      let count = 0;
      for (let on = true; publishing; on = !on) {
        await sleep(10);
        if (on) await flipper.subscribeAsync(`${topic}/#`, { qos: 1 });
        else await flipper.unsubscribeAsync(`${topic}/#`);
        await nudger.publishAsync(`${topic}-nudge`, 'n', { qos: 1 });
        count++;
      }
      await Promise.all([flipper.endAsync(true), nudger.endAsync(true)]);
      return count;
    })();
    await Promise.all(pubs.map(async (pub, p) => {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < perPublisher; i += 3) {
        for (let j = i; j < Math.min(i + 3, perPublisher); j++) sends.push(pub.publishAsync(`${topic}/${p}`, String(j), { qos: 2 }));
        await sleep(1);
      }
      await Promise.all(sends);
    }));
    publishing = false;
    const flipCount = await flips;
    assert.ok(flipCount >= 4, `the route changed several times while messages flowed (${flipCount})`);
    const of = (p: number) => steady.got.filter((m) => m.topic === `${topic}/${p}`).map((m) => Number(m.payload));
    await waitFor(() => steady.got.length >= pubs.length * perPublisher, 15_000, () => `${steady.got.length}/${pubs.length * perPublisher} messages`);
    await settle(300);
    for (let p = 0; p < pubs.length; p++) {
      assert.deepEqual(of(p), Array.from({ length: perPublisher }, (_, i) => i), `publisher ${p}: each message once, in order`);
    }
    const late = cluster.edgeStat(1, 'lateBatches');
    assert.equal(late, 0, 'no batch came after its place was given up on');
  });

  it('gives a subscriber that got SUBACK just before the publishes began every message once, in order', async () => {
    // The publishing edge's cached routes do not know the subscription yet: its first messages reach
    // the subscriber as copies sent once the routes were read again, and must not come after later ones.
    const pub = await connect(cluster.edgeUrl(0));
    for (let round = 0; round < 10; round++) {
      const topic = uniqueTopic(`fresh-${round}`);
      const { got } = await subscribed(cluster.edgeUrl(1), topic, 2);
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        sends.push(pub.publishAsync(topic, String(i), { qos: 2 }));
        if (i % 3 === 2) await sleep(1);
      }
      await Promise.all(sends);
      await waitFor(() => got.length >= 30, 10_000, () => `round ${round}: ${got.length}/30`);
      await settle(100);
      assert.deepEqual(got.map((m) => Number(m.payload)), Array.from({ length: 30 }, (_, i) => i), `round ${round}`);
    }
  });
});
