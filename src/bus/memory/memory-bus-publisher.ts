import type { BusMessage } from '../../message/envelope.js';
import type { BusPublisher } from '../bus-publisher.js';

/**
 * A bus in this process that keeps what was written to it, in order: each tagged copy for the
 * delivery topic and each session queue's messages. `failNext` makes the next sends fail (a bus
 * that is away), to test what a caller does then.
 */
export class MemoryBusPublisher implements BusPublisher {
  readonly tagged: { tag: string; laneKey: string; message: BusMessage }[] = [];
  readonly sessionQueues = new Map<string, BusMessage[]>();
  private failures = 0;

  failNext(count: number): void {
    this.failures = count;
  }

  private fail(): boolean {
    if (this.failures === 0) return false;
    this.failures--;
    return true;
  }

  publish(message: BusMessage, laneKey: string, tags: string[]): Promise<void> {
    if (this.fail()) return Promise.reject(new Error('bus away'));
    for (const tag of tags) this.tagged.push({ tag, laneKey, message });
    return Promise.resolve();
  }

  publishToSession(message: BusMessage, liteTopic: string): Promise<void> {
    if (this.fail()) return Promise.reject(new Error('bus away'));
    const queue = this.sessionQueues.get(liteTopic) ?? [];
    queue.push(message);
    this.sessionQueues.set(liteTopic, queue);
    return Promise.resolve();
  }

  room(): Promise<void> | undefined {
    return undefined;
  }

  /** The messages tagged for `tag`, in the order they were written. */
  taggedFor(tag: string): BusMessage[] {
    return this.tagged.filter((t) => t.tag === tag).map((t) => t.message);
  }
}
