import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiKeys } from '../../src/api-keys-setting.js';
import { findKey } from '../../src/api/api-keys.js';
import { ApiKeyConfigError } from '../../src/errors.js';

test('API_KEYS entries are name:key:scopes, * granting every scope', () => {
  const keys = parseApiKeys('backend:0123456789abcdef:publish+devices.read, ops:fedcba9876543210:*');
  assert.deepEqual(keys.map((k) => [k.name, [...k.scopes].sort()]), [
    ['backend', ['devices.read', 'publish']],
    ['ops', ['cluster.write', 'devices.read', 'devices.write', 'keys.manage', 'publish', 'push']],
  ]);
  assert.equal(findKey(keys, 'fedcba9876543210')?.name, 'ops');
  assert.equal(findKey(keys, 'fedcba9876543211'), null);
});

test('an entry may set its own rate in requests per second', () => {
  const [slow, usual] = parseApiKeys('slow:0123456789abcdef:push:5,usual:0123456789abcdeg:push');
  assert.equal(slow!.ratePerSecond, 5);
  assert.equal(usual!.ratePerSecond, null);
  assert.throws(() => parseApiKeys('x:0123456789abcdef:push:fast'), /rate "fast"/);
});

test('an empty API_KEYS configures no key', () => {
  assert.deepEqual(parseApiKeys(''), []);
});

test('malformed API_KEYS entries are refused with the entry named', () => {
  assert.throws(() => parseApiKeys('backend:short:publish'), (e: Error) => e instanceof ApiKeyConfigError && /shorter than 16/.test(e.message));
  assert.throws(() => parseApiKeys('backend:0123456789abcdef'), /not name:key:scopes/);
  assert.throws(() => parseApiKeys('backend:0123456789abcdef:push:1:2'), /not name:key:scopes/);
  assert.throws(() => parseApiKeys('backend:0123456789abcdef:fly'), /scope "fly"/);
  assert.throws(() => parseApiKeys('a:0123456789abcdef:*,a:0123456789abcdeg:*'), /appears twice/);
});
