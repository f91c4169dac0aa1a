import type { Redis } from 'ioredis';
import type { AutoscalerStatus, LoadMinute } from './autoscaler.js';
import type { RedisKeys } from '../cluster/keys.js';

/** Minutes of load history kept: a week for the daily season, plus a day. */
export const HISTORY_MINUTES = 8 * 24 * 60;

/** The autoscaler's state: its load history (to forecast after a restart) and its last decision. */
export interface AutoscalerStore {
  /** The kept minutes of load, oldest first (unreadable ones left out). */
  load(): Promise<LoadMinute[]>;
  /** Adds a minute; only the last HISTORY_MINUTES are kept. */
  append(minute: LoadMinute): Promise<void>;
  publish(status: AutoscalerStatus): Promise<void>;
  status(): Promise<AutoscalerStatus | null>;
}

/** In Redis: a capped list of minutes and one string with the last decision. */
export class RedisAutoscalerStore implements AutoscalerStore {
  constructor(private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async load(): Promise<LoadMinute[]> {
    const raw = await this.redis.lrange(this.keys.autoscalerHistory(), 0, -1);
    const minutes: LoadMinute[] = [];
    for (const line of raw) {
      try {
        const m = JSON.parse(line) as LoadMinute;
        if ([m.t, m.connections, m.messagesPerSecond].every((n) => typeof n === 'number' && Number.isFinite(n))) minutes.push(m);
      } catch { /* a damaged entry is one minute less of history */ }
    }
    return minutes;
  }

  async append(minute: LoadMinute): Promise<void> {
    await this.redis.multi().rpush(this.keys.autoscalerHistory(), JSON.stringify(minute)).ltrim(this.keys.autoscalerHistory(), -HISTORY_MINUTES, -1).exec();
  }

  async publish(status: AutoscalerStatus): Promise<void> {
    await this.redis.set(this.keys.autoscalerStatus(), JSON.stringify(status));
  }

  async status(): Promise<AutoscalerStatus | null> {
    const raw = await this.redis.get(this.keys.autoscalerStatus());
    return raw ? JSON.parse(raw) as AutoscalerStatus : null;
  }
}
