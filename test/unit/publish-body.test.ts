import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload, publishBody } from '../../src/api/schemas.js';
import { PayloadDecodeError } from '../../src/errors.js';

describe('the POST /v1/publish body', () => {
  it('fills defaults: utf8, QoS 1, not retained', () => {
    const r = publishBody.parse({ topic: 'a/b', payload: 'x' });
    assert.deepEqual(r, { topic: 'a/b', payload: 'x', encoding: 'utf8', qos: 1, retain: false });
  });

  it('refuses wildcards, $ topics and empty topics', () => {
    for (const topic of ['a/+', 'a/#', '$SYS/x', '']) assert.equal(publishBody.safeParse({ topic, payload: 'x' }).success, false, topic);
  });

  it('decodes base64 and refuses what is not base64', () => {
    assert.deepEqual(decodePayload(publishBody.parse({ topic: 'a', payload: 'AAH/', encoding: 'base64' })), Buffer.from([0, 1, 255]));
    assert.throws(() => decodePayload(publishBody.parse({ topic: 'a', payload: 'not base64!', encoding: 'base64' })), PayloadDecodeError);
  });
});
