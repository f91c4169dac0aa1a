import { TagExpressionError } from '../errors.js';

/**
 * Tag expressions of push targets: tags combined with AND, OR, NOT and parentheses, e.g.
 * `beta AND (eu OR us) AND NOT churned`. NOT binds tighter than AND, AND tighter than OR.
 */
export type TagExpression =
  | { op: 'tag'; tag: string }
  | { op: 'not'; of: TagExpression }
  | { op: 'and' | 'or'; of: [TagExpression, TagExpression] };

const TAG = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
const MAX_TAGS = 32;

export function parseTagExpression(text: string): TagExpression {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  let tags = 0;
  const peek = () => tokens[pos];
  const expect = (what: string) => { throw new TagExpressionError(`expected ${what} at token ${pos + 1}${peek() ? ` ("${peek()}")` : ' (end)'}`); };

  const primary = (): TagExpression => {
    const t = peek();
    if (t === undefined) return expect('a tag, NOT or (');
    if (t === '(') {
      pos++;
      const inner = or();
      if (peek() !== ')') expect(')');
      pos++;
      return inner;
    }
    if (t.toUpperCase() === 'NOT') { pos++; return { op: 'not', of: primary() }; }
    if (['AND', 'OR', ')'].includes(t.toUpperCase()) || !TAG.test(t)) return expect('a tag');
    pos++;
    if (++tags > MAX_TAGS) throw new TagExpressionError(`at most ${MAX_TAGS} tags in one expression`);
    return { op: 'tag', tag: t };
  };
  const and = (): TagExpression => {
    let left = primary();
    while (peek()?.toUpperCase() === 'AND') { pos++; left = { op: 'and', of: [left, primary()] }; }
    return left;
  };
  const or = (): TagExpression => {
    let left = and();
    while (peek()?.toUpperCase() === 'OR') { pos++; left = { op: 'or', of: [left, and()] }; }
    return left;
  };

  const expr = or();
  if (pos < tokens.length) expect('AND, OR or the end');
  return expr;
}

export function tagsOf(e: TagExpression): string[] {
  if (e.op === 'tag') return [e.tag];
  if (e.op === 'not') return tagsOf(e.of);
  return [...new Set([...tagsOf(e.of[0]), ...tagsOf(e.of[1])])];
}

/** The ids matching `e`, given each tag's ids and every id (for NOT). */
export function evaluate(e: TagExpression, byTag: Map<string, Set<string>>, all: Set<string>): Set<string> {
  switch (e.op) {
    case 'tag': return byTag.get(e.tag) ?? new Set();
    case 'not': { const inner = evaluate(e.of, byTag, all); return new Set([...all].filter((id) => !inner.has(id))); }
    case 'and': { const [a, b] = [evaluate(e.of[0], byTag, all), evaluate(e.of[1], byTag, all)]; return new Set([...a].filter((id) => b.has(id))); }
    case 'or': return new Set([...evaluate(e.of[0], byTag, all), ...evaluate(e.of[1], byTag, all)]);
  }
}
