import {
  ConsumeResult, ConsumeResultSuspend, FilterExpression, LitePushConsumerImpl, OffsetOption, PushConsumer, type MessageView,
} from 'rocketmq-client-nodejs';
import type { Logger } from '../log.js';
import { withTimeout } from '../timing.js';
import { rocketmqClientLogger, startClient } from './client-support.js';
import type { DelayFeed, DeliveryFeed, ReceivedMessage, ReceivedSessionMessage, SessionFeed, SessionOutcome } from './feeds.js';
import { BROADCAST_TAG, CONTROL_TOPIC, DELAY_TOPIC, DELIVERY_TOPIC, SCHEDULER_GROUP, SESSION_GROUP, SESSION_TOPIC, edgeConsumerGroup, edgeFilter } from './names.js';

/** Where the RocketMQ proxies are and how long a request may take. */
export interface RocketmqClientOptions {
  endpoints: string;
  namespace: string;
  requestTimeoutMs: number;
  /** Messages the client keeps received ahead of the consumer. */
  maxCached: number;
  log: Logger;
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

function received(view: MessageView): ReceivedMessage {
  return {
    messageId: view.messageId, topic: view.topic, tag: view.tag, keys: view.keys, body: view.body,
    bornAt: view.bornTimestamp?.getTime(), deliverAt: view.deliveryTimestamp?.getTime(),
  };
}

/** What tells one PushConsumer-backed feed from another. */
interface PushFeedSetup {
  group: string;
  subscriptions: [topic: string, filter: FilterExpression][];
  /** Messages the client keeps received ahead of the consumer (the client's default when absent). */
  maxCached?: number;
  /** Names the client in start-up and shutdown errors. */
  what: string;
}

/**
 * A feed on a RocketMQ PushConsumer: a message is acknowledged once `consume` resolved; one whose
 * `consume` rejected is handed back (RocketMQ retries it with the group's backoff).
 */
class PushConsumerFeed implements DeliveryFeed, DelayFeed {
  private consumer: PushConsumer | null = null;

  constructor(private readonly client: RocketmqClientOptions, private readonly setup: PushFeedSetup) {}

  async start(consume: (message: ReceivedMessage) => Promise<void>): Promise<void> {
    const { client, setup } = this;
    this.consumer = new PushConsumer({
      endpoints: client.endpoints,
      namespace: client.namespace,
      requestTimeout: client.requestTimeoutMs,
      consumerGroup: setup.group,
      subscriptions: new Map(setup.subscriptions),
      ...(setup.maxCached !== undefined ? { maxCacheMessageCount: setup.maxCached } : {}),
      logger: rocketmqClientLogger(client.log),
      messageListener: {
        consume: async (view) => {
          try {
            await consume(received(view));
            return ConsumeResult.SUCCESS;
          } catch {
            return ConsumeResult.FAILURE;
          }
        },
      },
    });
    await startClient(this.consumer, 30_000, `RocketMQ ${setup.what} startup`);
  }

  async stop(): Promise<void> {
    // shutdown() waits out a long poll of up to 20 s; past a few seconds that is not worth waiting for.
    if (this.consumer) await withTimeout(this.consumer.shutdown(), 5000, `${this.setup.what} shutdown`).catch(() => undefined);
  }
}

/** The delivery and control topics through the edge's own consumer group (so every edge sees every batch). */
export class RocketmqDeliveryFeed extends PushConsumerFeed {
  constructor(opts: RocketmqClientOptions & { edgeId: string }) {
    super(opts, {
      group: edgeConsumerGroup(opts.edgeId),
      subscriptions: [[DELIVERY_TOPIC, new FilterExpression(edgeFilter(opts.edgeId))], [CONTROL_TOPIC, new FilterExpression(BROADCAST_TAG)]],
      maxCached: opts.maxCached,
      what: 'consumer',
    });
  }
}

/** The delay topic through the scheduler group. */
export class RocketmqDelayFeed extends PushConsumerFeed {
  constructor(opts: RocketmqClientOptions) {
    super(opts, { group: SCHEDULER_GROUP, subscriptions: [[DELAY_TOPIC, FilterExpression.SUB_ALL]], what: 'scheduler consumer' });
  }
}

/**
 * The persistent sessions' queues through the one FIFO consumer group bound to the session topic:
 * RocketMQ keeps each lite topic in order and hands a batch to one reader at a time; a batch a
 * dead edge was holding is read again after the proxy's invisible time.
 */
export class RocketmqSessionFeed implements SessionFeed {
  private consumer: LitePushConsumerImpl | null = null;

  constructor(private readonly opts: RocketmqClientOptions & { retryLaterMs: number }) {}

  async start(consume: (message: ReceivedSessionMessage) => Promise<SessionOutcome>): Promise<void> {
    const { opts } = this;
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
      messageListener: {
        consume: async (view: MessageView) => {
          const outcome = await consume({
            ...received(view),
            liteTopic: view.liteTopic ?? '',
            place: { queue: brokerOfReceipt(view.receiptHandle), offset: Number(view.offset ?? -1) },
          });
          return outcome === 'done' ? ConsumeResult.SUCCESS : ConsumeResultSuspend.of(opts.retryLaterMs);
        },
      },
    } as unknown as ConstructorParameters<typeof LitePushConsumerImpl>[0]);
    await startClient(this.consumer, 30_000, 'RocketMQ session consumer startup');
  }

  private get client(): LitePushConsumerImpl {
    if (!this.consumer) throw new Error('the session feed is not started');
    return this.consumer;
  }

  async subscribe(liteTopic: string, offset?: number): Promise<void> {
    if (offset === undefined) await this.client.subscribeLite(liteTopic);
    else await this.client.subscribeLite(liteTopic, OffsetOption.ofOffset(offset));
  }

  async unsubscribe(liteTopic: string): Promise<void> {
    await this.client.unsubscribeLite(liteTopic);
  }

  /**
   * The client sends an offset only with a new subscription (its periodic full sync carries none),
   * so the queue is left and subscribed again with the offset; the broker applies it at its next read.
   */
  async reposition(liteTopic: string, offset: number): Promise<void> {
    await this.client.unsubscribeLite(liteTopic);
    await this.client.subscribeLite(liteTopic, OffsetOption.ofOffset(offset));
  }

  /** From the client's route of the session topic (refreshed by the client every 30 s). */
  queueGroups(): string[] {
    const cache = (this.consumer as unknown as { topicRouteCache?: Map<string, { messageQueues: { broker: { name: string } }[] }> } | null)?.topicRouteCache;
    const route = cache?.get(SESSION_TOPIC);
    return route ? [...new Set(route.messageQueues.map((q) => q.broker.name))] : [];
  }

  async stop(): Promise<void> {
    if (this.consumer) await withTimeout(this.consumer.shutdown(), 5000, 'session consumer shutdown').catch(() => undefined);
  }
}
