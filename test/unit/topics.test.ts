import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BROADCAST_TOPIC, deviceTopic, insideRoots, isReservedTopic, isSysTopic, publishFilters, subscribeRoots, tagTopic, userTopic } from '../../src/topics.js';

const device = { id: 'phone-1', user: 'alice', tags: ['beta', 'eu'] };

test('a device may subscribe to its own, its user\'s, its tags\' and the broadcast topic trees', () => {
  const roots = subscribeRoots(device);
  for (const ok of ['devices/phone-1', 'devices/phone-1/#', 'users/alice/+', 'tags/beta', 'tags/eu/news', 'broadcast', 'broadcast/#']) {
    assert.equal(insideRoots(ok, roots), true, ok);
  }
  for (const denied of ['devices/phone-2', 'devices/phone-10', 'devices/#', 'devices/+', '#', 'users/bob', 'tags/us', 'broadcasts', 'devices/phone-1x']) {
    assert.equal(insideRoots(denied, roots), false, denied);
  }
});

test('a device without a user alias gets no users/ tree', () => {
  assert.deepEqual(subscribeRoots({ id: 'x', user: null, tags: [] }), ['devices/x', 'broadcast']);
});

test('publish filters fill in the device id and user, and drop {user} filters for a device without one', () => {
  assert.deepEqual(publishFilters(['devices/{id}/up/#', 'users/{user}/from/{id}'], device), ['devices/phone-1/up/#', 'users/alice/from/phone-1']);
  assert.deepEqual(publishFilters(['devices/{id}/up/#', 'users/{user}/x'], { id: 'x', user: null }), ['devices/x/up/#']);
});

test('pushes go to devices/<id>, users/<user>, tags/<tag> and broadcast', () => {
  assert.deepEqual([deviceTopic('phone-1'), userTopic('alice'), tagTopic('beta'), BROADCAST_TOPIC], ['devices/phone-1', 'users/alice', 'tags/beta', 'broadcast']);
});

test('topics starting with $ are the server\'s own, $SYS/ the broker\'s status topics', () => {
  assert.equal(isReservedTopic('$SYS/broker/uptime'), true);
  assert.equal(isReservedTopic('$share/g/t'), true);
  assert.equal(isReservedTopic('devices/$x'), false);
  assert.equal(isSysTopic('$SYS/broker/uptime'), true);
  assert.equal(isSysTopic('$SYSX'), false);
});
