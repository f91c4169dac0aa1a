import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControlMessage } from '../../src/bus/control.js';
import { ControlHandler } from '../../src/edge/control-handler.js';
import { createLogger } from '../../src/log.js';

function handler() {
  const seen: string[] = [];
  const h = new ControlHandler({
    edgeId: 'edge-1', startedAt: 1000, log: createLogger('error', { service: 'test' }),
    forgetCredentials: (id) => seen.push(`forget ${id}`),
    drain: () => seen.push('drain'),
    shed: (count) => { seen.push(`shed ${count}`); return Promise.resolve(count); },
    sessions: (m) => seen.push(`sessions ${m.kind}`),
  });
  return { h, seen };
}

describe('the edge\'s control messages', () => {
  it('drains and sheds only when the request names this edge and came after this process started', () => {
    const { h, seen } = handler();
    h.handle({ kind: 'drain', edgeId: 'edge-2', requestedAt: 2000 } as ControlMessage);
    h.handle({ kind: 'drain', edgeId: 'edge-1', requestedAt: 500 } as ControlMessage);
    h.handle({ kind: 'shed', edgeId: 'edge-1', count: 3, requestedAt: 500 } as ControlMessage);
    assert.deepEqual(seen, [], 'another edge\'s requests and an earlier life\'s are left alone');
    h.handle({ kind: 'drain', edgeId: 'edge-1', requestedAt: 2000 } as ControlMessage);
    h.handle({ kind: 'shed', edgeId: 'edge-1', count: 3, requestedAt: 2000 } as ControlMessage);
    assert.deepEqual(seen, ['drain', 'shed 3']);
  });

  it('drops a revoked device\'s cached credentials and hands every other message to the sessions', () => {
    const { h, seen } = handler();
    h.handle({ kind: 'revoke', clientId: 'dev-1' } as ControlMessage);
    assert.deepEqual(seen, ['forget dev-1', 'sessions revoke']);
  });
});
