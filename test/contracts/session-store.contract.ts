import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESERVATION_GRACE_MS, type SessionStore } from '../../src/cluster/session-store.js';
import { subjects, type Subject } from './subject.js';

const ref = (id: string, origin = 'edge-1') => ({ id, origin });

/** What every persistent session store does; run against each implementation. */
export function sessionStoreContract(implementation: string, make: () => Promise<Subject<SessionStore>>): void {
  describe(`a persistent session store (${implementation})`, () => {
    const fresh = subjects(make);

    it('opens a session once: the same generation on every later open, until it is discarded', async () => {
      const store = await fresh();
      const first = await store.open('dev-1');
      assert.deepEqual([first.created, first.positions], [true, {}]);
      const again = await store.open('dev-1');
      assert.deepEqual([again.created, again.generation], [false, first.generation]);
      assert.equal(await store.exists('dev-1'), true);
      await store.discard('dev-1');
      assert.equal(await store.exists('dev-1'), false);
      assert.notEqual((await store.open('dev-1')).generation, first.generation);
    });

    it('keeps subscriptions in the session and in the index publishers match, with a version that moves', async () => {
      const store = await fresh();
      const { generation } = await store.open('dev-1');
      const v0 = await store.indexVersion();
      await store.subscribe('dev-1', generation, [{ topic: 'a/+', qos: 1 }, { topic: 'b', qos: 2 }]);
      assert.deepEqual((await store.subscriptions('dev-1')).sort((x, y) => x.topic.localeCompare(y.topic)), [{ topic: 'a/+', qos: 1 }, { topic: 'b', qos: 2 }]);
      const index = await store.index();
      assert.ok(index.version > v0);
      assert.deepEqual(index.subscriptions.filter((s) => s.clientId === 'dev-1').sort((x, y) => x.filter.localeCompare(y.filter)),
        [{ clientId: 'dev-1', filter: 'a/+', qos: 1, generation }, { clientId: 'dev-1', filter: 'b', qos: 2, generation }]);
      await store.unsubscribe('dev-1', ['a/+']);
      assert.deepEqual((await store.index()).subscriptions.filter((s) => s.clientId === 'dev-1').map((s) => s.filter), ['b']);
      await store.discard('dev-1');
      assert.deepEqual((await store.index()).subscriptions.filter((s) => s.clientId === 'dev-1'), []);
      assert.deepEqual(await store.subscriptions('dev-1'), []);
    });

    it('writes back a lost session with its generation, and leaves one that is there alone', async () => {
      const store = await fresh();
      assert.equal(await store.restore('dev-1', 'g1', [{ topic: 't', qos: 1 }]), true);
      assert.equal((await store.open('dev-1')).generation, 'g1');
      assert.equal(await store.restore('dev-1', 'g1', [{ topic: 't', qos: 1 }]), false, 'already there');
      assert.equal(await store.restore('dev-1', 'other', [{ topic: 't', qos: 1 }, { topic: 'u', qos: 1 }]), false, 'another generation');
    });

    it('counts queued messages against a cap, once each, and gives places back', async () => {
      const store = await fresh();
      await store.open('dev-1');
      assert.equal(await store.reserve('dev-1', { ...ref('m1'), publishedAt: 10 }, 2), true);
      assert.equal(await store.reserve('dev-1', { ...ref('m1'), publishedAt: 10 }, 2), true, 'the same message again takes no second place');
      assert.equal(await store.reserve('dev-1', { ...ref('m2'), publishedAt: 20 }, 2), true);
      assert.equal(await store.reserve('dev-1', { ...ref('m3'), publishedAt: 30 }, 2), false, 'at the cap');
      assert.equal(await store.pending('dev-1'), 2);
      assert.equal((await store.queueState('dev-1')).oldestQueuedAt, 10);
      await store.unreserve('dev-1', ref('m1'));
      assert.deepEqual([await store.pending('dev-1'), (await store.queueState('dev-1')).oldestQueuedAt], [1, 20]);
    });

    it('hands out packet ids once per message, keeps them for a resend, and remembers PUBREC and done', async () => {
      const store = await fresh();
      await store.open('dev-1');
      const sent = await store.markSent('dev-1', ['b1:0', 'b1:1']);
      const [p0, p1] = [sent.get('b1:0')!.packetId, sent.get('b1:1')!.packetId];
      assert.notEqual(p0, p1);
      assert.equal((await store.markSent('dev-1', ['b1:0'])).get('b1:0')!.packetId, p0, 'a resend keeps its packet id');
      await store.markReleased('dev-1', 'b1:1', p1);
      const { states } = await store.states('dev-1', ['b1:0', 'b1:1', 'b1:2']);
      assert.deepEqual(states, [{ kind: 'sent', packetId: p0 }, { kind: 'released', packetId: p1 }, { kind: 'new' }]);
      await store.markDone('dev-1', [{ key: 'b1:0', message: ref('m0') }]);
      assert.deepEqual((await store.states('dev-1', ['b1:0'])).states, [{ kind: 'done' }]);
    });

    it('keeps a read position per broker group, and finds earlier queued messages of a window, oldest first', async () => {
      const store = await fresh();
      await store.open('dev-1');
      for (const [id, at] of [['m5', 500], ['m1', 100], ['m3', 300]] as const) await store.reserve('dev-1', { ...ref(id), publishedAt: at }, 100);
      await store.reserve('dev-1', { id: 'p1', origin: 'api', publishedAt: 200 }, 100);
      await store.markDone('dev-1', [{ key: 'b:0', message: ref('m1') }], { queue: 'rp-broker-a', nextOffset: 4, oldestPublishedAt: 100 });
      await store.markDone('dev-1', [], { queue: 'rp-broker-b', nextOffset: 1, oldestPublishedAt: 300 });
      const read = await store.states('dev-1', [], { since: 150, before: 500 });
      assert.deepEqual(read.positions, { 'rp-broker-a': 4, 'rp-broker-b': 1 });
      assert.deepEqual(read.earlier, [{ origin: 'api', id: 'p1', publishedAt: 200 }, { origin: 'edge-1', id: 'm3', publishedAt: 300 }]);
      assert.deepEqual((await store.open('dev-1')).positions, { 'rp-broker-a': 4, 'rp-broker-b': 1 });
    });

    it('gives back places whose message never came once a batch published long after them is done', async () => {
      const store = await fresh();
      await store.open('dev-1');
      const late = 10 * RESERVATION_GRACE_MS;
      await store.reserve('dev-1', { ...ref('lost'), publishedAt: 1 }, 100);
      await store.reserve('dev-1', { ...ref('recent'), publishedAt: late - 1000 }, 100);
      await store.markDone('dev-1', [], { queue: 'rp-broker-a', nextOffset: 1, oldestPublishedAt: late });
      assert.deepEqual([await store.pending('dev-1'), (await store.queueState('dev-1')).oldestQueuedAt], [1, late - 1000]);
    });

    it('records no position for a session that was discarded meanwhile', async () => {
      const store = await fresh();
      await store.open('dev-1');
      await store.discard('dev-1');
      await store.markDone('dev-1', [], { queue: 'rp-broker-a', nextOffset: 9, oldestPublishedAt: Number.POSITIVE_INFINITY });
      assert.deepEqual((await store.open('dev-1')).positions, {});
    });
  });
}
