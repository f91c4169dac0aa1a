import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageOptions } from 'rocketmq-client-nodejs';
import { BatchingProducer, type BusSender } from '../../src/bus/batching-producer.js';
import { decodeBatch, type BusMessage } from '../../src/message/envelope.js';
import { createLogger } from '../../src/log.js';
import { ProducerStoppedError } from '../../src/errors.js';

const log = createLogger('error', { service: 'test' });
const turn = () => new Promise((r) => setImmediate(r));

interface Sent { options: MessageOptions; ids: string[]; batchId: string; answer: (err?: Error) => void }

/** RocketMQ as the batcher sees it: every send waits until the test answers it. */
class FakeSender implements BusSender {
  sent: Sent[] = [];
  async startup(): Promise<void> { /* nothing to connect */ }
  async shutdown(): Promise<void> { /* nothing to close */ }
  send(options: MessageOptions): Promise<unknown> {
    const batch = decodeBatch(options.body);
    return new Promise((resolve, reject) => {
      this.sent.push({ options, batchId: batch.batchId, ids: batch.messages.map((m) => m.id), answer: (err) => (err ? reject(err) : resolve({})) });
    });
  }
  answerAll(): void { for (const s of this.sent) s.answer(); }
}

let n = 0;
const message = (clientId: string): BusMessage => ({
  id: `m${++n}`, topic: 't', payload: Buffer.from('x'), qos: 1, retain: false, origin: 'edge-test', clientId, publishedAt: Date.now(), expiresAt: 0,
});

async function producer(over: Partial<ConstructorParameters<typeof BatchingProducer>[0]> = {}) {
  const sender = new FakeSender();
  const p = new BatchingProducer({
    endpoints: 'unused', namespace: '', requestTimeoutMs: 1000, producerId: 'edge-test', maxMessages: 256, maxBytes: 512 * 1024,
    lingerMs: 0, lanes: 8, laneInFlight: 1, maxQueued: 1000, retryMaxMs: 50, log, sender, ...over,
  });
  await p.start();
  return { p, sender };
}

function settled(p: Promise<unknown>): () => string {
  let state = 'pending';
  p.then(() => { state = 'resolved'; }, (err: unknown) => { state = `rejected: ${String(err)}`; });
  return () => state;
}

describe('batching producer: accepted means durable, many publishes per RocketMQ message', () => {
  it('resolves a publish only once RocketMQ answered the batch holding it', async () => {
    const { p, sender } = await producer();
    const state = settled(p.publish(message('a'), 'a', ['e-1']));
    await turn(); await turn();
    assert.equal(sender.sent.length, 1);
    assert.equal(state(), 'pending');
    sender.sent[0]!.answer();
    await turn();
    assert.equal(state(), 'resolved');
  });

  it('sends an idle lane at the end of the turn: the publishes of that turn share one batch, none waits for a timer', async () => {
    const { p, sender } = await producer();
    const ms = [message('a'), message('a'), message('a')];
    const all = Promise.all(ms.map((m) => p.publish(m, 'a', ['e-1'])));
    assert.equal(sender.sent.length, 0);
    await turn(); await turn();
    assert.equal(sender.sent.length, 1);
    assert.deepEqual(sender.sent[0]!.ids, ms.map((m) => m.id));
    sender.answerAll();
    await all;
  });

  it('keeps one batch in flight per lane and one publisher\'s order across batches', async () => {
    const { p, sender } = await producer();
    const first = [message('a'), message('a')];
    const done = first.map((m) => p.publish(m, 'a', ['e-1']));
    await turn(); await turn();
    const later = [message('a'), message('a'), message('a')];
    done.push(...later.map((m) => p.publish(m, 'a', ['e-1'])));
    await turn(); await turn();
    assert.equal(sender.sent.length, 1, 'the second batch waits for the first');
    sender.sent[0]!.answer();
    await turn(); await turn(); await turn();
    assert.equal(sender.sent.length, 2);
    assert.deepEqual(sender.sent[1]!.ids, later.map((m) => m.id));
    assert.equal(sender.sent[0]!.options.messageGroup, sender.sent[1]!.options.messageGroup);
    sender.sent[1]!.answer();
    await Promise.all(done);
  });

  it('with a window of several batches per lane, sends the next batch without waiting for the answer to the one before', async () => {
    const { p, sender } = await producer({ laneInFlight: 3 });
    const done: Promise<void>[] = [];
    for (let b = 0; b < 4; b++) {
      done.push(p.publish(message('a'), 'a', ['e-1']));
      await turn(); await turn();
    }
    assert.equal(sender.sent.length, 3, 'three in flight, the fourth waits for room in the window');
    const batches = sender.sent.map((s) => decodeBatch(s.options.body));
    assert.equal(new Set(batches.map((b) => b.stream)).size, 1, 'one stream per lane');
    assert.deepEqual(batches.map((b) => b.seq), [0, 1, 2]);
    assert.deepEqual(batches.map((b) => b.batchId), batches.map((b) => `${b.stream}.${b.seq}`));
    sender.sent[0]!.answer();
    await turn(); await turn(); await turn();
    assert.equal(sender.sent.length, 4);
    assert.equal(decodeBatch(sender.sent[3]!.options.body).seq, 3);
    sender.answerAll();
    await Promise.all(done);
  });

  it('answers a lane\'s publishes in publish order even when RocketMQ answers a later batch first', async () => {
    const { p, sender } = await producer({ laneInFlight: 4 });
    const states: (() => string)[] = [];
    for (let b = 0; b < 3; b++) {
      states.push(settled(p.publish(message('a'), 'a', ['e-1'])));
      await turn(); await turn();
    }
    assert.equal(sender.sent.length, 3);
    sender.sent[2]!.answer();
    sender.sent[1]!.answer();
    await turn(); await turn();
    assert.deepEqual(states.map((s) => s()), ['pending', 'pending', 'pending'], 'later batches wait for the first');
    sender.sent[0]!.answer();
    await turn(); await turn();
    assert.deepEqual(states.map((s) => s()), ['resolved', 'resolved', 'resolved']);
  });

  it('a new life of a producer starts a new stream, so readers do not mistake its batches for old ones', async () => {
    const one = await producer({ laneInFlight: 2 });
    const two = await producer({ laneInFlight: 2 });
    const a = one.p.publish(message('a'), 'a', ['e-1']);
    const b = two.p.publish(message('a'), 'a', ['e-1']);
    await turn(); await turn();
    const s1 = decodeBatch(one.sender.sent[0]!.options.body);
    const s2 = decodeBatch(two.sender.sent[0]!.options.body);
    assert.equal(s1.seq, 0);
    assert.equal(s2.seq, 0);
    assert.notEqual(s1.stream, s2.stream);
    assert.equal(one.sender.sent[0]!.options.messageGroup, two.sender.sent[0]!.options.messageGroup, 'the same lane, the same message group');
    one.sender.answerAll(); two.sender.answerAll();
    await Promise.all([a, b]);
  });

  it('sends different publishers on parallel lanes, and one batch per delivery tag', async () => {
    const { p, sender } = await producer({ lanes: 64 });
    const pubs = Array.from({ length: 20 }, (_, i) => `client-${i}`);
    const done = pubs.map((c) => p.publish(message(c), c, ['e-1', 'e-2']));
    await turn(); await turn();
    const groups = new Set(sender.sent.map((s) => s.options.messageGroup));
    assert.ok(groups.size > 8, `lanes used: ${groups.size}`);
    assert.deepEqual(new Set(sender.sent.map((s) => s.options.tag)), new Set(['e-1', 'e-2']));
    sender.answerAll();
    await Promise.all(done);
  });

  it('numbers a lane\'s batches across its tags in one message group, and names the last batch of each tag that shares readers', async () => {
    const { p, sender } = await producer({ laneInFlight: 4 });
    const done = [p.publish(message('a'), 'a', ['e-1'])];
    await turn(); await turn();
    done.push(p.publish(message('a'), 'a', ['e-2']));
    await turn(); await turn();
    done.push(p.publish(message('a'), 'a', ['all']));
    await turn(); await turn();
    const batches = sender.sent.map((s) => decodeBatch(s.options.body));
    assert.deepEqual(batches.map((b) => b.seq), [0, 1, 2], 'one numbering for the lane');
    assert.deepEqual(sender.sent.map((s) => s.options.tag), ['e-1', 'e-2', 'all']);
    assert.equal(new Set(sender.sent.map((s) => s.options.messageGroup)).size, 1, 'one queue for the lane, whatever the tag');
    assert.deepEqual(batches[1]!.previous, [], 'no edge reads both e-1 and e-2');
    assert.deepEqual(batches[2]!.previous, [{ seq: 0, tag: 'e-1', unanswered: true }, { seq: 1, tag: 'e-2', unanswered: true }], 'every edge reads all');
    sender.sent[0]!.answer();
    await turn(); await turn();
    done.push(p.publish(message('a'), 'a', ['e-1']));
    await turn(); await turn();
    assert.deepEqual(decodeBatch(sender.sent[3]!.options.body).previous, [{ seq: 0, tag: 'e-1', unanswered: false }, { seq: 2, tag: 'all', unanswered: true }],
      'the last of each tag an e-1 reader reads, answered or not');
    sender.answerAll();
    await Promise.all(done);
  });

  it('does not send a publisher\'s message under a new tag before its earlier one under a tag that shares readers', async () => {
    const { p, sender } = await producer({ lanes: 1, laneInFlight: 1 });
    const first = message('a');
    const queued = message('a');
    const moved = message('a');
    const other = message('b');
    const done = [p.publish(first, 'a', ['e-1'])];
    await turn(); await turn();
    // e-1's window is full: `queued` waits; `moved` goes to every edge (a route change) after it.
    done.push(p.publish(queued, 'a', ['e-1']), p.publish(moved, 'a', ['all']));
    await turn(); await turn();
    assert.equal(sender.sent.length, 1, 'the message under the new tag waits for the earlier one to be sent');
    done.push(p.publish(other, 'b', ['all']));
    await turn(); await turn();
    assert.equal(sender.sent.length, 1, 'behind it in its tag\'s queue, another publisher waits too');
    sender.sent[0]!.answer();
    await turn(); await turn(); await turn();
    assert.deepEqual(sender.sent.slice(1).map((s) => s.ids), [[queued.id], [moved.id, other.id]]);
    assert.deepEqual(decodeBatch(sender.sent[2]!.options.body).previous, [{ seq: 1, tag: 'e-1', unanswered: true }]);
    sender.answerAll();
    await turn(); await turn();
    sender.answerAll();
    await Promise.all(done);
  });

  it('retries a failed send with the same batch id, so a consumer can drop a repeat', async () => {
    const { p, sender } = await producer();
    const done = p.publish(message('a'), 'a', ['e-1']);
    await turn(); await turn();
    sender.sent[0]!.answer(new Error('proxy gone'));
    while (sender.sent.length < 2) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sender.sent[1]!.batchId, sender.sent[0]!.batchId);
    sender.sent[1]!.answer();
    await done;
    assert.equal(p.stats.sendRetries, 1);
  });

  it('makes publishers wait for room past maxQueued, and wakes them as batches are answered', async () => {
    const { p, sender } = await producer({ maxQueued: 4, lanes: 1 });
    assert.equal(p.room(), undefined);
    const done = Array.from({ length: 4 }, () => p.publish(message('a'), 'a', ['e-1']));
    const room = p.room();
    assert.ok(room, 'full: a promise of room');
    const roomState = settled(room);
    await turn(); await turn();
    assert.equal(roomState(), 'pending');
    sender.answerAll();
    await Promise.all(done);
    await turn();
    assert.equal(roomState(), 'resolved');
    assert.equal(p.room(), undefined);
  });

  it('refuses queued publishes when stopped, never resolving them as sent', async () => {
    const { p, sender } = await producer({ lanes: 1 });
    const first = p.publish(message('a'), 'a', ['e-1']);
    await turn(); await turn();
    const queued = settled(p.publish(message('a'), 'a', ['e-1']));
    const stopping = p.stop(20);
    await new Promise((r) => setTimeout(r, 40));
    sender.sent[0]!.answer();
    await first;
    await stopping;
    await turn();
    assert.match(queued(), /^rejected: .*stopped/);
    await assert.rejects(p.publish(message('a'), 'a', ['e-1']), ProducerStoppedError);
  });

  it('when stopped with an earlier batch unsent, refuses the later ones of its lane too, even those RocketMQ took', async () => {
    const { p, sender } = await producer({ lanes: 1, laneInFlight: 2 });
    const first = settled(p.publish(message('a'), 'a', ['e-1']));
    await turn(); await turn();
    const second = settled(p.publish(message('a'), 'a', ['e-1']));
    await turn(); await turn();
    assert.equal(sender.sent.length, 2);
    const stopping = p.stop(20);
    await new Promise((r) => setTimeout(r, 40));
    sender.sent[1]!.answer();
    sender.sent[0]!.answer(new Error('proxy gone'));
    await stopping;
    await turn(); await turn();
    assert.match(first(), /^rejected: .*stopped/);
    assert.match(second(), /^rejected: .*stopped/, 'no PUBACK for a later publish after an earlier one was refused');
  });
});
