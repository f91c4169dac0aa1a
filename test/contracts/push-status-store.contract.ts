import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushMeta, PushStatusStore } from '../../src/cluster/push-status-store.js';
import { subjects, type Subject } from './subject.js';

let n = 0;
function meta(over: Partial<PushMeta> = {}): PushMeta {
  const now = Date.now();
  return { id: `push-${++n}-${Math.random().toString(36).slice(2, 8)}`, target: 'devices', qos: 1, acceptedAt: now + n, deliverAt: now, expiresAt: 0, collapseKey: null, targeted: 3, ...over };
}

/** What every push status store does; run against each implementation. */
export function pushStatusStoreContract(implementation: string, make: () => Promise<Subject<PushStatusStore>>): void {
  describe(`a push status store (${implementation})`, () => {
    const fresh = subjects(make);

    it('counts each device from pending to sent to acknowledged, once, whatever order receipts come in', async () => {
      const store = await fresh();
      const m = meta();
      await store.create(m, 'accepted', ['d1', 'd2', 'd3']);
      assert.equal(await store.receipts([
        { pushId: m.id, deviceId: 'd1', state: 'sent' }, { pushId: m.id, deviceId: 'd1', state: 'acked' },
        { pushId: m.id, deviceId: 'd2', state: 'acked' }, { pushId: m.id, deviceId: 'd2', state: 'sent' },
        { pushId: m.id, deviceId: 'd1', state: 'acked' }, { pushId: 'unknown', deviceId: 'd1', state: 'sent' },
      ]), 3, 'a sent after acked, a repeat and an unknown push change nothing');
      const st = await store.status(m.id);
      assert.deepEqual([st?.state, st?.counts], ['accepted', { pending: 1, sent: 0, acked: 2, expired: 0, cancelled: 0, replaced: 0 }]);
      assert.deepEqual(await store.deviceStates(m.id), { d1: 'acked', d2: 'acked', d3: 'pending' });
      const page = await store.devices(m.id, undefined, 2);
      assert.deepEqual([page.items.map((i) => i.deviceId), page.next], [['d1', 'd2'], 'd2']);
      assert.deepEqual((await store.devices(m.id, 'd2', 2)).items, [{ deviceId: 'd3', state: 'pending' }]);
    });

    it('counts the receipts of a broadcast to many devices, none of them listed, sent and acknowledged in one write', async () => {
      const store = await fresh();
      const m = meta({ target: 'broadcast', targeted: 0 });
      await store.create(m, 'accepted', null);
      const devices = Array.from({ length: 1200 }, (_, i) => `bc-${i}`);
      const receipts = devices.flatMap((d) => [{ pushId: m.id, deviceId: d, state: 'sent' as const }, { pushId: m.id, deviceId: d, state: 'acked' as const }]);
      assert.equal(await store.receipts(receipts), 2400, 'more receipts than one script call takes, each applied in order');
      assert.equal(await store.receipts(receipts.slice(0, 10)), 0, 'repeats change nothing');
      assert.deepEqual((await store.status(m.id))?.counts, { pending: 0, sent: 0, acked: 1200, expired: 0, cancelled: 0, replaced: 0 });
      const states = await store.deviceStates(m.id);
      assert.equal(Object.keys(states).length, 1200);
      assert.ok(Object.values(states).every((s) => s === 'acked'));
    });

    it('expires what was not acknowledged once, at its time, and cancels what was not delivered', async () => {
      const store = await fresh();
      const now = Date.now();
      const m = meta({ expiresAt: now + 1000 });
      await store.create(m, 'accepted', ['d1', 'd2', 'd3']);
      await store.receipts([{ pushId: m.id, deviceId: 'd1', state: 'acked' }, { pushId: m.id, deviceId: 'd2', state: 'sent' }]);
      assert.ok(!(await store.due(now, 10)).includes(m.id));
      assert.ok((await store.due(now + 1000, 10)).includes(m.id));
      assert.equal(await store.expire(m.id, now + 1000), 2);
      assert.equal(await store.expire(m.id, now + 1000), -1, 'swept once');
      assert.deepEqual((await store.status(m.id))?.counts, { pending: 0, sent: 0, acked: 1, expired: 2, cancelled: 0, replaced: 0 });
      const c = meta();
      await store.create(c, 'scheduled', ['d1', 'd2']);
      await store.receipts([{ pushId: c.id, deviceId: 'd1', state: 'sent' }]);
      assert.equal(await store.cancel(c.id), 1);
      assert.equal((await store.status(c.id))?.state, 'cancelled');
      assert.deepEqual(await store.deliverable([{ pushId: c.id, deviceId: 'd1' }, { pushId: m.id, deviceId: 'd3' }]), [false, true]);
      assert.equal(await store.cancel('nope'), null);
    });

    it('replaces an older push still pending for a device when a newer one has its collapse key', async () => {
      const store = await fresh();
      const key = `score-${Math.random()}`;
      const older = meta();
      await store.create(older, 'accepted', ['d1', 'd2']);
      assert.equal(await store.collapse(older.id, key, ['d1', 'd2'], 60_000), 0);
      await store.receipts([{ pushId: older.id, deviceId: 'd2', state: 'acked' }]);
      const newer = meta();
      await store.create(newer, 'accepted', ['d1', 'd2']);
      assert.equal(await store.collapse(newer.id, key, ['d1', 'd2'], 60_000), 1, 'only where the older one was still pending');
      assert.deepEqual(await store.deviceStates(older.id), { d1: 'replaced', d2: 'acked' });
      assert.deepEqual(await store.deliverable([{ pushId: older.id, deviceId: 'd1' }, { pushId: newer.id, deviceId: 'd1' }]), [false, true]);
    });

    it('lists recent pushes newest first, turns a scheduled push accepted, and forgets one never accepted', async () => {
      const store = await fresh();
      const a = meta();
      const b = meta();
      await store.create(a, 'scheduled', null);
      await store.create(b, 'accepted', null);
      const ids = (await store.recent(200)).map((r) => r.id);
      assert.ok(ids.indexOf(b.id) < ids.indexOf(a.id) && ids.includes(a.id));
      await store.markAccepted(a.id);
      assert.equal((await store.status(a.id))?.state, 'accepted');
      await store.forget(b.id);
      assert.equal(await store.status(b.id), null);
      assert.ok(!(await store.recent(200)).some((r) => r.id === b.id));
    });
  });
}
