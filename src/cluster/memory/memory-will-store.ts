import type { BusMessage } from '../../message/envelope.js';
import type { WillStore } from '../will-store.js';

/** The wills of each edge's devices in this process. */
export class MemoryWillStore implements WillStore {
  private readonly wills = new Map<string, Map<string, BusMessage>>();

  put(edgeId: string, will: BusMessage): Promise<void> {
    const byClient = this.wills.get(edgeId) ?? new Map<string, BusMessage>();
    byClient.set(will.clientId, { ...will, payload: Buffer.from(will.payload) });
    this.wills.set(edgeId, byClient);
    return Promise.resolve();
  }

  remove(edgeId: string, clientId: string): Promise<void> {
    this.wills.get(edgeId)?.delete(clientId);
    return Promise.resolve();
  }

  all(edgeId: string): Promise<BusMessage[]> {
    return Promise.resolve([...(this.wills.get(edgeId)?.values() ?? [])].map((w) => ({ ...w, payload: Buffer.from(w.payload) })));
  }

  clear(edgeId: string): Promise<void> {
    this.wills.delete(edgeId);
    return Promise.resolve();
  }
}
