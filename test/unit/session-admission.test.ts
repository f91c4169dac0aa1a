import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from 'aedes';
import { decodeControl } from '../../src/bus/control.js';
import { MemorySessionRegistry } from '../../src/cluster/memory/memory-session-registry.js';
import { MemoryWillStore } from '../../src/cluster/memory/memory-will-store.js';
import { createLogger } from '../../src/log.js';
import { SessionGuard } from '../../src/edge/session-guard.js';
import { TakeoverNotices } from '../../src/edge/takeover-notices.js';

const log = createLogger('error', { service: 'test' });
const turn = () => new Promise((r) => setImmediate(r));

/** A connecting device as the guard sees it at aedes' authenticate step. */
function client(id: string): Client & { closed: boolean } {
  const c = { id, clean: true, closed: false, close() { c.closed = true; } };
  return c as unknown as Client & { closed: boolean };
}

/** Admits `c` and reports whether CONNACK would have gone out (true) or been refused (false). */
function admit(guard: SessionGuard, c: Client): Promise<boolean> {
  return new Promise((resolve) => guard.authenticate(c, undefined, undefined, (err, ok) => resolve(!err && ok === true)));
}

function guardOn(edgeId: string, registry: MemorySessionRegistry, notify: (clientId: string, epoch: number) => Promise<void>) {
  return new SessionGuard({
    edgeId, registry, wills: new MemoryWillStore(), log,
    notifyTakeover: notify, willAllowed: () => true, admitted: () => Promise.resolve(),
  });
}

describe('admitting a device: cheap when no other edge holds its session, exact when one does', () => {
  it('does not hold CONNACK for the takeover notice when the session had no home', async () => {
    const notices: string[] = [];
    const guard = guardOn('e1', new MemorySessionRegistry(), (id) => { notices.push(id); return new Promise(() => undefined); });
    assert.equal(await admit(guard, client('dev-1')), true);
    assert.deepEqual(notices, ['dev-1'], 'the notice is still sent, for a registry that lost an entry');
  });

  it('holds CONNACK until the notice is durable when the session was homed on another edge', async () => {
    const registry = new MemorySessionRegistry();
    await registry.claim('dev-1', 'e2');
    let release!: () => void;
    const guard = guardOn('e1', registry, () => new Promise<void>((r) => { release = r; }));
    let admitted = false;
    const done = admit(guard, client('dev-1')).then((ok) => { admitted = ok; });
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(admitted, false, 'waiting for the notice');
    release();
    await done;
    assert.equal(admitted, true);
  });

  it('closes the older connection when a notice with a newer epoch comes, in a batch or alone', async () => {
    const registry = new MemorySessionRegistry();
    const guard = guardOn('e1', registry, () => Promise.resolve());
    const a = client('dev-a');
    const b = client('dev-b');
    await admit(guard, a);
    await admit(guard, b);
    guard.control({ kind: 'takeovers', edgeId: 'e2', sessions: [{ clientId: 'dev-a', epoch: 1 }, { clientId: 'dev-b', epoch: 9 }] });
    assert.equal(a.closed, false, 'not an older epoch: its own claim');
    assert.equal(b.closed, true);
    guard.control({ kind: 'takeover', clientId: 'dev-a', epoch: 2, edgeId: 'e2' });
    assert.equal(a.closed, true);
  });
});

function guardWithWills() {
  const wills = new MemoryWillStore();
  const guard = new SessionGuard({
    edgeId: 'e1', registry: new MemorySessionRegistry(), wills, log,
    notifyTakeover: () => Promise.resolve(), willAllowed: () => true, admitted: () => Promise.resolve(),
  });
  return { guard, wills };
}

describe('the will record of an admitted device', () => {
  it('is kept for a device with a will, and dropped when another edge takes the session over', async () => {
    const { guard, wills } = guardWithWills();
    const c = client('dev-w');
    (c as unknown as { _will: object })._will = { topic: 'status/dev-w', payload: Buffer.from('gone'), qos: 1, retain: false };
    await admit(guard, c);
    assert.deepEqual((await wills.all('e1')).map((w) => w.clientId), ['dev-w']);
    guard.control({ kind: 'takeovers', edgeId: 'e2', sessions: [{ clientId: 'dev-w', epoch: 5 }] });
    await turn();
    assert.deepEqual(await wills.all('e1'), [], 'this edge dying later must not publish it');
  });

  it('is cleared when the same client reconnects here without a will', async () => {
    const { guard, wills } = guardWithWills();
    const first = client('dev-w');
    (first as unknown as { _will: object })._will = { topic: 'status/dev-w', payload: Buffer.from('gone'), qos: 1, retain: false };
    await admit(guard, first);
    await admit(guard, client('dev-w'));
    assert.deepEqual(await wills.all('e1'), []);
  });
});

describe('takeover notices: the CONNECTs of one turn share one control message', () => {
  it('sends one message for every notice of a turn, and resolves each once it was sent', async () => {
    const sent: Buffer[] = [];
    let answer!: () => void;
    const notices = new TakeoverNotices({ edgeId: 'e1', giveUpAfterMs: 1000, sendControl: (body) => { sent.push(body); return new Promise((r) => { answer = r; }); } });
    let resolved = 0;
    const all = Array.from({ length: 300 }, (_, i) => notices.notify(`dev-${i}`, i + 1).then(() => { resolved++; }));
    await turn();
    assert.equal(sent.length, 1);
    const message = decodeControl(sent[0]!);
    assert.equal(message.kind, 'takeovers');
    assert.equal(message.kind === 'takeovers' && message.sessions.length, 300);
    assert.equal(resolved, 0, 'not before RocketMQ answered');
    answer();
    await Promise.all(all);
    assert.equal(resolved, 300);
  });

  it('lets a notice nobody waits for wait for others, and sends it with the first one a CONNACK waits for', async () => {
    const sent: Buffer[] = [];
    const notices = new TakeoverNotices({ edgeId: 'e1', giveUpAfterMs: 1000, lingerMs: 60_000, sendControl: (body) => { sent.push(body); return Promise.resolve(); } });
    const quiet = notices.notify('dev-1', 1, false);
    await turn(); await turn();
    assert.equal(sent.length, 0, 'lingering');
    const waited = notices.notify('dev-2', 1, true);
    await Promise.all([quiet, waited]);
    assert.equal(sent.length, 1);
    const m = decodeControl(sent[0]!);
    assert.deepEqual(m.kind === 'takeovers' && m.sessions.map((s) => s.clientId), ['dev-1', 'dev-2']);
  });

  it('splits a large turn into messages of at most maxPerMessage, and fails the notices of a message that could not be sent', async () => {
    const sent: Buffer[] = [];
    const notices = new TakeoverNotices({
      edgeId: 'e1', giveUpAfterMs: 1000, maxPerMessage: 100,
      sendControl: (body) => { sent.push(body); return sent.length === 2 ? Promise.reject(new Error('bus away')) : Promise.resolve(); },
    });
    const results = await Promise.allSettled(Array.from({ length: 250 }, (_, i) => notices.notify(`dev-${i}`, 1)));
    assert.deepEqual(sent.map((b) => { const m = decodeControl(b); return m.kind === 'takeovers' ? m.sessions.length : 0; }), [100, 100, 50]);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 100);
  });
});
