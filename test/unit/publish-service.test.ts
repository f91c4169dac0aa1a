import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBusPublisher } from '../../src/bus/memory/memory-bus-publisher.js';
import { BROADCAST_TAG, NOBODY_TAG, edgeTag, sessionLiteTopic } from '../../src/bus/names.js';
import { PublishService } from '../../src/bus/publish-service.js';
import { RouteResolver } from '../../src/bus/route-resolver.js';
import { SessionResolver } from '../../src/bus/session-resolver.js';
import { MemoryRetainedStore } from '../../src/cluster/memory/memory-retained-store.js';
import { MemoryRouteTable } from '../../src/cluster/memory/memory-route-table.js';
import { MemorySessionStore } from '../../src/cluster/memory/memory-session-store.js';
import { createLogger } from '../../src/log.js';

/** The publish service on the in-memory stores and bus: where an accepted message goes. */
async function service(opts: { cap?: number; broadcastThreshold?: number } = {}) {
  const routeTable = new MemoryRouteTable();
  const sessions = new MemorySessionStore();
  const retained = new MemoryRetainedStore();
  const bus = new MemoryBusPublisher();
  const routes = new RouteResolver(routeTable, opts.broadcastThreshold ?? 10);
  const sessionResolver = new SessionResolver(sessions);
  const publisher = new PublishService({
    producer: bus, retained, origin: 'edge-1', defaultTtlMs: 0, routes, sessions: sessionResolver,
    sessionStore: sessions, sessionPendingCap: opts.cap ?? 100, log: createLogger('error', { service: 'test' }),
  });
  const persistent = async (clientId: string, filter: string, qos: 1 | 2 = 1) => {
    const { generation } = await sessions.open(clientId);
    await sessions.subscribe(clientId, generation, [{ topic: filter, qos }]);
    return sessionLiteTopic(generation);
  };
  return { routeTable, sessions, retained, bus, publisher, persistent };
}

const input = (topic: string, payload = 'p', qos: 0 | 1 | 2 = 1, retain = false) =>
  ({ topic, payload: Buffer.from(payload), qos, retain, clientId: 'dev-pub' });

describe('publishing a message', () => {
  it('tags it for every edge with a matching subscriber, and for nobody when none has one', async () => {
    const { routeTable, bus, publisher } = await service();
    await routeTable.add('edge-2', 'a/+');
    await routeTable.add('edge-3', 'a/#');
    await routeTable.add('edge-4', 'b');
    // The first publish finds the routes cache empty and catches up with the table while it is sent.
    await publisher.publish(input('a/1'));
    assert.deepEqual(bus.tagged.map((t) => t.tag).filter((t) => t !== NOBODY_TAG).sort(), [edgeTag('edge-2'), edgeTag('edge-3')].sort());
    assert.ok(bus.tagged.every((t) => t.laneKey === 'dev-pub'), 'one lane per publisher keeps its order');
    bus.tagged.length = 0;
    await publisher.publish(input('a/2'));
    assert.deepEqual(bus.tagged.map((t) => t.tag).sort(), [edgeTag('edge-2'), edgeTag('edge-3')].sort(), 'from the cache, once each');
    bus.tagged.length = 0;
    await publisher.publish(input('c'));
    assert.deepEqual(bus.tagged.map((t) => t.tag), [NOBODY_TAG]);
  });

  it('sends the copy for edges that became interested while it was sent to those edges only, never to every edge', async () => {
    const { routeTable, bus, publisher } = await service({ broadcastThreshold: 1 });
    await routeTable.add('edge-2', 'x');
    await publisher.publish(input('x'));
    bus.tagged.length = 0;
    // The cache still says edge-2 only; edge-3 subscribes before the next publish arrives.
    await routeTable.add('edge-3', 'x');
    await publisher.publish(input('x'));
    assert.deepEqual(bus.tagged.map((t) => t.tag), [edgeTag('edge-2'), edgeTag('edge-3')],
      'past the threshold now, but a broadcast copy would reach edge-2 a second time');
    bus.tagged.length = 0;
    await publisher.publish(input('x'));
    assert.deepEqual(bus.tagged.map((t) => t.tag), [BROADCAST_TAG], 'the next one goes to every edge at once');
  });

  it('tags it for every edge at once when more edges want it than the broadcast threshold', async () => {
    const { routeTable, bus, publisher } = await service({ broadcastThreshold: 2 });
    for (const e of ['e1', 'e2', 'e3']) await routeTable.add(e, 'x/#');
    await publisher.publish(input('x/y'));
    bus.tagged.length = 0;
    await publisher.publish(input('x/z'));
    assert.deepEqual(bus.tagged.map((t) => t.tag), [BROADCAST_TAG]);
  });

  it('reaches an edge whose device subscribed just before, though the cached routes did not have it yet', async () => {
    const { routeTable, bus, publisher } = await service();
    await publisher.publish(input('warm/up'));
    await routeTable.add('edge-9', 'late/topic');
    await publisher.publish(input('late/topic'));
    assert.deepEqual(bus.taggedFor(edgeTag('edge-9')).map((m) => m.topic), ['late/topic']);
  });

  it('queues a QoS 1/2 message for each persistent session that wants it, at the lower of the two QoS, with a place counted', async () => {
    const { bus, publisher, persistent, sessions } = await service();
    const q1 = await persistent('dev-a', 'news/#', 1);
    const q2 = await persistent('dev-b', 'news/+', 2);
    await persistent('dev-c', 'other', 1);
    await publisher.publish(input('news/today', 'hello', 2));
    assert.deepEqual([bus.sessionQueues.get(q1)?.map((m) => m.qos), bus.sessionQueues.get(q2)?.map((m) => m.qos)], [[1], [2]]);
    assert.deepEqual([await sessions.pending('dev-a'), await sessions.pending('dev-b'), await sessions.pending('dev-c')], [1, 1, 0]);
    await publisher.publish(input('news/today', 'fire and forget', 0));
    assert.equal(bus.sessionQueues.get(q1)?.length, 1, 'QoS 0 is not queued for sessions');
  });

  it('does not queue past a session\'s cap, and still queues for the others', async () => {
    const { bus, publisher, persistent } = await service({ cap: 2 });
    const full = await persistent('dev-full', 't', 1);
    for (let i = 0; i < 3; i++) await publisher.publish(input('t', `m${i}`));
    assert.deepEqual(bus.sessionQueues.get(full)?.map((m) => m.payload.toString()), ['m0', 'm1']);
    assert.equal(publisher.stats.sessionOverflow, 1);
  });

  it('gives a session\'s place back and fails the publish when its queue could not be written', async () => {
    const { bus, publisher, persistent, sessions } = await service();
    await persistent('dev-a', 't', 1);
    bus.failNext(2);
    await assert.rejects(publisher.publish(input('t')), /bus away/);
    assert.equal(await sessions.pending('dev-a'), 0);
  });

  it('keeps a retained message for subscribers that come later, after it was sent', async () => {
    const { retained, publisher } = await service();
    await publisher.publish(input('status/door', 'open', 1, true));
    assert.deepEqual((await retained.all()).map((m) => [m.topic, m.payload.toString()]), [['status/door', 'open']]);
  });
});
