import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestMatchingQos, matchesFilter } from '../../src/edge/topic-filter.js';

test('a filter without wildcards matches only the same topic', () => {
  assert.equal(matchesFilter('a/b', 'a/b'), true);
  assert.equal(matchesFilter('a/b', 'a/b/c'), false);
  assert.equal(matchesFilter('a/b', 'a'), false);
});

test('+ matches exactly one level, empty levels included', () => {
  assert.equal(matchesFilter('a/+/c', 'a/b/c'), true);
  assert.equal(matchesFilter('a/+/c', 'a//c'), true);
  assert.equal(matchesFilter('a/+', 'a/b/c'), false);
});

test('# matches the parent level and everything below it', () => {
  assert.equal(matchesFilter('a/#', 'a'), true);
  assert.equal(matchesFilter('a/#', 'a/b/c'), true);
  assert.equal(matchesFilter('#', 'x/y'), true);
  assert.equal(matchesFilter('a/#', 'b'), false);
});

test('wildcards at the first level do not match $ topics', () => {
  assert.equal(matchesFilter('#', '$SYS/x'), false);
  assert.equal(matchesFilter('+/x', '$SYS/x'), false);
  assert.equal(matchesFilter('$SYS/#', '$SYS/x'), true);
});

test('the best matching QoS is the highest among matching subscriptions', () => {
  const subs = { 'a/#': { qos: 0 }, 'a/b': { qos: 2 }, 'c/+': { qos: 1 } };
  assert.equal(bestMatchingQos(subs, 'a/b'), 2);
  assert.equal(bestMatchingQos(subs, 'a/x'), 0);
  assert.equal(bestMatchingQos(subs, 'z'), -1);
});
