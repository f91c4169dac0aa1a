import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionRegistry } from '../../src/cluster/session-registry.js';
import { subjects, type Subject } from './subject.js';

/** What every session registry does; run against each implementation. */
export function sessionRegistryContract(implementation: string, make: () => Promise<Subject<SessionRegistry>>): void {
  describe(`a session registry (${implementation})`, () => {
    const fresh = subjects(make);

    it('hands out a higher epoch at every CONNECT of a client id, and the latest one is its home', async () => {
      const reg = await fresh();
      const first = await reg.claim('dev-1', 'e1');
      const second = await reg.claim('dev-1', 'e2');
      assert.ok(second.epoch > first.epoch);
      assert.deepEqual({ ...(await reg.locate('dev-1')), since: 0 }, { edgeId: 'e2', epoch: second.epoch, since: 0 });
      assert.equal(await reg.locate('dev-2'), null);
    });

    it('tells each claim which edge was the client\'s home before it, if any', async () => {
      const reg = await fresh();
      assert.equal((await reg.claim('dev-1', 'e1')).previousEdge, '');
      assert.equal((await reg.claim('dev-1', 'e1')).previousEdge, 'e1');
      const moved = await reg.claim('dev-1', 'e2');
      assert.equal(moved.previousEdge, 'e1');
      await reg.release('dev-1', 'e2', moved.epoch);
      assert.equal((await reg.claim('dev-1', 'e3')).previousEdge, '', 'a released session has no home');
    });

    it('forgets a session only for the connection that holds the latest epoch', async () => {
      const reg = await fresh();
      const old = (await reg.claim('dev-1', 'e1')).epoch;
      const now = (await reg.claim('dev-1', 'e2')).epoch;
      assert.equal(await reg.release('dev-1', 'e1', old), false, 'the taken-over connection leaves the new one alone');
      assert.equal((await reg.locate('dev-1'))?.edgeId, 'e2');
      assert.equal(await reg.release('dev-1', 'e2', now), true);
      assert.equal(await reg.locate('dev-1'), null);
      assert.ok((await reg.claim('dev-1', 'e1')).epoch > now, 'epochs keep growing after a release');
    });

    it('marks offline every session still homed on a dead edge, and no other', async () => {
      const reg = await fresh();
      await reg.claim('a', 'dead');
      await reg.claim('b', 'dead');
      await reg.claim('b', 'alive');
      await reg.claim('c', 'alive');
      const released = await reg.releaseAllOf('dead');
      assert.ok(released.includes('a'));
      assert.equal(await reg.locate('a'), null);
      assert.equal((await reg.locate('b'))?.edgeId, 'alive');
      assert.equal((await reg.locate('c'))?.edgeId, 'alive');
    });
  });
}
