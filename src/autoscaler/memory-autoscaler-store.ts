import type { AutoscalerStatus, LoadMinute } from './autoscaler.js';
import { HISTORY_MINUTES, type AutoscalerStore } from './autoscaler-store.js';

/** The autoscaler's state in this process. */
export class MemoryAutoscalerStore implements AutoscalerStore {
  private minutes: LoadMinute[] = [];
  private last: AutoscalerStatus | null = null;

  load(): Promise<LoadMinute[]> {
    return Promise.resolve(this.minutes.map((m) => ({ ...m })));
  }

  append(minute: LoadMinute): Promise<void> {
    this.minutes.push({ ...minute });
    if (this.minutes.length > HISTORY_MINUTES) this.minutes = this.minutes.slice(-HISTORY_MINUTES);
    return Promise.resolve();
  }

  publish(status: AutoscalerStatus): Promise<void> {
    this.last = structuredClone(status);
    return Promise.resolve();
  }

  status(): Promise<AutoscalerStatus | null> {
    return Promise.resolve(this.last ? structuredClone(this.last) : null);
  }
}
