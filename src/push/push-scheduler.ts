import type { DelayFeed, ReceivedMessage } from '../bus/feeds.js';
import type { Logger } from '../log.js';
import type { PushService } from './push-service.js';
import { decodeScheduledPush } from './scheduled-push.js';
import { ScheduledPushError } from '../errors.js';

export interface PushSchedulerOptions {
  /** The delay topic as the scheduler group reads it. */
  feed: DelayFeed;
  pushes: PushService;
  log: Logger;
}

/**
 * Reads delayed pushes that the bus hands back at their delivery time and sends them. Every API
 * process is a member of one consumer group, so each push is sent by one of them; a failed send is
 * handed back by the bus (RocketMQ retries with its backoff), and a push leaves the delay topic
 * only once it was sent.
 */
export class PushScheduler {
  readonly stats = { scheduledSent: 0, scheduledCancelled: 0, scheduledFailed: 0 };

  constructor(private readonly opts: PushSchedulerOptions) {}

  start(): Promise<void> {
    return this.opts.feed.start((message) => this.consume(message));
  }

  stop(): Promise<void> {
    return this.opts.feed.stop();
  }

  private async consume(message: ReceivedMessage): Promise<void> {
    let push;
    try {
      push = decodeScheduledPush(message.body);
    } catch (err) {
      if (!(err instanceof ScheduledPushError)) throw err;
      this.opts.log.error('undecodable scheduled push skipped', { messageId: message.messageId, error: err.message });
      return;
    }
    try {
      const outcome = await this.opts.pushes.sendScheduled(push);
      if (outcome === 'cancelled') this.stats.scheduledCancelled++;
      else this.stats.scheduledSent++;
      this.opts.log.info('scheduled push sent', { pushId: push.pushId, outcome, lateMs: Date.now() - (message.deliverAt ?? Date.now()) });
    } catch (err) {
      this.stats.scheduledFailed++;
      this.opts.log.warn('scheduled push failed, the bus will hand it back', { pushId: push.pushId, error: String(err) });
      throw err;
    }
  }
}
