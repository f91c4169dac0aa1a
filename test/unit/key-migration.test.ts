import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { taggedName } from '../../src/cluster/key-migration.js';
import { RedisKeys } from '../../src/cluster/keys.js';

const keys = new RedisKeys('rp:');

describe('moving keys written before hash tags to their tagged names', () => {
  it('moves each family to the name RedisKeys gives it now', () => {
    const cases: [string, string][] = [
      ['retained', keys.retained()], ['retained:clock', keys.retainedClock()], ['edges:load', keys.edgeLoads()],
      ['sessions', keys.sessions()], ['session:epochs', keys.sessionEpochs()],
      ['edge:edge-1:sessions', keys.edgeSessions('edge-1')], ['edge:edge-1:wills', keys.edgeWills('edge-1')],
      ['routes:edge-2', keys.routes('edge-2')], ['routes:version', keys.routesVersion()],
      ['psession:phone:7', keys.persistentSession('phone:7')], ['psession:phone:7:queued', keys.persistentQueued('phone:7')],
      ['psessions:index', keys.persistentIndex()], ['device:d1', keys.device('d1')], ['devices', keys.devices()],
      ['devices:user:alice', keys.userDevices('alice')], ['devices:tag:beta', keys.tagDevices('beta')],
      ['idem:admin:k-1', keys.idempotency('admin', 'k-1')], ['rate:admin', keys.rateBucket('admin')],
      ['push:p1', keys.push('p1')], ['push:p1:devices', keys.pushDevices('p1')], ['pushes:events', keys.pushEvents()],
    ];
    for (const [old, now] of cases) assert.equal(taggedName(old, keys), now, old);
  });

  it('leaves tagged keys, unknown keys and collapse pointers alone', () => {
    assert.equal(taggedName('{edges}', keys), null);
    assert.equal(taggedName('psession:{phone}', keys), null);
    assert.equal(taggedName('collapse:d1:score', keys), null);
    assert.equal(taggedName('something-else', keys), null);
  });
});
