import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceRegistry } from '../../src/cluster/device-registry.js';
import { subjects, type Subject } from './subject.js';

/** What every device registry does; run against each implementation. */
export function deviceRegistryContract(implementation: string, make: () => Promise<Subject<DeviceRegistry>>): void {
  describe(`a device registry (${implementation})`, () => {
    const fresh = subjects(make);

    it('registers a device once, with a secret that verifies it until the secret is rotated', async () => {
      const reg = await fresh();
      const made = await reg.register('phone-1', 'alice', ['beta']);
      assert.ok(made);
      assert.deepEqual({ ...made.device, createdAt: 0, updatedAt: 0 }, { id: 'phone-1', user: 'alice', tags: ['beta'], createdAt: 0, updatedAt: 0 });
      assert.equal(await reg.register('phone-1', null, []), null, 'the id is taken');
      assert.equal((await reg.verify('phone-1', made.secret))?.id, 'phone-1');
      assert.equal(await reg.verify('phone-1', 'wrong'), null);
      const next = await reg.rotateSecret('phone-1');
      assert.ok(next && next !== made.secret);
      assert.equal(await reg.verify('phone-1', made.secret), null, 'the old secret stops working');
      assert.equal((await reg.verify('phone-1', next))?.id, 'phone-1');
      assert.equal(await reg.rotateSecret('nobody'), null);
      assert.equal(await reg.verify('nobody', next), null);
    });

    it('finds devices by user and by tag, and moves them between indexes when they change', async () => {
      const reg = await fresh();
      await reg.register('a', 'alice', ['eu', 'beta']);
      await reg.register('b', 'bob', ['eu']);
      await reg.register('c', null, []);
      assert.deepEqual(await reg.ids({ user: 'alice' }), ['a']);
      assert.deepEqual(await reg.ids({ tag: 'eu' }), ['a', 'b']);
      assert.deepEqual(await reg.ids({}), ['a', 'b', 'c']);
      const changed = await reg.update('a', { user: 'bob', tags: ['us'] });
      assert.deepEqual([changed?.user, changed?.tags], ['bob', ['us']]);
      assert.deepEqual(await reg.ids({ user: 'alice' }), []);
      assert.deepEqual(await reg.ids({ user: 'bob' }), ['a', 'b']);
      assert.deepEqual(await reg.ids({ tag: 'eu' }), ['b']);
      assert.deepEqual(await reg.ids({ tag: 'us' }), ['a']);
      assert.equal((await reg.update('b', { user: null }))?.user, null, 'a user alias can be taken away');
      assert.deepEqual(await reg.ids({ user: 'bob' }), ['a']);
      assert.equal(await reg.update('nobody', { tags: [] }), null);
    });

    it('lists devices in id order a page at a time, and forgets removed ones everywhere', async () => {
      const reg = await fresh();
      for (const id of ['d3', 'd1', 'd2', 'd4']) await reg.register(id, 'u', ['t']);
      const first = await reg.list({}, null, 3);
      assert.deepEqual(first.items.map((d) => d.id), ['d1', 'd2', 'd3']);
      assert.equal(first.next, 'd3');
      const second = await reg.list({}, first.next, 3);
      assert.deepEqual([second.items.map((d) => d.id), second.next], [['d4'], null]);
      assert.deepEqual((await reg.list({ tag: 't' }, 'd2', 10)).items.map((d) => d.id), ['d3', 'd4']);
      assert.equal(await reg.remove('d2'), true);
      assert.equal(await reg.remove('d2'), false);
      assert.deepEqual(await reg.existing(['d1', 'd2', 'zz']), ['d1']);
      assert.deepEqual(await reg.ids({ user: 'u' }), ['d1', 'd3', 'd4']);
      assert.equal(await reg.get('d2'), null);
    });
  });
}
