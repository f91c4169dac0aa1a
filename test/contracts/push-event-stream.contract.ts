import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { PushEventStream } from '../../src/cluster/push-event-stream.js';
import type { PushMeta, PushStatusStore } from '../../src/cluster/push-status-store.js';
import { subjects, type Subject } from './subject.js';

/** A push status store and the stream of the events it records. */
export interface PushEventsUnderTest {
  status: PushStatusStore;
  stream: PushEventStream;
}

const meta = (): PushMeta => ({
  id: randomUUID(), target: 'devices', qos: 1, acceptedAt: Date.now(), deliverAt: Date.now(), expiresAt: Date.now() + 60_000, collapseKey: null, targeted: 2,
});

/** What every push event stream does; run against each implementation. */
export function pushEventStreamContract(implementation: string, make: () => Promise<Subject<PushEventsUnderTest>>): void {
  describe(`a push event stream (${implementation})`, () => {
    const fresh = subjects(make);

    it('hands the events recorded after it was joined to one consumer, in order, pending until acknowledged', async () => {
      const { status, stream } = await fresh();
      const before = meta();
      await status.create(before, 'accepted', ['d0']);
      await status.receipts([{ pushId: before.id, deviceId: 'd0', state: 'acked' }]);
      await stream.join();
      const m = meta();
      await status.create(m, 'accepted', ['d1', 'd2']);
      await status.receipts([{ pushId: m.id, deviceId: 'd1', state: 'acked' }, { pushId: m.id, deviceId: 'd2', state: 'sent' }]);
      await status.expire(m.id, m.expiresAt + 1);
      const got = await stream.next('c1', 10, 1000);
      assert.deepEqual(got.map((e) => e.event.type), ['push.acknowledged', 'push.expired'], 'only events after the join, in order');
      assert.deepEqual(got.map((e) => ({ ...e.event, at: 0 })), [
        { type: 'push.acknowledged', pushId: m.id, deviceId: 'd1', at: 0 },
        { type: 'push.expired', pushId: m.id, deviceIds: ['d2'], at: 0 },
      ]);
      assert.ok(got[0]!.id !== got[1]!.id);
      assert.deepEqual(await stream.next('c2', 10, 50), [], 'another consumer does not get them too');
      assert.deepEqual((await stream.pending('c1', 10)).map((e) => e.id), got.map((e) => e.id));
      await stream.ack([got[0]!.id]);
      assert.deepEqual((await stream.pending('c1', 10)).map((e) => e.id), [got[1]!.id]);
      await stream.ack([got[1]!.id]);
      assert.deepEqual(await stream.pending('c1', 10), []);
    });

    it('lets another consumer claim what a consumer left pending for longer than the idle time', async () => {
      const { status, stream } = await fresh();
      await stream.join();
      const m = meta();
      await status.create(m, 'accepted', ['d1']);
      await status.receipts([{ pushId: m.id, deviceId: 'd1', state: 'acked' }]);
      const [taken] = await stream.next('dead', 10, 1000);
      assert.ok(taken);
      await stream.claimStale('alive', 60_000, 10);
      assert.deepEqual(await stream.pending('alive', 10), [], 'not before the idle time');
      await new Promise((r) => setTimeout(r, 60));
      await stream.claimStale('alive', 50, 10);
      assert.deepEqual((await stream.pending('alive', 10)).map((e) => e.id), [taken.id]);
      assert.deepEqual(await stream.pending('dead', 10), []);
    });
  });
}
