import { ConsumeResult, ConsumeResultSuspend, LitePushConsumerImpl, OffsetOption, type MessageView } from 'rocketmq-client-nodejs';
import type { Logger } from '../log.js';
import { rocketmqClientLogger, startClient, withTimeout } from './client-support.js';
import { decodeBatch, type Batch } from './envelope.js';
import { SESSION_GROUP, SESSION_TOPIC } from './names.js';

/** What the edge made of one queued batch: acknowledged by the device, or to be read again later. */
export type SessionOutcome = 'done' | 'later';

export interface SessionConsumerOptions {
  endpoints: string;
  namespace: string;
  requestTimeoutMs: number;
  maxCached: number;
  /** How long a batch the edge cannot deliver now stays invisible before it is read again. */
  retryLaterMs: number;
  log: Logger;
  /** `offset` is the batch's place in its lite topic (0, 1, 2, ...). */
  handle: (liteTopic: string, batch: Batch, offset: number) => Promise<SessionOutcome>;
}

export interface SessionConsumerStats {
  sessionBatches: number;
  sessionBatchesLater: number;
  sessionCorruptBatches: number;
}

/**
 * The edge's reading side of the persistent sessions' queues. The edge reads only the lite topics
 * of the sessions connected to it; RocketMQ keeps each lite topic in order and hands a batch to
 * one reader at a time, and the batch leaves the queue only when the device acknowledged it.
 * A batch a dead edge was holding is read again after the proxy's invisible time.
 */
export class SessionConsumer {
  private readonly consumer: LitePushConsumerImpl;
  readonly stats: SessionConsumerStats = { sessionBatches: 0, sessionBatchesLater: 0, sessionCorruptBatches: 0 };

  constructor(private readonly opts: SessionConsumerOptions) {
    this.consumer = new LitePushConsumerImpl({
      endpoints: opts.endpoints,
      namespace: opts.namespace,
      requestTimeout: opts.requestTimeoutMs,
      consumerGroup: SESSION_GROUP,
      bindTopic: SESSION_TOPIC,
      // The constructor replaces this with the bind topic; the typings still ask for it.
      subscriptions: new Map(),
      maxCacheMessageCount: opts.maxCached,
      // Sessions are independent: one slow device must not hold up the others read in the same batch.
      enableFifoConsumeAccelerator: true,
      logger: rocketmqClientLogger(opts.log),
      messageListener: { consume: (view: MessageView) => this.consume(view) },
    } as unknown as ConstructorParameters<typeof LitePushConsumerImpl>[0]);
  }

  async start(): Promise<void> {
    await startClient(this.consumer, 30_000, 'RocketMQ session consumer startup');
  }

  /**
   * Starts reading a session's queue at `offset`, the first batch not yet acknowledged by the
   * device (the session keeps it in Redis). Always explicit: without an offset the broker starts
   * a queue it has no committed offset for at its last message, and whether an earlier reader's
   * offset was committed cannot be known here.
   */
  async subscribe(liteTopic: string, offset: number): Promise<void> {
    await this.consumer.subscribeLite(liteTopic, OffsetOption.ofOffset(offset));
  }

  async unsubscribe(liteTopic: string): Promise<void> {
    await this.consumer.unsubscribeLite(liteTopic);
  }

  /**
   * Makes the broker hand out a queue this edge reads from `offset` on. The client sends an
   * offset only with a new subscription (its periodic full sync carries none), so the queue is
   * left and subscribed again with the offset; the broker applies it at its next read.
   */
  async reposition(liteTopic: string, offset: number): Promise<void> {
    await this.consumer.unsubscribeLite(liteTopic);
    await this.consumer.subscribeLite(liteTopic, OffsetOption.ofOffset(offset));
  }

  async stop(): Promise<void> {
    await withTimeout(this.consumer.shutdown(), 5000, 'session consumer shutdown').catch(() => undefined);
  }

  private async consume(view: MessageView): Promise<ConsumeResult> {
    let batch: Batch;
    try {
      batch = decodeBatch(view.body);
    } catch (err) {
      this.stats.sessionCorruptBatches++;
      this.opts.log.error('undecodable session batch skipped', { messageId: view.messageId, liteTopic: view.liteTopic, error: String(err) });
      return ConsumeResult.SUCCESS;
    }
    const offset = Number(view.offset ?? -1);
    // Per batch: the log object is only built when debug logging is on.
    const debug = this.opts.log.isDebugEnabled();
    if (debug) this.opts.log.debug('session batch read', { liteTopic: view.liteTopic, offset, batchId: batch.batchId });
    let outcome: SessionOutcome = 'later';
    try {
      outcome = await this.opts.handle(view.liteTopic ?? '', batch, offset);
    } catch (err) {
      this.opts.log.error('session delivery failed, will retry', { liteTopic: view.liteTopic, batchId: batch.batchId, error: String(err) });
    }
    if (debug) this.opts.log.debug('session batch handled', { liteTopic: view.liteTopic, offset, outcome });
    if (outcome === 'done') {
      this.stats.sessionBatches++;
      return ConsumeResult.SUCCESS;
    }
    this.stats.sessionBatchesLater++;
    return ConsumeResultSuspend.of(this.opts.retryLaterMs);
  }
}
