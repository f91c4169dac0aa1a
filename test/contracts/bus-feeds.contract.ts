import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { BusSender } from '../../src/bus/batching-producer.js';
import { encodeControl } from '../../src/bus/control.js';
import type { DeliveryFeed, ReceivedMessage, ReceivedSessionMessage, SessionFeed, SessionOutcome } from '../../src/bus/feeds.js';
import { BROADCAST_TAG, CONTROL_TOPIC, DELIVERY_TOPIC, SESSION_TOPIC, edgeTag } from '../../src/bus/names.js';
import { encodeBatch } from '../../src/message/envelope.js';
import { subjects, type Subject } from './subject.js';

/** A bus to test: a started sender, and the reading sides as an edge builds them. */
export interface BusUnderTest {
  sender: BusSender;
  deliveryFeed(edgeId: string): DeliveryFeed;
  sessionFeed(retryLaterMs: number): SessionFeed;
  /** Longest wait for a message to arrive (a JVM's first reads take seconds). */
  waitMs: number;
}

/** A valid, empty delivery batch: a real edge reading the same topic takes it for a duplicate-free no-op. */
const emptyBatch = (id: string) => encodeBatch({ batchId: id, messages: [] });

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a delivery feed for a new edge id and waits until a message sent to it arrives (a new group starts at the newest message). */
async function readyDeliveryFeed(bus: BusUnderTest, got: ReceivedMessage[], consume?: (m: ReceivedMessage) => Promise<void>) {
  const edgeId = `c-${randomUUID().slice(0, 8)}`;
  const feed = bus.deliveryFeed(edgeId);
  const probes = new Set<string>();
  await feed.start(async (m) => {
    if (m.keys.some((k) => probes.has(k))) { probes.clear(); probes.add('seen'); return; }
    got.push(m);
    await consume?.(m);
  });
  const deadline = Date.now() + bus.waitMs;
  while (!probes.has('seen')) {
    if (Date.now() > deadline) throw new Error('the delivery feed never received its probe');
    const id = randomUUID();
    probes.add(id);
    await bus.sender.send({ topic: DELIVERY_TOPIC, tag: edgeTag(edgeId), messageGroup: `probe-${edgeId}`, keys: [id], body: emptyBatch(id) });
    await until(() => probes.has('seen'), Math.min(2000, bus.waitMs), 'probe').catch(() => undefined);
  }
  return { edgeId, feed };
}

/** What every bus's reading side promises (bus/feeds.ts); run against each implementation. */
export function busFeedsContract(implementation: string, make: () => Promise<Subject<BusUnderTest>>): void {
  describe(`the bus's delivery feed (${implementation})`, () => {
    const fresh = subjects(make);

    it('hands an edge what is tagged for it or for every edge, and control messages, never what is tagged for another edge', async () => {
      const bus = await fresh();
      const got: ReceivedMessage[] = [];
      const { edgeId, feed } = await readyDeliveryFeed(bus, got);
      const mine = randomUUID();
      const everyone = randomUUID();
      const other = randomUUID();
      const control = randomUUID();
      const group = `g-${randomUUID()}`;
      await bus.sender.send({ topic: DELIVERY_TOPIC, tag: edgeTag('someone-else'), messageGroup: group, keys: [other], body: emptyBatch(other) });
      await bus.sender.send({ topic: DELIVERY_TOPIC, tag: edgeTag(edgeId), messageGroup: group, keys: [mine], body: emptyBatch(mine) });
      await bus.sender.send({ topic: DELIVERY_TOPIC, tag: BROADCAST_TAG, messageGroup: group, keys: [everyone], body: emptyBatch(everyone) });
      await bus.sender.send({ topic: CONTROL_TOPIC, tag: BROADCAST_TAG, keys: [control], body: encodeControl({ kind: 'probe', id: control }) });
      const has = (id: string) => got.some((m) => m.keys.includes(id));
      await until(() => has(mine) && has(everyone) && has(control), bus.waitMs, 'the edge\'s messages');
      assert.equal(has(other), false, 'another edge\'s message was handed over');
      const received = got.find((m) => m.keys.includes(mine))!;
      assert.equal(received.topic, DELIVERY_TOPIC);
      assert.equal(received.tag, edgeTag(edgeId));
      assert.deepEqual(received.body, emptyBatch(mine));
      assert.ok(received.bornAt !== undefined && Math.abs(received.bornAt - Date.now()) < 60_000, 'bornAt is the send time');
      assert.equal(got.find((m) => m.keys.includes(control))!.topic, CONTROL_TOPIC);
      await feed.stop();
    });

    it('hands one message group\'s messages over in send order', async () => {
      const bus = await fresh();
      const got: ReceivedMessage[] = [];
      const { edgeId, feed } = await readyDeliveryFeed(bus, got, () => new Promise((r) => setTimeout(r, 5)));
      got.length = 0;
      const group = `g-${randomUUID()}`;
      const ids: string[] = Array.from({ length: 20 }, () => randomUUID());
      for (const id of ids) await bus.sender.send({ topic: DELIVERY_TOPIC, tag: edgeTag(edgeId), messageGroup: group, keys: [id], body: emptyBatch(id) });
      await until(() => ids.every((id) => got.some((m) => m.keys.includes(id))), bus.waitMs, 'the group\'s messages');
      const order = got.map((m) => m.keys[0]).filter((k) => ids.includes(k!));
      assert.deepEqual([...new Set(order)], ids, 'send order');
      await feed.stop();
    });
  });

  describe(`the bus's session feed (${implementation})`, () => {
    const fresh = subjects(make);
    const lite = () => `s-ct-${randomUUID().slice(0, 12)}`;
    const send = (bus: BusUnderTest, liteTopic: string, id: string) =>
      bus.sender.send({ topic: SESSION_TOPIC, liteTopic, keys: [id], body: Buffer.from(id) } as Parameters<BusSender['send']>[0]);

    async function reader(bus: BusUnderTest, answer: (m: ReceivedSessionMessage, seen: number) => SessionOutcome) {
      const got: ReceivedSessionMessage[] = [];
      const feed = bus.sessionFeed(500);
      await feed.start((m) => { got.push(m); return Promise.resolve(answer(m, got.length)); });
      return { feed, got };
    }

    it('reads a queue from the offset asked for, in order, telling each batch\'s place', async () => {
      const bus = await fresh();
      const liteTopic = lite();
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await send(bus, liteTopic, id);
      const { feed, got } = await reader(bus, () => 'done');
      await feed.subscribe(liteTopic, 1);
      await until(() => got.length >= 2, bus.waitMs, 'the batches from offset 1');
      assert.deepEqual(got.map((m) => m.body.toString()), ids.slice(1));
      assert.deepEqual(got.map((m) => m.place.offset), [1, 2]);
      assert.ok(got.every((m) => m.liteTopic === liteTopic));
      const queue = got[0]!.place.queue;
      assert.notEqual(queue, '', 'the broker group is told');
      await until(() => feed.queueGroups().includes(queue), bus.waitMs, 'the queue\'s group among the feed\'s groups');
      await feed.stop();
    });

    it('hands a batch answered \'later\' out again before any later batch of its queue', async () => {
      const bus = await fresh();
      const liteTopic = lite();
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await send(bus, liteTopic, id);
      const { feed, got } = await reader(bus, (_m, seen) => (seen === 1 ? 'later' : 'done'));
      await feed.subscribe(liteTopic, 0);
      await until(() => got.length >= 4, bus.waitMs, 'the batches, one of them twice');
      assert.deepEqual(got.map((m) => m.body.toString()), [ids[0], ids[0], ids[1], ids[2]]);
      await feed.stop();
    });

    it('hands over what is sent while the queue is being read', async () => {
      const bus = await fresh();
      const liteTopic = lite();
      const { feed, got } = await reader(bus, () => 'done');
      await feed.subscribe(liteTopic, 0);
      const ids = [randomUUID(), randomUUID()];
      for (const id of ids) await send(bus, liteTopic, id);
      await until(() => got.length >= 2, bus.waitMs, 'the batches sent after the subscription');
      assert.deepEqual(got.map((m) => m.body.toString()), ids);
      await feed.stop();
    });
  });
}
