import { ConsumeResult, FilterExpression, PushConsumer, type MessageView } from 'rocketmq-client-nodejs';
import { rocketmqClientLogger, startClient } from '../bus/client-support.js';
import { DELAY_TOPIC, SCHEDULER_GROUP } from '../bus/names.js';
import type { Logger } from '../log.js';
import type { PushService } from './push-service.js';
import { decodeScheduledPush } from './scheduled-push.js';
import { ScheduledPushError } from '../errors.js';
import { withTimeout } from '../timing.js';

export interface PushSchedulerOptions {
  endpoints: string;
  namespace: string;
  requestTimeoutMs: number;
  pushes: PushService;
  log: Logger;
}

/**
 * Reads delayed pushes that RocketMQ hands back at their delivery time and sends them. Every API
 * process is a member of one consumer group, so each push is sent by one of them; a failed send is
 * retried by RocketMQ with its backoff, and a push is acknowledged there only once it was sent.
 */
export class PushScheduler {
  private readonly consumer: PushConsumer;
  readonly stats = { scheduledSent: 0, scheduledCancelled: 0, scheduledFailed: 0 };

  constructor(private readonly opts: PushSchedulerOptions) {
    this.consumer = new PushConsumer({
      endpoints: opts.endpoints,
      namespace: opts.namespace,
      requestTimeout: opts.requestTimeoutMs,
      consumerGroup: SCHEDULER_GROUP,
      subscriptions: new Map([[DELAY_TOPIC, FilterExpression.SUB_ALL]]),
      logger: rocketmqClientLogger(opts.log),
      messageListener: { consume: (view) => this.consume(view) },
    });
  }

  async start(): Promise<void> {
    await startClient(this.consumer, 30_000, 'RocketMQ scheduler consumer startup');
  }

  async stop(): Promise<void> {
    await withTimeout(this.consumer.shutdown(), 5000, 'scheduler shutdown').catch(() => undefined);
  }

  private async consume(view: MessageView): Promise<ConsumeResult> {
    let push;
    try {
      push = decodeScheduledPush(view.body);
    } catch (err) {
      if (!(err instanceof ScheduledPushError)) throw err;
      this.opts.log.error('undecodable scheduled push skipped', { messageId: view.messageId, error: err.message });
      return ConsumeResult.SUCCESS;
    }
    try {
      const outcome = await this.opts.pushes.sendScheduled(push);
      if (outcome === 'cancelled') this.stats.scheduledCancelled++;
      else this.stats.scheduledSent++;
      this.opts.log.info('scheduled push sent', { pushId: push.pushId, outcome, lateMs: Date.now() - (view.deliveryTimestamp?.getTime() ?? Date.now()) });
      return ConsumeResult.SUCCESS;
    } catch (err) {
      this.stats.scheduledFailed++;
      this.opts.log.warn('scheduled push failed, RocketMQ will hand it back', { pushId: push.pushId, error: String(err) });
      return ConsumeResult.FAILURE;
    }
  }
}
