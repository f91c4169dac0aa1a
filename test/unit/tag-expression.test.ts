import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, parseTagExpression, tagsOf } from '../../src/push/tag-expression.js';
import { TagExpressionError } from '../../src/errors.js';

const byTag = new Map([
  ['beta', new Set(['a', 'b', 'c'])],
  ['eu', new Set(['a', 'd'])],
  ['us', new Set(['b'])],
  ['churned', new Set(['c'])],
]);
const all = new Set(['a', 'b', 'c', 'd', 'e']);
const run = (text: string) => [...evaluate(parseTagExpression(text), byTag, all)].sort();

test('a single tag selects its devices', () => {
  assert.deepEqual(run('beta'), ['a', 'b', 'c']);
});

test('AND binds tighter than OR, NOT tighter than AND; parentheses group', () => {
  assert.deepEqual(run('eu OR us AND beta'), ['a', 'b', 'd']);
  assert.deepEqual(run('(eu OR us) AND beta'), ['a', 'b']);
  assert.deepEqual(run('beta AND NOT churned'), ['a', 'b']);
  assert.deepEqual(run('NOT beta'), ['d', 'e']);
  assert.deepEqual(run('beta and not (eu or us)'), ['c']);
});

test('an unknown tag selects nobody', () => {
  assert.deepEqual(run('nobody-has-this'), []);
  assert.deepEqual(tagsOf(parseTagExpression('a AND (b OR NOT a)')).sort(), ['a', 'b']);
});

test('malformed expressions are refused with where they went wrong', () => {
  for (const bad of ['', 'AND beta', 'beta AND', '(beta', 'beta)', 'beta eu', 'be/ta', 'NOT']) {
    assert.throws(() => parseTagExpression(bad), TagExpressionError, bad);
  }
});
