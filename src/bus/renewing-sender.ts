import type { Logger } from '../log.js';
import type { BusSender } from './batching-producer.js';
import { startClient } from './client-support.js';
import type { MessageOptions } from 'rocketmq-client-nodejs';

/**
 * The client's own refusal of a send because its cached route says the topic takes another message
 * type. For some seconds after a broker restart the proxy answers routes with every topic's type
 * UNSPECIFIED; rocketmq-client-nodejs 1.0.8 builds a topic's publishing route once, at its first
 * send, and never updates it, so a process whose first send to a topic fell in that window refuses
 * every later one (an API whose first session message came during a broker restart never queued
 * one again).
 */
export function isStaleMessageType(err: unknown): boolean {
  return err instanceof TypeError && err.message.startsWith('Current message type not match with topic accept message types');
}

/**
 * A RocketMQ producer that replaces itself with a new client when the old one is stuck with a stale
 * route (isStaleMessageType): at most once per `minIntervalMs`, while the callers' own retries go on.
 */
export class RenewingSender implements BusSender {
  private current: BusSender;
  private renewing: Promise<void> | null = null;
  private lastRenewal = 0;
  renewals = 0;

  constructor(private readonly make: () => BusSender, private readonly log: Logger, private readonly minIntervalMs = 10_000) {
    this.current = make();
  }

  startup(): Promise<void> {
    return startClient(this.current, 30_000, 'RocketMQ producer startup');
  }

  async send(message: MessageOptions): Promise<unknown> {
    try {
      return await this.current.send(message);
    } catch (err) {
      if (isStaleMessageType(err)) this.renew(err);
      throw err;
    }
  }

  async shutdown(): Promise<unknown> {
    await this.renewing;
    return this.current.shutdown();
  }

  private renew(cause: unknown): void {
    if (this.renewing || Date.now() - this.lastRenewal < this.minIntervalMs) return;
    this.lastRenewal = Date.now();
    this.renewing = (async () => {
      const next = this.make();
      await startClient(next, 30_000, 'RocketMQ producer renewal');
      const old = this.current;
      this.current = next;
      this.renewals++;
      this.log.warn('RocketMQ producer renewed: its route of a topic had a stale message type', { error: String(cause) });
      await old.shutdown().catch(() => undefined);
    })().catch((err: unknown) => {
      this.log.error('RocketMQ producer renewal failed; the next refused send tries again', { error: String(err) });
    }).finally(() => { this.renewing = null; });
  }
}
