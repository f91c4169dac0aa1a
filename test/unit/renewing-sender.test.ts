import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MessageOptions } from 'rocketmq-client-nodejs';
import type { BusSender } from '../../src/bus/batching-producer.js';
import { RenewingSender, isStaleMessageType } from '../../src/bus/renewing-sender.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('error', { service: 'test' });
const message: MessageOptions = { topic: 'rp-session', body: Buffer.from('x') };
const staleRoute = () => new TypeError('Current message type not match with topic accept message types, topic=rp-session, actualMessageType=5, acceptMessageTypes=[0]');

/** A client whose route of the topic may be stuck with the wrong type, as rocketmq-client-nodejs's is. */
class Client implements BusSender {
  started = false;
  stopped = false;
  sends = 0;
  constructor(readonly stuck: boolean) {}
  async startup(): Promise<void> { this.started = true; }
  async shutdown(): Promise<void> { this.stopped = true; }
  async send(): Promise<unknown> {
    this.sends++;
    if (this.stuck) throw staleRoute();
    return { messageId: 'm' };
  }
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('renewing sender: a client stuck with a stale topic route is replaced', () => {
  it('tells the client\'s stale-route refusal from other errors', () => {
    assert.ok(isStaleMessageType(staleRoute()));
    assert.ok(!isStaleMessageType(new TypeError('something else')));
    assert.ok(!isStaleMessageType(new Error('Current message type not match with topic accept message types')));
  });

  it('replaces the client after a stale-route refusal, so that the caller\'s next try goes through', async () => {
    const clients: Client[] = [];
    const sender = new RenewingSender(() => { const c = new Client(clients.length === 0); clients.push(c); return c; }, log);
    await sender.startup();
    await assert.rejects(sender.send(message), TypeError, 'the refused send itself still fails: its caller retries it');
    await settle();
    assert.equal(clients.length, 2);
    assert.ok(clients[1]!.started);
    assert.ok(clients[0]!.stopped, 'the stuck client is closed');
    assert.deepEqual(await sender.send(message), { messageId: 'm' });
    assert.equal(sender.renewals, 1);
    await sender.shutdown();
    assert.ok(clients[1]!.stopped);
  });

  it('renews at most once per interval, however many sends are refused', async () => {
    const clients: Client[] = [];
    const sender = new RenewingSender(() => { const c = new Client(true); clients.push(c); return c; }, log, 60_000);
    await sender.startup();
    for (let i = 0; i < 20; i++) await assert.rejects(sender.send(message));
    await settle();
    assert.equal(clients.length, 2, 'one renewal, not one per refusal');
    await sender.shutdown();
  });

  it('keeps the client on any other error', async () => {
    let made = 0;
    const failing: BusSender = { startup: async () => undefined, shutdown: async () => undefined, send: async () => { throw new Error('proxy gone'); } };
    const sender = new RenewingSender(() => { made++; return failing; }, log);
    await assert.rejects(sender.send(message), /proxy gone/);
    await settle();
    assert.equal(made, 1);
  });
});
