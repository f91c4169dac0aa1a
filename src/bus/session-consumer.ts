import { ConsumeResult, ConsumeResultSuspend, LitePushConsumerImpl, OffsetOption, type MessageView } from 'rocketmq-client-nodejs';
import type { Logger } from '../log.js';
import { rocketmqClientLogger, startClient } from './client-support.js';
import { decodeBatch, type Batch } from '../message/envelope.js';
import { SESSION_GROUP, SESSION_TOPIC } from './names.js';
import { withTimeout } from '../timing.js';

/** What the edge made of one queued batch: acknowledged by the device, or to be read again later. */
export type SessionOutcome = 'done' | 'later';

/**
 * Where a batch sits. A session's lite topic normally lives in one broker group, picked by the
 * proxy from a hash of its name over the writable queues; when a group is away (its master lost,
 * or a group added or removed) new batches go to another group, whose queue of the same lite topic
 * counts its own offsets from 0. So an offset means something only together with its group.
 */
export interface QueuePlace {
  /** The broker group (brokerName) whose queue holds the batch; '' when it cannot be told. */
  queue: string;
  /** The batch's offset in that queue (0, 1, 2, ...), -1 when unknown. */
  offset: number;
}

/**
 * The broker group of a received message, from its receipt handle: RocketMQ 5 encodes it as
 * space-separated fields (start offset, retrieve time, invisible time, revive queue, topic type,
 * broker name, queue id, offset, commit log offset), and the proxy hands it on as it is.
 */
export function brokerOfReceipt(receiptHandle: string | undefined): string {
  const fields = (receiptHandle ?? '').split(' ');
  return fields.length >= 8 ? fields[5]! : '';
}

export interface SessionConsumerOptions {
  endpoints: string;
  namespace: string;
  requestTimeoutMs: number;
  maxCached: number;
  /** How long a batch the edge cannot deliver now stays invisible before it is read again. */
  retryLaterMs: number;
  log: Logger;
  handle: (liteTopic: string, batch: Batch, place: QueuePlace) => Promise<SessionOutcome>;
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
   * Starts reading a session's queue: at `offset` in every broker group that holds it, or, without
   * one, where each group's committed position for the queue stands (a group with none starts at
   * its last batch).
   */
  async subscribe(liteTopic: string, offset?: number): Promise<void> {
    if (offset === undefined) await this.consumer.subscribeLite(liteTopic);
    else await this.consumer.subscribeLite(liteTopic, OffsetOption.ofOffset(offset));
  }

  /**
   * The broker groups that hold queues of the session topic, from the client's route (refreshed by
   * the client every 30 s); empty before the first route arrived.
   */
  queueGroups(): string[] {
    const cache = (this.consumer as unknown as { topicRouteCache?: Map<string, { messageQueues: { broker: { name: string } }[] }> }).topicRouteCache;
    const route = cache?.get(SESSION_TOPIC);
    return route ? [...new Set(route.messageQueues.map((q) => q.broker.name))] : [];
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
    const place: QueuePlace = { queue: brokerOfReceipt(view.receiptHandle), offset: Number(view.offset ?? -1) };
    // Per batch: the log object is only built when debug logging is on.
    const debug = this.opts.log.isDebugEnabled();
    if (debug) this.opts.log.debug('session batch read', { liteTopic: view.liteTopic, ...place, batchId: batch.batchId });
    let outcome: SessionOutcome = 'later';
    try {
      outcome = await this.opts.handle(view.liteTopic ?? '', batch, place);
    } catch (err) {
      this.opts.log.error('session delivery failed, will retry', { liteTopic: view.liteTopic, batchId: batch.batchId, error: String(err) });
    }
    if (debug) this.opts.log.debug('session batch handled', { liteTopic: view.liteTopic, ...place, outcome });
    if (outcome === 'done') {
      this.stats.sessionBatches++;
      return ConsumeResult.SUCCESS;
    }
    this.stats.sessionBatchesLater++;
    return ConsumeResultSuspend.of(this.opts.retryLaterMs);
  }
}
