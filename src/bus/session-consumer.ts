import type { Logger } from '../log.js';
import { decodeBatch, type Batch } from '../message/envelope.js';
import type { QueuePlace, ReceivedSessionMessage, SessionFeed, SessionOutcome } from './feeds.js';

export type { QueuePlace, SessionOutcome } from './feeds.js';

export interface SessionConsumerOptions {
  /** The persistent sessions' queues as the bus hands them out. */
  feed: SessionFeed;
  log: Logger;
  handle: (liteTopic: string, batch: Batch, place: QueuePlace) => Promise<SessionOutcome>;
}

export interface SessionConsumerStats {
  sessionBatches: number;
  sessionBatchesLater: number;
  sessionCorruptBatches: number;
}

/**
 * The edge's reading side of the persistent sessions' queues. The edge reads only the queues of
 * the sessions connected to it; a batch leaves its queue only when the device acknowledged it
 * ('done'); anything else, a failure included, hands it back to be read again later.
 */
export class SessionConsumer {
  readonly stats: SessionConsumerStats = { sessionBatches: 0, sessionBatchesLater: 0, sessionCorruptBatches: 0 };

  constructor(private readonly opts: SessionConsumerOptions) {}

  async start(): Promise<void> {
    await this.opts.feed.start((message) => this.consume(message));
  }

  /**
   * Starts reading a session's queue: at `offset` in every broker group that holds it, or, without
   * one, where each group's committed position for the queue stands.
   */
  subscribe(liteTopic: string, offset?: number): Promise<void> {
    return this.opts.feed.subscribe(liteTopic, offset);
  }

  queueGroups(): string[] {
    return this.opts.feed.queueGroups();
  }

  unsubscribe(liteTopic: string): Promise<void> {
    return this.opts.feed.unsubscribe(liteTopic);
  }

  reposition(liteTopic: string, offset: number): Promise<void> {
    return this.opts.feed.reposition(liteTopic, offset);
  }

  stop(): Promise<void> {
    return this.opts.feed.stop();
  }

  private async consume(message: ReceivedSessionMessage): Promise<SessionOutcome> {
    const { liteTopic, place } = message;
    let batch: Batch;
    try {
      batch = decodeBatch(message.body);
    } catch (err) {
      this.stats.sessionCorruptBatches++;
      this.opts.log.error('undecodable session batch skipped', { messageId: message.messageId, liteTopic, error: String(err) });
      return 'done';
    }
    // Per batch: the log object is only built when debug logging is on.
    const debug = this.opts.log.isDebugEnabled();
    if (debug) this.opts.log.debug('session batch read', { liteTopic, ...place, batchId: batch.batchId });
    let outcome: SessionOutcome = 'later';
    try {
      outcome = await this.opts.handle(liteTopic, batch, place);
    } catch (err) {
      this.opts.log.error('session delivery failed, will retry', { liteTopic, batchId: batch.batchId, error: String(err) });
    }
    if (debug) this.opts.log.debug('session batch handled', { liteTopic, ...place, outcome });
    if (outcome === 'done') this.stats.sessionBatches++;
    else this.stats.sessionBatchesLater++;
    return outcome;
  }
}
