import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BROADCAST_TAG, edgeTag } from '../../src/bus/names.js';
import { RouteMatcher } from '../../src/bus/route-matcher.js';

const routes = new Map([
  ['edge-1', ['devices/+/cmd', 'news/#']],
  ['edge-2', ['devices/d2/cmd']],
  ['edge-3', ['news/sport']],
  ['edge-4', ['#']],
]);

describe('routing a topic to the edges with subscribers', () => {
  it('finds the edges whose filters match, wildcards included', () => {
    const m = new RouteMatcher(routes, 10);
    assert.deepEqual([...m.edges('devices/d2/cmd')].sort(), ['edge-1', 'edge-2', 'edge-4']);
    assert.deepEqual([...m.edges('devices/d9/cmd')].sort(), ['edge-1', 'edge-4']);
    assert.deepEqual([...m.edges('news')].sort(), ['edge-1', 'edge-4'], 'news/# also matches news');
    assert.deepEqual([...m.edges('weather/today')], ['edge-4']);
  });

  it('tags a message once per interested edge, and once for all above the threshold', () => {
    const m = new RouteMatcher(routes, 2);
    assert.deepEqual(m.tags('weather/today', false), [edgeTag('edge-4')]);
    assert.deepEqual(m.tags('devices/d2/cmd', false), [BROADCAST_TAG]);
  });

  it('sends nothing when no edge is interested, and retained messages to every edge', () => {
    const m = new RouteMatcher(new Map([['edge-1', ['a/b']]]), 3);
    assert.deepEqual(m.tags('x/y', false), []);
    assert.deepEqual(m.tags('x/y', true), [BROADCAST_TAG]);
  });
});
