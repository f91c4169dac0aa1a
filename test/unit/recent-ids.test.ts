import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentIds } from '../../src/bus/recent-ids.js';

describe('recently seen ids', () => {
  it('reports a repeat, and forgets the oldest past its capacity', () => {
    const ids = new RecentIds(2);
    assert.equal(ids.add('a'), true);
    assert.equal(ids.add('a'), false);
    ids.add('b');
    ids.add('c');
    assert.equal(ids.add('a'), true, 'a was forgotten');
    assert.equal(ids.add('c'), false);
  });
});
